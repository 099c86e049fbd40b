package shopify

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

func currencyExponent(code string) int {
	return currency.Exponent(code)
}

var errDecimal = errors.New("not a decimal number")

// toMinor converts a decimal amount such as "12.50" to minor units of
// currency, exactly; digits beyond the minor unit round half to even.
func toMinor(amount, currency string) (int64, error) {
	return scaleDecimal(amount, currencyExponent(currency))
}

// scaleDecimal returns s × 10^exp as an integer, rounding half to even. s is
// a decimal number as JSON writes it ("-0.15", "12", "1.5e-1").
func scaleDecimal(s string, exp int) (int64, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 30 || e < -30 {
			return 0, fmt.Errorf("%w: %q", errDecimal, s)
		}
		s, exp = s[:i], exp+e
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%w: %q", errDecimal, s)
	}
	all := strings.TrimLeft(whole+frac, "0")
	shift := exp - len(frac) // value = all × 10^shift
	var kept, dropped string
	if shift >= 0 {
		kept = all + strings.Repeat("0", shift)
	} else if -shift < len(all) {
		kept, dropped = all[:len(all)+shift], all[len(all)+shift:]
	} else {
		dropped = strings.Repeat("0", -shift-len(all)) + all
	}
	v, err := parseDigits(kept)
	if err != nil {
		return 0, fmt.Errorf("%w: %q out of range", errDecimal, s)
	}
	if roundUp(v, dropped) {
		v++
	}
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func parseDigits(s string) (int64, error) {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return 0, nil
	}
	if len(s) > 19 {
		return 0, strconv.ErrRange
	}
	return strconv.ParseInt(s, 10, 64)
}

// roundUp decides half-to-even rounding of v given the dropped digits.
func roundUp(v int64, dropped string) bool {
	if dropped == "" || v == math.MaxInt64 {
		return false
	}
	switch {
	case dropped[0] > '5':
		return true
	case dropped[0] < '5':
		return false
	case strings.Trim(dropped[1:], "0") != "":
		return true
	}
	return v%2 == 1
}

// formatScaled writes v × 10^-exp as a decimal string, e.g. (1500, 4) → "0.15"
// and (1000, 2) → "10.00" (trailing zeros kept only when keepZeros).
func formatScaled(v int64, exp int, keepZeros bool) string {
	neg := v < 0
	s := strconv.FormatUint(absU(v), 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
		if !keepZeros {
			s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

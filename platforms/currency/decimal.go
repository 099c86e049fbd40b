package currency

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrDecimal is returned for a string that is not a decimal amount, or one
// that does not fit.
var ErrDecimal = errors.New("not a decimal amount")

// MaxMinor bounds the amounts ParseMinor accepts: 10^13 minor units either
// way, the bound models.MaxAmount puts on every amount.
const MaxMinor int64 = 10_000_000_000_000

// Rounding says what Scaled does with digits beyond its scale.
type Rounding int

const (
	// Exact refuses non-zero digits beyond the scale ("12.345" USD).
	Exact Rounding = iota
	// HalfEven rounds them half to even ("0.015" USD → 2 cents).
	HalfEven
	// HalfUp rounds them half away from zero ("12.345" → 12.35).
	HalfUp
)

// Scaled reads s × 10^scale as an integer. s is an optional "-", digits,
// and an optional "." with digits ("12.5", "-3", ".5", "5."); spaces, "+",
// exponents and an empty string are refused, and so is a result beyond
// int64. A negative scale is allowed (s counts units of 10^-scale).
func Scaled(s string, scale int, r Rounding) (int64, error) {
	body, neg := strings.CutPrefix(s, "-")
	whole, frac, _ := strings.Cut(body, ".")
	if whole+frac == "" || !isDigits(whole) || !isDigits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrDecimal, s)
	}
	all, keep := whole+frac, len(whole)+scale
	var kept, dropped string
	switch {
	case keep >= len(all):
		kept = all + strings.Repeat("0", keep-len(all))
	case keep <= 0:
		dropped = strings.Repeat("0", -keep) + all
	default:
		kept, dropped = all[:keep], all[keep:]
	}
	kept = strings.TrimLeft(kept, "0")
	if len(kept) > 19 {
		return 0, fmt.Errorf("%w: %q is out of range", ErrDecimal, s)
	}
	v, err := strconv.ParseInt("0"+kept, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is out of range", ErrDecimal, s)
	}
	if strings.Trim(dropped, "0") != "" {
		up := false
		switch r {
		case Exact:
			return 0, fmt.Errorf("%w: %q has more than %d decimals", ErrDecimal, s, scale)
		case HalfUp:
			up = dropped[0] >= '5'
		case HalfEven:
			up = dropped[0] > '5' || dropped[0] == '5' && (strings.Trim(dropped[1:], "0") != "" || v%2 == 1)
		}
		if up && v == 1<<63-1 {
			return 0, fmt.Errorf("%w: %q is out of range", ErrDecimal, s)
		}
		if up {
			v++
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

// ParseMinor reads a decimal amount of currency ("12.50", "12.5", "-3")
// as minor units, exactly: more decimals than the currency has (other than
// trailing zeros) and amounts beyond ±MaxMinor are refused.
func ParseMinor(s, currency string) (int64, error) {
	v, err := Scaled(s, Exponent(currency), Exact)
	if err == nil && (v > MaxMinor || v < -MaxMinor) {
		return 0, fmt.Errorf("%w: %q is beyond %d minor units", ErrDecimal, s, MaxMinor)
	}
	return v, err
}

// PercentToBasisPoints reads a percentage ("15", "12.5") as basis points,
// rounding a third decimal as r says.
func PercentToBasisPoints(pct string, r Rounding) (int64, error) {
	return Scaled(pct, 2, r)
}

// BasisPointsToPercent writes basis points as the shortest percentage
// that reads back the same, the form platforms take a percentage
// discount in: 1500 → "15", 1250 → "12.5", 1 → "0.01", -50 → "-0.5".
func BasisPointsToPercent(bps int64) string {
	return strings.TrimSuffix(strings.TrimRight(FormatScaled(bps, 2), "0"), ".")
}

// FormatScaled writes v × 10^-scale with exactly scale decimals:
// (1250, 2) → "12.50", (5, 3) → "0.005", (1500, 0) → "1500".
func FormatScaled(v int64, scale int) string {
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if scale > 0 {
		s = strings.Repeat("0", max(0, scale+1-len(s))) + s
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if v < 0 {
		s = "-" + s
	}
	return s
}

// FormatMinor writes minor units of currency as a decimal: 1234 USD →
// "12.34", 500 JPY → "500", 5 KWD → "0.005".
func FormatMinor(v int64, currency string) string {
	return FormatScaled(v, Exponent(currency))
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

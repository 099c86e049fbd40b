package shopify

import (
	"fmt"
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

func currencyExponent(code string) int {
	return currency.Exponent(code)
}

// toMinor converts a decimal amount such as "12.50" to minor units of
// currency, exactly; digits beyond the minor unit round half to even.
func toMinor(amount, code string) (int64, error) {
	return scaleDecimal(amount, currencyExponent(code))
}

// scaleDecimal returns s × 10^exp as an integer, rounding half to even. s is
// a decimal number as JSON writes it ("-0.15", "12", "1.5e-1"), so unlike
// currency.Scaled it takes an exponent, a "+" and surrounding spaces.
func scaleDecimal(s string, exp int) (int64, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 30 || e < -30 {
			return 0, fmt.Errorf("%w: %q", currency.ErrDecimal, s)
		}
		s, exp = s[:i], exp+e
	}
	if rest, ok := strings.CutPrefix(s, "+"); ok && !strings.HasPrefix(rest, "-") {
		s = rest
	}
	return currency.Scaled(s, exp, currency.HalfEven)
}

// formatScaled writes v × 10^-exp as a decimal string, e.g. (1500, 4) → "0.15"
// and (1000, 2) → "10.00" (trailing zeros kept only when keepZeros).
func formatScaled(v int64, exp int, keepZeros bool) string {
	s := currency.FormatScaled(v, exp)
	if exp > 0 && !keepZeros {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Package wcmoney converts WooCommerce's decimal money strings ("12.50")
// to integer minor units and back, exactly, with no floating point. The
// adapter and the sandbox share it; it knows nothing of the rest of the app.
//
// Parsing and formatting are platforms/currency's, with WooCommerce's
// leniency (blank is zero, "+" and spaces allowed).
package wcmoney

import (
	"strings"

	"codecredit/platforms/currency"
)

// ErrAmount is returned for a string that is not a decimal amount.
var ErrAmount = currency.ErrDecimal

// Exponent is the number of decimals of a currency's minor unit (2 unless listed).
func Exponent(code string) int {
	return currency.Exponent(code)
}

// ParseScaled reads a decimal string such as "-12.5" as an integer count
// of 10^-scale units. Digits beyond scale are rounded half to even (a
// store set to show more decimals than its currency has). An empty string
// is zero, as WooCommerce leaves blank amounts empty; surrounding spaces
// and a leading "+" are allowed.
func ParseScaled(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if rest, ok := strings.CutPrefix(s, "+"); ok && !strings.HasPrefix(rest, "-") {
		s = rest
	}
	return currency.Scaled(s, scale, currency.HalfEven)
}

// ParseMinor reads a decimal amount in currency as minor units.
func ParseMinor(s, code string) (int64, error) {
	return ParseScaled(s, Exponent(code))
}

// FormatScaled renders units of 10^-scale as a decimal string: 1250, 2 → "12.50".
func FormatScaled(v int64, scale int) string {
	return currency.FormatScaled(v, scale)
}

// FormatMinor renders minor units of currency as WooCommerce does: 1234 USD → "12.34".
func FormatMinor(v int64, code string) string {
	return currency.FormatMinor(v, code)
}

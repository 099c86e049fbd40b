package stripe

import (
	"math/big"
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

// Stripe amounts are integers in the currency's smallest unit already
// (https://docs.stripe.com/currencies#zero-decimal); these helpers only
// render them and convert percentages, exactly, without floats.

// currencyExponent is the number of decimals of a currency's minor unit.
func currencyExponent(code string) int {
	return currency.Exponent(code)
}

// formatMinor renders minor units as a decimal: 1250 usd → "12.50", 500 jpy → "500".
func formatMinor(amount int64, currency string) string {
	exp := currencyExponent(currency)
	neg := amount < 0
	if neg {
		amount = -amount
	}
	s := strconv.FormatInt(amount, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// basisPointsToPercent renders basis points as Stripe's percent_off:
// 1500 → "15", 1550 → "15.5", 1 → "0.01".
func basisPointsToPercent(bps int64) string {
	s := strconv.FormatInt(bps/100, 10)
	if frac := bps % 100; frac != 0 {
		f := strconv.FormatInt(100+frac, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// percentToBasisPoints converts a percent_off as decoded from JSON. The
// shortest decimal that reads back as the same float is the number Stripe
// sent (e.g. "33.33"), so the conversion runs on that text; a third decimal
// rounds half up.
func percentToBasisPoints(pct float64) int64 {
	bps, _ := decimalToBasisPoints(strconv.FormatFloat(pct, 'f', -1, 64))
	return bps
}

// decimalToBasisPoints reads a non-negative decimal percentage ("15",
// "15.5", "33.335") as basis points, rounding half up beyond two decimals.
func decimalToBasisPoints(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(whole) > 6 || strings.Trim(whole, "0123456789") != "" ||
		strings.Trim(frac, "0123456789") != "" {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac += "000"
	hundredths, _ := strconv.ParseInt(frac[:2], 10, 64)
	bps := w*100 + hundredths
	if frac[2] >= '5' {
		bps++
	}
	return bps, true
}

// mulDiv is a × b / c for non-negative a, b and positive c, rounded half
// up, without overflow.
func mulDiv(a, b, c int64) int64 {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	p.Add(p, big.NewInt(c/2))
	return p.Quo(p, big.NewInt(c)).Int64()
}

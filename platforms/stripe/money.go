package stripe

import (
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

// Stripe amounts are integers in the currency's smallest unit already
// (https://docs.stripe.com/currencies#zero-decimal); these helpers only
// render them and convert percentages, exactly, without floats.

// formatMinor renders minor units as a decimal: 1250 usd → "12.50", 500 jpy → "500".
func formatMinor(amount int64, code string) string {
	return currency.FormatMinor(amount, code)
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
	s = strings.TrimSpace(s)
	whole, _, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || strings.HasPrefix(s, "-") {
		return 0, false
	}
	bps, err := currency.PercentToBasisPoints(s, currency.HalfUp)
	return bps, err == nil
}

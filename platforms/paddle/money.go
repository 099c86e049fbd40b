package paddle

import (
	"fmt"
	"strings"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// minor parses a Paddle amount: a string of a whole number of the
// currency's lowest denomination ("1250" is 12.50 USD, "1250" JPY is
// 1250 yen). Negative values are refused; "" is refused too, since every
// amount the adapter reads is required.
func minor(field, v string) (int64, error) {
	n, err := currency.Scaled(v, 0, currency.Exact)
	if err != nil || !allDigits(v) {
		return 0, fmt.Errorf("%w: %s %q is not a whole, non-negative amount in minor units", platforms.ErrPayload, field, v)
	}
	return n, nil
}

// percentToBasisPoints converts a Paddle percentage ("10", "12.5",
// "0.01") to basis points exactly, without floats. ok is false for
// values with more than two decimals or outside 0..100.
func percentToBasisPoints(v string) (bps int64, ok bool) {
	v = strings.TrimSpace(v)
	whole, frac, _ := strings.Cut(v, ".")
	if !allDigits(whole) || len(whole) > 3 || len(frac) > 2 {
		return 0, false
	}
	bps, err := currency.PercentToBasisPoints(v, currency.Exact)
	return bps, err == nil && bps <= 10000
}

package paddle

import (
	"fmt"
	"strconv"
	"strings"

	"codecredit/platforms"
)

// minor parses a Paddle amount: a string of a whole number of the
// currency's lowest denomination ("1250" is 12.50 USD, "1250" JPY is
// 1250 yen). Negative values are refused; "" is refused too, since every
// amount the adapter reads is required.
func minor(field, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || !allDigits(v) {
		return 0, fmt.Errorf("%w: %s %q is not a whole, non-negative amount in minor units", platforms.ErrPayload, field, v)
	}
	return n, nil
}

// percentToBasisPoints converts a Paddle percentage ("10", "12.5",
// "0.01") to basis points exactly, without floats. ok is false for
// values with more than two decimals or outside 0..100.
func percentToBasisPoints(v string) (bps int64, ok bool) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(v), ".")
	if !allDigits(whole) || len(frac) > 2 || (frac != "" && !allDigits(frac)) || len(whole) > 3 {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac += strings.Repeat("0", 2-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	bps = w*100 + f
	return bps, bps <= 10000
}

// basisPointsToPercent renders basis points as Paddle's percentage
// string: 1500 → "15", 1250 → "12.5", 1 → "0.01".
func basisPointsToPercent(bps int64) string {
	s := strconv.FormatInt(bps/100, 10)
	if rest := bps % 100; rest != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", rest), "0")
	}
	return s
}

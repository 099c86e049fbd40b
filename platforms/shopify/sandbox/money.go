package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

// exponent is the number of decimals of a currency's minor unit.
func exponent(code string) int {
	return currency.Exponent(code)
}

// parseDecimal reads a non-negative or negative decimal string such as
// "12.5" into an integer scaled by 10^scale, exactly; more decimals than
// scale is an error.
func parseDecimal(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, fmt.Errorf("sandbox: %q has more than %d decimals", s, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("sandbox: %q is not a decimal number", s)
		}
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(whole+frac) > 18 {
		return 0, fmt.Errorf("sandbox: %q is out of range", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseMoney reads a decimal amount of currency into minor units.
func parseMoney(s, currency string) (int64, error) {
	return parseDecimal(s, exponent(currency))
}

// formatScaled renders v / 10^scale with exactly scale decimals.
func formatScaled(v int64, scale int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// money renders minor units of currency the way Shopify's REST payloads do,
// e.g. 1250 USD → "12.50", 1250 JPY → "1250".
func money(minor int64, currency string) string {
	return formatScaled(minor, exponent(currency))
}

// moneyNumber is money as a JSON number, the form some REST fields use
// (refund line subtotals).
func moneyNumber(minor int64, currency string) json.Number {
	return json.Number(money(minor, currency))
}

// mulDivRound returns a*num/den rounded half to even, for non-negative a,
// num and positive den, without overflow for realistic shop amounts.
func mulDivRound(a, num, den int64) int64 {
	p := a * num
	q, r := p/den, p%den
	switch {
	case 2*r > den, 2*r == den && q%2 == 1:
		q++
	}
	return q
}

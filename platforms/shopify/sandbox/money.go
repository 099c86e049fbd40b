package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms/currency"
)

// exponent is the number of decimals of a currency's minor unit.
func exponent(code string) int {
	return currency.Exponent(code)
}

// parseDecimal reads a decimal string such as "12.5" (surrounding spaces
// allowed, "" is zero) into an integer scaled by 10^scale, exactly; more
// decimals than scale is an error.
func parseDecimal(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := currency.Scaled(s, scale, currency.Exact)
	if err != nil {
		return 0, fmt.Errorf("sandbox: %w", err)
	}
	return v, nil
}

// parseMoney reads a decimal amount of currency into minor units.
func parseMoney(s, currency string) (int64, error) {
	return parseDecimal(s, exponent(currency))
}

// formatScaled renders v / 10^scale with exactly scale decimals.
func formatScaled(v int64, scale int) string {
	return currency.FormatScaled(v, scale)
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

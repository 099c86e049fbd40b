package paypal

import (
	"errors"
	"fmt"
	"strings"

	"codecredit/platforms/currency"
)

// ErrAmount is an amount PayPal cannot be sent or that PayPal sent in a
// form we cannot read exactly.
var ErrAmount = errors.New("paypal: amount")

// noDecimals lists the currencies PayPal takes in whole units only
// although ISO 4217 gives them minor units; a decimal amount in them is an
// error (developer.paypal.com/api/rest/reference/currency-codes).
var noDecimals = map[string]bool{"HUF": true, "JPY": true, "TWD": true}

// paypalDecimals is how many decimals PayPal takes for a currency.
func paypalDecimals(cur string) int {
	if noDecimals[strings.ToUpper(cur)] {
		return 0
	}
	return currency.Exponent(cur)
}

// FormatAmount writes minor units of cur as PayPal's decimal string:
// 1234 USD → "12.34", 500 JPY → "500", 150000 HUF → "1500". An amount that
// PayPal cannot express exactly (150050 HUF, 15 forints and 50 fillér) is
// refused rather than rounded; so is a non-positive one.
func FormatAmount(minor int64, cur string) (string, error) {
	cur = strings.ToUpper(cur)
	if minor <= 0 {
		return "", fmt.Errorf("%w: %d %s is not a positive payout", ErrAmount, minor, cur)
	}
	if !currency.Known(cur) {
		return "", fmt.Errorf("%w: unknown currency %q", ErrAmount, cur)
	}
	drop := currency.Exponent(cur) - paypalDecimals(cur)
	unit := int64(1)
	for range drop {
		unit *= 10
	}
	if minor%unit != 0 {
		return "", fmt.Errorf("%w: PayPal takes %s in whole units; %s is not one",
			ErrAmount, cur, currency.FormatMinor(minor, cur))
	}
	return currency.FormatScaled(minor/unit, paypalDecimals(cur)), nil
}

// ParseAmount reads PayPal's decimal string as minor units of cur, exactly
// ("1.0" USD → 100, "500" JPY → 500, "1500" HUF → 150000).
func ParseAmount(value, cur string) (int64, error) {
	v, err := currency.ParseMinor(value, cur)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrAmount, err)
	}
	return v, nil
}

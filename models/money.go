package models

import "codecredit/platforms/currency"

// Money is always an integer count of minor units plus an ISO 4217 code.
//
// Rounding: every division rounds half to even (banker's rounding), so that
// over many orders the rounding neither favours the merchant nor the
// affiliate. Reversals are computed cumulatively (the reversed total after a
// refund is the rounded pro rata share of everything refunded so far, minus
// what was already reversed), so the parts always sum to the whole: refunding
// an order in any number of pieces reverses exactly its commission.

// CurrencyExponent is the number of decimals of a currency's minor unit.
func CurrencyExponent(code string) int {
	return currency.Exponent(code)
}

// ValidCurrency reports whether s is an ISO 4217 currency code, upper case.
func ValidCurrency(s string) bool {
	return currency.Known(s)
}

// MaxAmount bounds every amount the API and the engine accept (order
// subtotal, discount and total, refund amounts, flat commissions, fixed
// discounts): 10^13 minor units, e.g. USD 100 billion. With commission at
// most 100% of a subtotal, a commission fits int64 and so does the sum of
// 900,000 of the largest orders.
const MaxAmount int64 = 10_000_000_000_000

// CheckAmount refuses an amount outside 0..MaxAmount, naming the field.
func CheckAmount(field string, v int64) error {
	if v < 0 || v > MaxAmount {
		return invalidf("%s must be between 0 and %d minor units", field, MaxAmount)
	}
	return nil
}

// FormatMinor renders minor units as a decimal string, e.g. 1234 USD → "12.34".
func FormatMinor(amount int64, code string) string {
	return currency.FormatMinor(amount, code)
}

// ApplyBasisPoints returns amount × bps / 10000, rounded half to even.
func ApplyBasisPoints(amount, bps int64) int64 {
	return currency.MulDiv(amount, bps, 10000)
}

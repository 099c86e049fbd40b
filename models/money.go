package models

import (
	"math/big"
	"math/bits"

	"codecredit/platforms/currency"
)

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
func FormatMinor(amount int64, currency string) string {
	exp := CurrencyExponent(currency)
	neg := amount < 0
	u := uint64(amount)
	if neg {
		u = uint64(-amount)
	}
	s := new(big.Int).SetUint64(u).String()
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

// MulDiv returns a*num/den rounded half to even. a may be negative; num must
// be >= 0 and den > 0.
func MulDiv(a, num, den int64) int64 {
	if den <= 0 || num < 0 {
		panic("models: MulDiv needs num >= 0 and den > 0")
	}
	neg := a < 0
	ua := uint64(a)
	if neg {
		ua = uint64(-a)
	}
	hi, lo := bits.Mul64(ua, uint64(num))
	var q uint64
	if hi < uint64(den) {
		var r uint64
		q, r = bits.Div64(hi, lo, uint64(den))
		q = roundHalfEven(q, r, uint64(den))
	} else {
		q = mulDivBig(ua, uint64(num), uint64(den))
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func roundHalfEven(q, r, den uint64) uint64 {
	rest := den - r // r < den, so no overflow
	if r > rest || (r == rest && q%2 == 1) {
		return q + 1
	}
	return q
}

func mulDivBig(a, num, den uint64) uint64 {
	p := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(num))
	d := new(big.Int).SetUint64(den)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	r.Mul(r, big.NewInt(2))
	if c := r.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q.Uint64()
}

// ApplyBasisPoints returns amount × bps / 10000, rounded half to even.
func ApplyBasisPoints(amount, bps int64) int64 {
	return MulDiv(amount, bps, 10000)
}

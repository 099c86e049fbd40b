package currency

import (
	"math"
	"math/bits"
)

// MulDiv returns a×num/den rounded half to even, the rounding of every
// share the app computes (a commission of a subtotal, the part of a
// commission a refund reverses, a refund's share of an order): over many
// orders it favours neither the merchant nor the affiliate. Negative a or
// num round as their magnitude does ("-2.5" → -2). The product is exact,
// whatever its size; a quotient beyond int64 saturates at its bound. A
// den of zero or less gives 0: there is nothing to share.
func MulDiv(a, num, den int64) int64 {
	return mulDiv(a, num, den, HalfEven)
}

// MulDivHalfUp is MulDiv rounding halves away from zero ("2.5" → 3), for
// arithmetic that follows a platform's own (a Stripe credit note's share,
// the Paddle sandbox's tax and fees).
func MulDivHalfUp(a, num, den int64) int64 {
	return mulDiv(a, num, den, HalfUp)
}

func mulDiv(a, num, den int64, r Rounding) int64 {
	if den <= 0 {
		return 0
	}
	d := uint64(den)
	hi, lo := bits.Mul64(magnitude(a), magnitude(num))
	neg := (a < 0) != (num < 0)
	if hi >= d { // the quotient needs more than 64 bits
		return saturate(neg)
	}
	q, rem := bits.Div64(hi, lo, d)
	if rest := d - rem; rem > rest || rem == rest && (r == HalfUp || q%2 == 1) {
		if q == math.MaxUint64 {
			return saturate(neg)
		}
		q++
	}
	switch {
	case !neg && q > math.MaxInt64, neg && q > 1<<63:
		return saturate(neg)
	case neg:
		return -int64(q) // q == 1<<63 wraps to math.MinInt64, as it should
	}
	return int64(q)
}

// magnitude is |v|, math.MinInt64 included.
func magnitude(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

func saturate(neg bool) int64 {
	if neg {
		return math.MinInt64
	}
	return math.MaxInt64
}

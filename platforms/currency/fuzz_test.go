package currency

import (
	"math"
	"math/big"
	"testing"
)

// FuzzMulDiv checks both roundings of MulDiv against exact arithmetic on
// big integers, saturation at the int64 bounds included.
func FuzzMulDiv(f *testing.F) {
	f.Add(int64(1161), int64(1620), int64(1742))
	f.Add(int64(-5), int64(1), int64(2))
	f.Add(int64(math.MinInt64), int64(-1), int64(1))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(3))
	f.Add(int64(1), int64(1), int64(0))
	f.Fuzz(func(t *testing.T, a, num, den int64) {
		for _, r := range []Rounding{HalfEven, HalfUp} {
			got := mulDiv(a, num, den, r)
			if want := exactMulDiv(a, num, den, r); got != want {
				t.Fatalf("mulDiv(%d, %d, %d, %d) = %d, want %d", a, num, den, r, got, want)
			}
		}
	})
}

// exactMulDiv is what mulDiv computes, on big integers.
func exactMulDiv(a, num, den int64, r Rounding) int64 {
	if den <= 0 {
		return 0
	}
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(num))
	d := big.NewInt(den)
	q, rem := new(big.Int).QuoRem(p, d, new(big.Int)) // q truncated toward zero
	twice := new(big.Int).Lsh(new(big.Int).Abs(rem), 1)
	c := twice.Cmp(d)
	if c > 0 || c == 0 && (r == HalfUp || q.Bit(0) == 1) {
		q.Add(q, big.NewInt(int64(p.Sign())))
	}
	switch {
	case q.Cmp(big.NewInt(math.MaxInt64)) > 0:
		return math.MaxInt64
	case q.Cmp(big.NewInt(math.MinInt64)) < 0:
		return math.MinInt64
	}
	return q.Int64()
}

// FuzzBasisPointsToPercent checks that every percentage written reads back
// as the same basis points.
func FuzzBasisPointsToPercent(f *testing.F) {
	for _, bps := range []int64{0, 1, 1250, 1500, 10000, -50, math.MaxInt64, math.MinInt64 + 1} {
		f.Add(bps)
	}
	f.Fuzz(func(t *testing.T, bps int64) {
		if bps == math.MinInt64 {
			return // its magnitude does not fit int64, so it cannot be read back
		}
		text := BasisPointsToPercent(bps)
		back, err := PercentToBasisPoints(text, Exact)
		if err != nil || back != bps {
			t.Fatalf("%d → %q → %d, %v", bps, text, back, err)
		}
	})
}

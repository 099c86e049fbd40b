package currency

import (
	"math"
	"testing"
)

// MulDiv rounds half to even, negatives included; a den of 0 gives 0.
func TestMulDiv(t *testing.T) {
	tests := []struct{ a, num, den, want int64 }{
		{1161, 1620, 1742, 1080},
		{5, 1, 2, 2}, // 2.5 → 2
		{7, 1, 2, 4}, // 3.5 → 4
		{-5, 1, 2, -2},
		{-7, 1, 2, -4},
		{1, 1, 0, 0},
		{5, -1, 2, -2},
		{-5, -1, 2, 2},
		{12345, 1550, 10000, 1913}, // 1913.475
		{MaxMinor, 10000, 10000, MaxMinor},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, 1, 1, math.MinInt64},
		{math.MaxInt64, 2, 1, math.MaxInt64}, // saturates
		{math.MinInt64, 2, 1, math.MinInt64},
		{math.MinInt64, -1, 1, math.MaxInt64},
	}
	for _, tt := range tests {
		if got := MulDiv(tt.a, tt.num, tt.den); got != tt.want {
			t.Errorf("MulDiv(%d, %d, %d) = %d, want %d", tt.a, tt.num, tt.den, got, tt.want)
		}
	}
}

// MulDivHalfUp rounds halves away from zero, without overflow.
func TestMulDivHalfUp(t *testing.T) {
	tests := []struct{ a, b, c, want int64 }{
		{850, 935, 935, 850}, {1700, 1, 2, 850}, {1, 1, 2, 1}, {5, 1, 3, 2}, {1 << 62, 1 << 40, 1 << 41, 1 << 61},
		{5, 1, 2, 3}, {-5, 1, 2, -3}, {4, 1, 3, 1}, {1, 1, 0, 0},
	}
	for _, tt := range tests {
		if got := MulDivHalfUp(tt.a, tt.b, tt.c); got != tt.want {
			t.Errorf("MulDivHalfUp(%d, %d, %d) = %d, want %d", tt.a, tt.b, tt.c, got, tt.want)
		}
	}
}

// Basis points render as the shortest percentage, as Stripe's percent_off
// and Paddle's amount take it.
func TestBasisPointsToPercent(t *testing.T) {
	tests := []struct {
		bps  int64
		text string
	}{
		{1500, "15"}, {1550, "15.5"}, {1250, "12.5"}, {1, "0.01"}, {3333, "33.33"}, {10000, "100"},
		{5, "0.05"}, {1234, "12.34"}, {1000, "10"}, {0, "0"}, {-50, "-0.5"}, {-1200, "-12"},
	}
	for _, tt := range tests {
		if got := BasisPointsToPercent(tt.bps); got != tt.text {
			t.Errorf("BasisPointsToPercent(%d) = %q, want %q", tt.bps, got, tt.text)
		}
	}
}

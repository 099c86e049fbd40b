package shopify

import "testing"

func TestToMinor(t *testing.T) {
	tests := []struct {
		amount, currency string
		want             int64
		ok               bool
	}{
		{"12.50", "USD", 1250, true},
		{"12.5", "USD", 1250, true},
		{"0.10", "USD", 10, true},
		{"199.00", "usd", 19900, true},
		{"-10.00", "USD", -1000, true},
		{"1500", "JPY", 1500, true},
		{"1500.00", "JPY", 1500, true},
		{"500.0", "JPY", 500, true}, // MoneyV2 as the GraphQL Admin API writes it
		{"1.234", "KWD", 1234, true},
		{"1.2", "KWD", 1200, true},
		{"0.005", "USD", 0, true},  // half to even: 0.5 cent → 0
		{"0.015", "USD", 2, true},  // 1.5 cents → 2
		{"0.0151", "USD", 2, true}, // above half
		{"2.5", "JPY", 2, true},    // 2.5 yen → 2
		{"179.1", "USD", 17910, true},
		{"1e2", "USD", 10000, true},
		{"92233720368547758.07", "USD", 9223372036854775807, true},
		{"", "USD", 0, false},
		{".", "USD", 0, false},
		{"12,50", "EUR", 0, false},
		{"abc", "USD", 0, false},
		{"1.2.3", "USD", 0, false},
		{"99999999999999999999", "USD", 0, false},
	}
	for _, tt := range tests {
		got, err := toMinor(tt.amount, tt.currency)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("toMinor(%q, %s) = %d, %v; want %d (ok %v)", tt.amount, tt.currency, got, err, tt.want, tt.ok)
		}
	}
}

func TestPercentToBasisPoints(t *testing.T) {
	tests := []struct {
		pct  string
		want int64
	}{
		{"0.15", 1500}, {"0.1", 1000}, {"1", 10000}, {"1.0", 10000}, {"0.125", 1250},
		{"0.12345", 1234}, {"0.12355", 1236}, {"1.5e-1", 1500}, {"0", 0},
	}
	for _, tt := range tests {
		got, err := scaleDecimal(tt.pct, 4)
		if err != nil || got != tt.want {
			t.Errorf("scaleDecimal(%q, 4) = %d, %v; want %d", tt.pct, got, err, tt.want)
		}
	}
}

func TestFormatScaled(t *testing.T) {
	tests := []struct {
		v         int64
		exp       int
		keepZeros bool
		want      string
	}{
		{1500, 4, false, "0.15"}, {10000, 4, false, "1"}, {1, 4, false, "0.0001"},
		{1000, 2, true, "10.00"}, {5, 2, true, "0.05"}, {1500, 0, true, "1500"}, {1234, 3, true, "1.234"},
	}
	for _, tt := range tests {
		if got := formatScaled(tt.v, tt.exp, tt.keepZeros); got != tt.want {
			t.Errorf("formatScaled(%d, %d) = %q, want %q", tt.v, tt.exp, got, tt.want)
		}
	}
}

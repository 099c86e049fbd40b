package sandbox

import "testing"

// Shopify writes amounts as short decimals: "10.5", "10.0", and in zero-decimal
// currencies "500.0" (never "5.0").
func TestShortDecimal(t *testing.T) {
	for _, c := range []struct {
		v     int64
		scale int
		want  string
	}{{1050, 2, "10.5"}, {1000, 2, "10.0"}, {500, 0, "500.0"}, {1, 2, "0.01"}, {1500, 3, "1.5"}, {0, 2, "0.0"}} {
		if got := shortDecimal(c.v, c.scale); got != c.want {
			t.Errorf("shortDecimal(%d, %d) = %q, want %q", c.v, c.scale, got, c.want)
		}
	}
}

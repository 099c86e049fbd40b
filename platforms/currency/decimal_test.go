package currency

import (
	"errors"
	"testing"
)

func TestParseMinor(t *testing.T) {
	tests := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"12.50", "USD", 1250, true}, {"12.5", "usd", 1250, true}, {"-3", "USD", -300, true},
		{"500.0", "JPY", 500, true}, {"1.234", "KWD", 1234, true}, {".5", "EUR", 50, true},
		{"5.", "EUR", 500, true}, {"12.3400", "USD", 1234, true}, {"-0", "USD", 0, true},
		{"100000000000.00", "USD", MaxMinor, true}, {"-100000000000.00", "USD", -MaxMinor, true},
		{"100000000000.01", "USD", 0, false}, {"10000000000001", "JPY", 0, false},
		{"12.345", "USD", 0, false}, {"1.5", "JPY", 0, false}, {"1e2", "USD", 0, false},
		{"", "USD", 0, false}, {" 1", "USD", 0, false}, {"1 ", "USD", 0, false}, {"+1", "USD", 0, false},
		{"-", "USD", 0, false}, {".", "USD", 0, false}, {"1,50", "EUR", 0, false}, {"1.2.3", "USD", 0, false},
		{"--1", "USD", 0, false}, {"99999999999999999999", "USD", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseMinor(tt.in, tt.cur)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMinor(%q, %s) = %d, %v; want %d (ok %v)", tt.in, tt.cur, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrDecimal) {
			t.Errorf("ParseMinor(%q) error %v is not ErrDecimal", tt.in, err)
		}
	}
}

func TestScaledRounding(t *testing.T) {
	tests := []struct {
		in    string
		scale int
		r     Rounding
		want  int64
	}{
		{"0.005", 2, HalfEven, 0}, {"0.015", 2, HalfEven, 2}, {"0.0151", 2, HalfEven, 2}, {"-0.015", 2, HalfEven, -2},
		{"12.345", 2, HalfUp, 1235}, {"12.3449", 2, HalfUp, 1234}, {"0.125", 4, HalfEven, 1250},
		{"1500", -2, Exact, 15}, {"1549", -2, HalfEven, 15}, {"5", -1, HalfEven, 0},
		{"92233720368547758.07", 2, Exact, 1<<63 - 1},
	}
	for _, tt := range tests {
		if got, err := Scaled(tt.in, tt.scale, tt.r); err != nil || got != tt.want {
			t.Errorf("Scaled(%q, %d, %d) = %d, %v; want %d", tt.in, tt.scale, tt.r, got, err, tt.want)
		}
	}
	if _, err := Scaled("92233720368547758.075", 2, HalfUp); err == nil {
		t.Error("rounding past int64 was accepted")
	}
}

func TestPercentToBasisPoints(t *testing.T) {
	if got, err := PercentToBasisPoints("12.5", Exact); err != nil || got != 1250 {
		t.Errorf("12.5%% = %d, %v", got, err)
	}
	if _, err := PercentToBasisPoints("12.345", Exact); err == nil {
		t.Error("a third decimal was accepted exactly")
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		v    int64
		cur  string
		want string
	}{
		{1234, "USD", "12.34"}, {5, "USD", "0.05"}, {-1000, "USD", "-10.00"}, {0, "USD", "0.00"},
		{500, "JPY", "500"}, {5, "KWD", "0.005"}, {1, "CLF", "0.0001"},
		{-1 << 63, "USD", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := FormatMinor(tt.v, tt.cur); got != tt.want {
			t.Errorf("FormatMinor(%d, %s) = %q, want %q", tt.v, tt.cur, got, tt.want)
		}
	}
}

var fuzzCurrencies = []string{"USD", "JPY", "KWD", "CLF"}

// FuzzDecimalMinor checks that formatting what ParseMinor accepts reads back
// the same amount, that every amount within bounds formats to a string
// ParseMinor reads back, and that neither panics.
func FuzzDecimalMinor(f *testing.F) {
	for _, s := range []string{"12.50", "12.5", "-3", "0", ".5", "5.", "1e2", "", " 1", "+1", "-",
		"12.345", "500.0", "100000000000.00", "100000000000.01", "99999999999999999999", "0.0001", "--1"} {
		f.Add(s, int64(1250), uint8(0))
	}
	f.Add("1", MaxMinor, uint8(1))
	f.Add("1", -MaxMinor, uint8(2))
	f.Add("1", int64(-1<<63), uint8(3))
	f.Fuzz(func(t *testing.T, s string, v int64, c uint8) {
		cur := fuzzCurrencies[int(c)%len(fuzzCurrencies)]
		if m, err := ParseMinor(s, cur); err == nil {
			again, err := ParseMinor(FormatMinor(m, cur), cur)
			if err != nil || again != m {
				t.Fatalf("%q %s → %d → %q → %d, %v", s, cur, m, FormatMinor(m, cur), again, err)
			}
		}
		_, _ = Scaled(s, int(c)-128, HalfEven)
		text := FormatMinor(v, cur)
		back, err := ParseMinor(text, cur)
		inBounds := v >= -MaxMinor && v <= MaxMinor
		if inBounds && (err != nil || back != v) {
			t.Fatalf("%d %s → %q → %d, %v", v, cur, text, back, err)
		}
		if !inBounds && err == nil {
			t.Fatalf("%d %s → %q was read back beyond the bound", v, cur, text)
		}
	})
}

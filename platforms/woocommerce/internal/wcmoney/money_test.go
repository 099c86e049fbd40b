package wcmoney

import (
	"errors"
	"testing"
)

// Amounts convert exactly in each currency's minor unit and back.
func TestParseAndFormat(t *testing.T) {
	tests := []struct {
		in       string
		currency string
		want     int64
		format   string
	}{
		{"12.50", "USD", 1250, "12.50"},
		{"-10.00", "USD", -1000, "-10.00"},
		{"0.9", "USD", 90, "0.90"},
		{"1500", "JPY", 1500, "1500"},
		{"12.345", "KWD", 12345, "12.345"},
		{"10.005", "USD", 1000, "10.00"}, // half to even
		{"10.015", "USD", 1002, "10.02"},
		{"10.0051", "USD", 1001, "10.01"},
		{"", "USD", 0, "0.00"},
		{".5", "EUR", 50, "0.50"},
	}
	for _, tt := range tests {
		got, err := ParseMinor(tt.in, tt.currency)
		if err != nil || got != tt.want {
			t.Errorf("ParseMinor(%q, %s) = %d, %v; want %d", tt.in, tt.currency, got, err, tt.want)
		}
		if f := FormatMinor(got, tt.currency); f != tt.format {
			t.Errorf("FormatMinor(%d, %s) = %q, want %q", got, tt.currency, f, tt.format)
		}
	}
	for _, bad := range []string{"1,50", "12.5.0", "abc", "-", ".", "1e3", "99999999999999999999"} {
		if _, err := ParseMinor(bad, "USD"); !errors.Is(err, ErrAmount) {
			t.Errorf("ParseMinor(%q) = %v, want ErrAmount", bad, err)
		}
	}
}

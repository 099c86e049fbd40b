package paypal_test

import (
	"errors"
	"testing"

	"codecredit/platforms/paypal"
)

func TestAmounts(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		value string
	}{
		{1234, "USD", "12.34"}, {1, "EUR", "0.01"}, {500, "JPY", "500"}, {150000, "HUF", "1500"},
		{100, "TWD", "1"}, {5, "KWD", "0.005"}, {999999999999, "usd", "9999999999.99"},
	} {
		v, err := paypal.FormatAmount(c.minor, c.cur)
		if err != nil || v != c.value {
			t.Errorf("FormatAmount(%d, %s) = %q, %v; want %q", c.minor, c.cur, v, err, c.value)
		}
		back, err := paypal.ParseAmount(v, c.cur)
		if err != nil || back != c.minor {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", v, c.cur, back, err, c.minor)
		}
	}
	for _, c := range []struct {
		minor int64
		cur   string
	}{{150050, "HUF"}, {150, "TWD"}, {0, "USD"}, {-5, "USD"}, {100, "ABC"}} {
		if _, err := paypal.FormatAmount(c.minor, c.cur); !errors.Is(err, paypal.ErrAmount) {
			t.Errorf("FormatAmount(%d, %s): %v, want ErrAmount", c.minor, c.cur, err)
		}
	}
	if v, err := paypal.ParseAmount("1.0", "USD"); err != nil || v != 100 {
		t.Errorf(`ParseAmount("1.0", USD) = %d, %v`, v, err)
	}
	if _, err := paypal.ParseAmount("1.001", "USD"); !errors.Is(err, paypal.ErrAmount) {
		t.Errorf("a sub-cent amount was read: %v", err)
	}
}

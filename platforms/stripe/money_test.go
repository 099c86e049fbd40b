package stripe

import (
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

func TestPercentConversions(t *testing.T) {
	tests := []struct {
		bps  int64
		text string
	}{{1500, "15"}, {1550, "15.5"}, {1, "0.01"}, {3333, "33.33"}, {10000, "100"}, {5, "0.05"}, {1234, "12.34"}}
	for _, tt := range tests {
		if got := currency.BasisPointsToPercent(tt.bps); got != tt.text {
			t.Errorf("currency.BasisPointsToPercent(%d) = %q, want %q", tt.bps, got, tt.text)
		}
		var f float64
		if err := jsonUnmarshal([]byte(tt.text), &f); err != nil {
			t.Fatal(err)
		}
		if got := percentToBasisPoints(f); got != tt.bps {
			t.Errorf("percentToBasisPoints(%s) = %d, want %d", tt.text, got, tt.bps)
		}
	}
	if got, _ := decimalToBasisPoints("12.345"); got != 1235 {
		t.Errorf("a third decimal rounds half up: got %d", got)
	}
	if _, ok := decimalToBasisPoints("1e3"); ok {
		t.Error("an exponent is not a decimal")
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		amount   int64
		currency string
		want     string
	}{{1250, "usd", "12.50"}, {5, "eur", "0.05"}, {500, "jpy", "500"}, {1234, "kwd", "1.234"}, {-250, "usd", "-2.50"}}
	for _, tt := range tests {
		if got := formatMinor(tt.amount, tt.currency); got != tt.want {
			t.Errorf("formatMinor(%d, %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}

func TestCouponParams(t *testing.T) {
	tests := []struct {
		name   string
		code   platforms.NewCode
		id     string
		reject bool
	}{
		{"percentage", platforms.NewCode{DiscountType: "percentage", DiscountValue: 1550}, "codecredit_pct_1550", false},
		{"fixed", platforms.NewCode{DiscountType: "fixed_amount", DiscountValue: 500, Currency: "EUR"}, "codecredit_off_500_eur", false},
		{"zero-decimal fixed", platforms.NewCode{DiscountType: "fixed_amount", DiscountValue: 500, Currency: "JPY"}, "codecredit_off_500_jpy", false},
		{"over 100%", platforms.NewCode{DiscountType: "percentage", DiscountValue: 10001}, "", true},
		{"fixed without currency", platforms.NewCode{DiscountType: "fixed_amount", DiscountValue: 500}, "", true},
		{"free shipping", platforms.NewCode{DiscountType: "free_shipping"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := couponParams(tt.code)
			if tt.reject {
				if _, ok := err.(*platforms.RejectedError); !ok {
					t.Fatalf("err = %v, want a RejectedError", err)
				}
				return
			}
			if err != nil || *p.ID != tt.id || *p.Duration != "once" {
				t.Fatalf("couponParams = %+v, %v", p, err)
			}
		})
	}
}

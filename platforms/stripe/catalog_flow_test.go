package stripe_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

func TestImportCodes(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(150)
	codes, pages := a.importAll(conn)
	if len(codes) != 150 || pages != 2 {
		t.Fatalf("imported %d codes in %d pages, want 150 in 2", len(codes), pages)
	}
	byCode := map[string]platforms.DiscountCode{}
	for _, c := range codes {
		byCode[c.Code] = c
	}
	tests := []struct {
		code string
		want platforms.DiscountCode
	}{
		{"SEED0001", platforms.DiscountCode{PlatformID: "SEED10PCT", Code: "SEED0001", DiscountType: "percentage", DiscountValue: 1000, Active: true}},
		{"SEED0002", platforms.DiscountCode{PlatformID: "SEED5OFF", Code: "SEED0002", DiscountType: "fixed_amount", DiscountValue: 500, Currency: "USD", Active: true}},
		{"SEED0003", platforms.DiscountCode{PlatformID: "SEED10PCT", Code: "SEED0003", DiscountType: "percentage", DiscountValue: 1000, Active: false}},
	}
	for _, tt := range tests {
		got := byCode[tt.code]
		if got.PlatformCodeID == "" || got.PlatformCodeID[:6] != "promo_" {
			t.Fatalf("%s has no promotion code id: %+v", tt.code, got)
		}
		tt.want.PlatformCodeID = got.PlatformCodeID
		if got != tt.want {
			t.Errorf("%s = %+v, want %+v", tt.code, got, tt.want)
		}
	}
}

func TestImportCodesErrors(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(3)
	a.sb.SetRateLimit(1) // connecting used this second's calls
	_, err := a.adapter.ImportCodes(context.Background(), conn, "")
	var rl *platforms.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("throttled import: %v, want a 1s RateLimitError", err)
	}
	a.now = a.now.Add(time.Second)
	if _, err := a.adapter.ImportCodes(context.Background(), conn, ""); err != nil {
		t.Fatalf("the next second: %v", err)
	}
	revoked := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: map[string]string{
		stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "rk_live_revoked_000000000000"}}
	a.now = a.now.Add(time.Second)
	if _, err := a.adapter.ImportCodes(context.Background(), revoked, ""); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("a refused key: %v, want ErrUnauthorized", err)
	}
}

func TestCreateCode(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(2)
	ctx := context.Background()
	alice := platforms.NewCode{Code: "ALICE15", Title: "Alice", DiscountType: "percentage", DiscountValue: 1500}
	got, err := a.adapter.CreateCode(ctx, conn, alice)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "ALICE15" || got.PlatformID != "codecredit_pct_1500" || got.DiscountType != "percentage" ||
		got.DiscountValue != 1500 || !got.Active || got.PlatformCodeID == "" {
		t.Fatalf("created %+v", got)
	}
	bob, err := a.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil || bob.PlatformID != got.PlatformID {
		t.Fatalf("same terms reuse the coupon: %+v, %v", bob, err)
	}
	again, err := a.adapter.CreateCode(ctx, conn, alice)
	if err != nil || again.PlatformCodeID != got.PlatformCodeID {
		t.Fatalf("a retried push finds its own code: %+v, %v", again, err)
	}
	eur, err := a.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "CAROL-5", DiscountType: "fixed_amount", DiscountValue: 500, Currency: "EUR"})
	if err != nil || eur.DiscountType != "fixed_amount" || eur.Currency != "EUR" || eur.DiscountValue != 500 {
		t.Fatalf("fixed amount: %+v, %v", eur, err)
	}
	present := map[string]int64{}
	for _, pc := range a.sb.PromotionCodes(conn.ExternalID) {
		present[pc.Code] = pc.PercentBps + pc.AmountOff
	}
	if present["ALICE15"] != 1500 || present["BOB15"] != 1500 || present["CAROL-5"] != 500 {
		t.Fatalf("on Stripe: %v", present)
	}
	tests := []struct {
		name   string
		code   platforms.NewCode
		reason string
	}{
		{"taken by another discount", platforms.NewCode{Code: "seed0001", DiscountType: "percentage", DiscountValue: 1500},
			"An active promotion code with `code: seed0001` already exists."},
		{"invalid characters", platforms.NewCode{Code: "NO SPACES", DiscountType: "percentage", DiscountValue: 1500}, ""},
		{"free shipping", platforms.NewCode{Code: "SHIPFREE", DiscountType: "free_shipping"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.adapter.CreateCode(ctx, conn, tt.code)
			var rej *platforms.RejectedError
			if !errors.As(err, &rej) || (tt.reason != "" && rej.Reason != tt.reason) {
				t.Fatalf("err = %v, want a RejectedError %q", err, tt.reason)
			}
		})
	}
}

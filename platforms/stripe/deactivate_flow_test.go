package stripe_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

var _ platforms.CodeDeactivator = (*stripe.Adapter)(nil)

func TestDeactivateCode(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(0)
	ctx := context.Background()
	code, err := a.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "ALICE15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.sb.Checkout(conn.ExternalID, "ALICE15", 5000, "usd", "first@example.com"); err != nil {
		t.Fatalf("checkout before: %v", err)
	}
	if err := a.adapter.DeactivateCode(ctx, conn, code); err != nil {
		t.Fatal(err)
	}
	if _, err := a.sb.Checkout(conn.ExternalID, "alice15", 5000, "usd", "late@example.com"); err == nil {
		t.Fatal("a checkout still took the deactivated code")
	}
	pcs := a.sb.PromotionCodes(conn.ExternalID)
	if len(pcs) != 1 || pcs[0].Active || pcs[0].ID != code.PlatformCodeID {
		t.Fatalf("the code on the account = %+v, want it kept, inactive", pcs)
	}
	if err := a.adapter.DeactivateCode(ctx, conn, code); err != nil {
		t.Errorf("again: %v, want nil", err)
	}
	gone := platforms.DiscountCode{PlatformCodeID: "promo_missing0000", Code: "NOPE"}
	if err := a.adapter.DeactivateCode(ctx, conn, gone); err != nil {
		t.Errorf("a code Stripe does not know: %v, want nil", err)
	}
}

func TestDeactivateCodeByText(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(0)
	ctx := context.Background()
	if _, err := a.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB10", DiscountType: "percentage", DiscountValue: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := a.adapter.DeactivateCode(ctx, conn, platforms.DiscountCode{Code: "bob10"}); err != nil {
		t.Fatal(err)
	}
	if pcs := a.sb.PromotionCodes(conn.ExternalID); len(pcs) != 1 || pcs[0].Active {
		t.Fatalf("codes = %+v, want BOB10 inactive", pcs)
	}
	if err := a.adapter.DeactivateCode(ctx, conn, platforms.DiscountCode{Code: "BOB10"}); err != nil {
		t.Errorf("no active code left: %v, want nil", err)
	}
}

func TestDeactivateCodeErrors(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(1)
	ctx := context.Background()
	codes, _ := a.importAll(conn)
	a.sb.SetRateLimit(1)
	a.now = a.now.Add(time.Second)
	if err := a.adapter.DeactivateCode(ctx, conn, codes[0]); err != nil {
		t.Fatal(err)
	}
	var rl *platforms.RateLimitError
	if err := a.adapter.DeactivateCode(ctx, conn, codes[0]); !errors.As(err, &rl) {
		t.Fatalf("throttled: %v, want a RateLimitError", err)
	}
	revoked := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: map[string]string{
		stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "rk_live_revoked_000000000000"}}
	a.now = a.now.Add(time.Second)
	if err := a.adapter.DeactivateCode(ctx, revoked, codes[0]); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("a refused key: %v, want ErrUnauthorized", err)
	}
}

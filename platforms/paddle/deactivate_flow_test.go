package paddle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/paddle"
	"codecredit/platforms/paddle/sandbox"
)

var _ platforms.CodeDeactivator = (*paddle.Adapter)(nil)

func TestDeactivateCodeArchivesTheDiscount(t *testing.T) {
	f := newFlow(t, 50)
	conn := f.connect()
	ctx := context.Background()
	code, err := f.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "ALICE15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	items := []sandbox.Item{{Name: "Plan", UnitPrice: 5000, Quantity: 1}}
	if _, err := f.sb.CompleteTransaction(ctx, "ALICE15", items, "USD", "first@example.com"); err != nil {
		t.Fatalf("checkout before: %v", err)
	}
	if err := f.adapter.DeactivateCode(ctx, conn, code); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sb.CompleteTransaction(ctx, "alice15", items, "USD", "late@example.com"); err == nil {
		t.Fatal("a checkout still took the archived discount")
	}
	if d, ok := f.sb.Discount(code.PlatformID); !ok || d.Status != "archived" {
		t.Fatalf("discount = %+v (found %v), want it kept, archived", d, ok)
	}
	if err := f.adapter.DeactivateCode(ctx, conn, code); err != nil {
		t.Errorf("again: %v, want nil", err)
	}
	if err := f.adapter.DeactivateCode(ctx, conn, platforms.DiscountCode{PlatformID: "dsc_01missing", Code: "NOPE"}); err != nil {
		t.Errorf("a discount Paddle does not know: %v, want nil", err)
	}
}

func TestDeactivateCodeErrors(t *testing.T) {
	f := newFlow(t, 50)
	conn := f.connect()
	ctx := context.Background()
	code, err := f.adapter.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB10", DiscountType: "percentage", DiscountValue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	f.sb.ThrottleNext(1, 7*time.Second)
	var rl *platforms.RateLimitError
	if err := f.adapter.DeactivateCode(ctx, conn, code); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("throttled: %v, want a 7s RateLimitError", err)
	}
	if d, _ := f.sb.Discount(code.PlatformID); d.Status != "active" {
		t.Fatalf("a throttled call archived the discount: %+v", d)
	}
	var rej *platforms.RejectedError
	if err := f.adapter.DeactivateCode(ctx, conn, platforms.DiscountCode{Code: "BOB10"}); !errors.As(err, &rej) {
		t.Errorf("no discount id: %v, want a RejectedError", err)
	}
	f.sb.RevokeAPIKey(sandbox.DefaultAPIKey)
	if err := f.adapter.DeactivateCode(ctx, conn, code); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("a revoked key: %v, want ErrUnauthorized", err)
	}
}

package woocommerce_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

var _ platforms.CodeDeactivator = (*woocommerce.Adapter)(nil)

// wooConn is a read-write connection to a fresh sandbox store.
func wooConn(t *testing.T) (*woocommerce.Adapter, *sandbox.Store, *platforms.Conn) {
	t.Helper()
	_, ts, store := newSandbox(t, sandbox.StoreConfig{URL: "/shop", Currency: "USD"})
	key, sec := store.AddKey("read_write")
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.codecredit.test", Allow: []string{ts.URL}})
	src, _ := woocommerce.NormalizeStoreURL(store.URL())
	return ad, store, &platforms.Conn{ExternalID: src, Credentials: map[string]string{"consumer_key": key, "consumer_secret": sec}}
}

func TestDeactivateCodeExpiresTheCoupon(t *testing.T) {
	ad, store, conn := wooConn(t)
	ctx := context.Background()
	code, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "ALICE15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	lines := []sandbox.Line{{Name: "Mug", Quantity: 1, Price: 5000}}
	if _, err := store.PlaceOrder([]string{"ALICE15"}, lines, "USD", "first@example.com"); err != nil {
		t.Fatalf("order before: %v", err)
	}
	if err := ad.DeactivateCode(ctx, conn, code); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PlaceOrder([]string{"alice15"}, lines, "USD", "late@example.com"); err == nil {
		t.Fatal("an order still took the deactivated coupon")
	}
	coupons := store.Coupons()
	if len(coupons) != 1 || coupons[0].Expires.IsZero() || !coupons[0].Expires.Before(time.Now()) {
		t.Fatalf("coupons = %+v, want ALICE15 kept, expired", coupons)
	}
	if page, err := ad.ImportCodes(ctx, conn, ""); err != nil || len(page.Codes) != 1 || page.Codes[0].Active {
		t.Errorf("imported again: %+v (%v), want it inactive", page.Codes, err)
	}
	expired := coupons[0].Expires
	if err := ad.DeactivateCode(ctx, conn, code); err != nil {
		t.Errorf("again: %v, want nil", err)
	}
	if again := store.Coupons(); !again[0].Expires.Equal(expired) {
		t.Errorf("an expired coupon's date moved from %s to %s", expired, again[0].Expires)
	}
	if err := ad.DeactivateCode(ctx, conn, platforms.DiscountCode{PlatformID: "99999", Code: "NOPE"}); err != nil {
		t.Errorf("a coupon gone from the store: %v, want nil", err)
	}
}

func TestDeactivateCodeErrors(t *testing.T) {
	ad, store, conn := wooConn(t)
	ctx := context.Background()
	code, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB10", DiscountType: "percentage", DiscountValue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	store.FailNext(http.StatusTooManyRequests, "7")
	var rl *platforms.RateLimitError
	if err := ad.DeactivateCode(ctx, conn, code); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %v, want a 7s RateLimitError", err)
	}
	store.FailNext(http.StatusInternalServerError, "")
	if err := ad.DeactivateCode(ctx, conn, code); err == nil || isRejected(err) {
		t.Fatalf("500: %v, want an error to retry", err)
	}
	if !store.Coupons()[0].Expires.IsZero() {
		t.Fatal("a failed call expired the coupon")
	}
	if err := ad.DeactivateCode(ctx, conn, platforms.DiscountCode{Code: "BOB10"}); !isRejected(err) {
		t.Errorf("no coupon id: %v, want a RejectedError", err)
	}
	store.RevokeKeys()
	if err := ad.DeactivateCode(ctx, conn, code); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("revoked keys: %v, want ErrUnauthorized", err)
	}
}

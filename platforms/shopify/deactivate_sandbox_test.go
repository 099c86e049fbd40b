package shopify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/shopify/sandbox"
)

// Deactivating a code ends its discount on the shop: the code reads back
// inactive (EXPIRED, as Shopify reports it), checkout refuses it, and
// deactivating it again, or a discount deleted since, is not an error.
func TestDeactivateCode(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := r.install(t)
	code, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "ANNA15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil || !code.Active {
		t.Fatalf("create: %+v, %v", code, err)
	}
	line := []sandbox.Line{{Title: "Mug", Price: "20.00", Quantity: 1}}
	if _, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Codes: []string{"anna15"}, Email: "a@example.com", Lines: line}); err != nil {
		t.Fatalf("an order with the active code: %v", err)
	}

	if err := r.a.DeactivateCode(ctx, conn, code); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	read, err := r.a.DiscountCodes(ctx, conn, code.PlatformID)
	if err != nil || len(read) != 1 || read[0].Active || read[0].Code != "ANNA15" {
		t.Fatalf("after deactivating, the code reads %+v, %v; want ANNA15 inactive", read, err)
	}
	if got := discountStatus(t, r, "ANNA15"); got != "EXPIRED" {
		t.Errorf("the shop reports the discount %s, want EXPIRED", got)
	}
	if _, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Codes: []string{"ANNA15"}, Email: "b@example.com", Lines: line}); !errors.Is(err, sandbox.ErrCodeRejected) {
		t.Errorf("an order with the deactivated code: %v; want it refused at checkout", err)
	}

	if err := r.a.DeactivateCode(ctx, conn, code); err != nil {
		t.Errorf("deactivating an inactive code again: %v; want no error", err)
	}
	gone := platforms.DiscountCode{Code: "GONE", PlatformID: "gid://shopify/DiscountCodeNode/987654321"}
	if err := r.a.DeactivateCode(ctx, conn, gone); err != nil {
		t.Errorf("deactivating a discount no longer on the shop: %v; want no error", err)
	}
}

// An id that cannot name a code discount (a redeem code's id, or none at
// all) is refused with a reason the merchant can read, and nothing on the
// shop changes.
func TestDeactivateCodeRefusesAnIDThatIsNoCodeDiscount(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := r.install(t)
	code, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "BOB10", DiscountType: "percentage", DiscountValue: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{code.PlatformCodeID, "", "BOB10", "gid://shopify/DiscountCodeNode/"} {
		wrong := code
		wrong.PlatformID = id
		err := r.a.DeactivateCode(ctx, conn, wrong)
		var rej *platforms.RejectedError
		if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "BOB10") {
			t.Errorf("id %q: %v; want a RejectedError naming the code", id, err)
		}
	}
	if got := discountStatus(t, r, "BOB10"); got != "ACTIVE" {
		t.Errorf("the discount is %s after refused calls, want ACTIVE", got)
	}
}

// discountStatus is the DiscountStatus the shop reports now for the
// discount holding code.
func discountStatus(t *testing.T, r *rig, code string) string {
	t.Helper()
	list, err := r.sb.Discounts(shopName)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		for _, c := range d.Codes {
			if strings.EqualFold(c.Code, code) {
				return d.Status(r.clock.Now())
			}
		}
	}
	t.Fatalf("no discount holds %s", code)
	return ""
}

package shopify_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A store credit whose answer was lost was made: the call fails, and the
// customer's credits since the call began show it, so the caller can book
// it rather than credit again.
func TestLostStoreCreditAnswerIsFoundInTheCredits(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := installWithStoreCredit(t, r)
	if _, err := r.sb.AddCustomer(shopName, "lost@example.com"); err != nil {
		t.Fatal(err)
	}
	cust, err := r.a.CustomerByEmail(ctx, conn, "lost@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sb.LoseStoreCreditAnswers(shopName, 1); err != nil {
		t.Fatal(err)
	}
	began := r.clock.Now()
	if _, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 1500, "USD", time.Time{}); err == nil {
		t.Fatal("lost answer: no error")
	}
	held, err := r.sb.StoreCredit(shopName, "lost@example.com")
	if err != nil || len(held) != 1 || !slices.Equal(held[0].Credits, []int64{1500}) {
		t.Fatalf("the shop holds %+v, %v; want the credit made", held, err)
	}
	found, err := r.a.StoreCreditCredits(ctx, conn, cust.ID, "USD", began)
	if err != nil || len(found) != 1 || found[0].Amount != 1500 {
		t.Fatalf("credits since the call = %+v, %v; want the lost one", found, err)
	}
	if _, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 500, "USD", time.Time{}); err != nil {
		t.Fatalf("the next credit answers again: %v", err)
	}
}

package paddle_test

import (
	"context"
	"errors"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/paddle/sandbox"
)

// sale is what the flow's customer buys: 3 seats at 29.99 a month and a
// one-off 10.00 addon, with a 15% code. Each line's discount rounds on
// its own (1349.55 → 1350, 150), so the credited subtotal is
// 8997 + 1000 − 1500 = 8497 cents, tax (10%) left out.
var sale = []sandbox.Item{
	{Name: "Pro seat", UnitPrice: 2999, Quantity: 3, Recurring: true},
	{Name: "Setup", UnitPrice: 1000, Quantity: 1},
}

const creditedSubtotal = 8497

func TestOrderAndRefundsFromPaddle(t *testing.T) {
	ctx := context.Background()
	f := newFlow(t, 0)
	c := f.connect()
	created, err := f.adapter.CreateCode(ctx, c, platforms.NewCode{Code: "ALICE15", Title: "Alice", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := f.sb.Discount(created.PlatformID)
	if !ok || *d.Code != "ALICE15" || d.Type != "percentage" || d.Amount != "15" || !d.EnabledForCheckout {
		t.Fatalf("discount on Paddle = %+v", d)
	}
	ev := f.events("discount.created")
	if ev[0].Code.PlatformID != created.PlatformID || ev[0].Code.DiscountValue != 1500 {
		t.Errorf("discount.created = %+v", ev[0].Code)
	}
	if _, err := f.adapter.CreateCode(ctx, c, platforms.NewCode{Code: "alice15", DiscountType: "percentage", DiscountValue: 1000}); !isRejected(err) {
		t.Errorf("creating a taken code: %v, want a RejectedError", err)
	}

	txn, err := f.sb.CompleteTransaction(ctx, "alice15", sale, "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	o := f.events("transaction.completed")[0].Order
	if o.ExternalID != txn.ID || o.Subtotal != creditedSubtotal || o.Discount != 1500 || o.Currency != "USD" ||
		len(o.Codes) != 1 || o.Codes[0] != created.PlatformCodeID || o.SubscriptionID == "" || o.CustomerID == "" {
		t.Fatalf("order = %+v, want subtotal %d with the code's discount id", o, creditedSubtotal)
	}

	adj, err := f.sb.Refund(ctx, txn.ID, 2000, true) // 20.00 back, tax included
	if err != nil {
		t.Fatal(err)
	}
	r := f.events("adjustment.created")[0].Refund
	if r.ExternalID != adj.ID || r.OrderExternalID != txn.ID || r.Subtotal != 1818 || r.Full { // 2000 − 182 tax
		t.Fatalf("refund = %+v, want 1818 of the subtotal", r)
	}

	r2 := f.approved(f.sb.Refund(ctx, txn.ID, 1100, false))
	if r2.Subtotal != 1000 { // 1100 − 100 tax
		t.Fatalf("approved refund = %+v, want 1000", r2)
	}

	renewal, err := f.sb.Renew(ctx, o.SubscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	ro := f.events("transaction.completed")[0].Order
	if ro.ExternalID != renewal.ID || ro.SubscriptionID != o.SubscriptionID || len(ro.Codes) != 0 || ro.Subtotal != 8997 {
		t.Errorf("renewal = %+v, want the 3 seats, undiscounted, on the same subscription", ro)
	}
}

func isRejected(err error) bool {
	var r *platforms.RejectedError
	return errors.As(err, &r)
}

func TestPaddleOrderBooksAndReversesExactly(t *testing.T) {
	ctx := context.Background()
	f, store, conn, conv := paddleSale(t)
	txn := conv.ExternalOrderID

	steps := []struct {
		amount   int64 // tax included; 0 = everything left
		reversed int64 // commission reversed so far
	}{
		{2000, 182}, // 1818 of 8497 refunded: 850 × 1818 / 8497 = 181.9
		{0, 850},    // the rest: all of it, exactly
	}
	for _, s := range steps {
		if _, err := f.sb.Refund(ctx, txn, s.amount, true); err != nil {
			t.Fatal(err)
		}
		r := *f.events("adjustment.created")[0].Refund
		for range 2 { // the same adjustment again (created, then updated) books nothing more
			if err := store.ReverseRefund(ctx, conn.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		if got := reversed(t, store, conv.ID); got != s.reversed {
			t.Fatalf("after refunding %d: reversed %d, want %d", s.amount, got, s.reversed)
		}
	}
	if got := ledgerSum(t, store, conv.ID); got != 0 {
		t.Errorf("ledger for the fully refunded order sums to %d, want 0", got)
	}
}

// assignCode gives the code with a Paddle discount id to an affiliate.
func assignCode(t *testing.T, store *models.Store, accountID uint64, discountID string, affID uint64) {
	t.Helper()
	var code models.Code
	if err := store.DB().Where("account_id = ? AND platform_code_id = ?", accountID, discountID).Take(&code).Error; err != nil {
		t.Fatalf("imported code %s: %v", discountID, err)
	}
	if _, err := store.AssignCode(context.Background(), accountID, code.ID, affID); err != nil {
		t.Fatal(err)
	}
}

func reversed(t *testing.T, store *models.Store, convID uint64) int64 {
	t.Helper()
	var c models.Conversion
	if err := store.DB().Take(&c, convID).Error; err != nil {
		t.Fatal(err)
	}
	return c.ReversedCommission
}

func ledgerSum(t *testing.T, store *models.Store, convID uint64) int64 {
	t.Helper()
	var sum int64
	if err := store.DB().Model(&models.LedgerEntry{}).Where("conversion_id = ?", convID).
		Select("COALESCE(SUM(amount), 0)").Scan(&sum).Error; err != nil {
		t.Fatal(err)
	}
	return sum
}

// paddleSale is a Paddle store connected to a store of ours, Alice's code
// imported and assigned, and a sale with it booked: 850 commission.
func paddleSale(t *testing.T) (*flow, *models.Store, *models.Connection, *models.Conversion) {
	t.Helper()
	ctx := context.Background()
	store := testdb.Postgres(t)
	f := newFlow(t, 0)
	f.sb.SeedDiscounts(4)
	pc := f.connect()
	created, err := f.adapter.CreateCode(ctx, pc, platforms.NewCode{Code: "ALICE15", DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	f.app.take()
	imported, _ := f.importAll(pc)

	acct, err := store.CreateAccount(ctx, "Paddle shop", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Paddle,
		ExternalID: pc.ExternalID, Credentials: pc.Credentials, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpsertPlatformCodes(ctx, conn, imported); err != nil {
		t.Fatal(err)
	}
	aff, err := store.CreateAffiliate(ctx, acct.ID, models.NewAffiliate{Name: "Alice", Email: "alice@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	assignCode(t, store, acct.ID, created.PlatformCodeID, aff.ID)

	if _, err := f.sb.CompleteTransaction(ctx, "ALICE15", sale, "USD", "buyer@example.com"); err != nil {
		t.Fatal(err)
	}
	conv, err := store.AttributeOrder(ctx, conn.ID, *f.events("transaction.completed")[0].Order)
	if err != nil || conv == nil {
		t.Fatalf("attribute: %v, %v", conv, err)
	}
	if conv.AffiliateID == nil || *conv.AffiliateID != aff.ID || conv.Subtotal != creditedSubtotal || conv.Commission != 850 {
		t.Fatalf("conversion = %+v, want Alice's, 10%% of %d = 850", conv, creditedSubtotal)
	}

	return f, store, conn, conv
}

// A chargeback takes the whole commission back; the chargeback reversed
// (the merchant won the dispute) gives it back with its own entry.
// Shapes: adjustment_created_chargeback*.json (see testdata/README.md).
func TestPaddleChargebackAndItsReversal(t *testing.T) {
	ctx := context.Background()
	f, store, conn, conv := paddleSale(t)
	cb, err := f.sb.Chargeback(ctx, conv.ExternalOrderID)
	if err != nil {
		t.Fatal(err)
	}
	ev := f.events("adjustment.created")
	if len(ev) != 1 || ev[0].Kind != platforms.KindOrderRefunded {
		t.Fatalf("chargeback events %+v", ev)
	}
	if err := store.ReverseRefund(ctx, conn.ID, *ev[0].Refund); err != nil {
		t.Fatal(err)
	}
	if got := ledgerSum(t, store, conv.ID); got != 0 || reversed(t, store, conv.ID) != 850 {
		t.Fatalf("after the chargeback the ledger sums to %d, want 0", got)
	}
	if _, err := f.sb.ReverseChargeback(ctx, cb.ID); err != nil {
		t.Fatal(err)
	}
	ev = f.events("adjustment.created")
	if len(ev) != 1 || ev[0].Kind != platforms.KindRefundUndone {
		t.Fatalf("chargeback reversal events %+v", ev)
	}
	for range 2 {
		if err := store.UndoRefund(ctx, conn.ID, *ev[0].Refund, ev[0].Refund.Reason); err != nil {
			t.Fatal(err)
		}
	}
	if got := ledgerSum(t, store, conv.ID); got != 850 || reversed(t, store, conv.ID) != 0 {
		t.Fatalf("after the chargeback was reversed the ledger sums to %d, want 850", got)
	}
}

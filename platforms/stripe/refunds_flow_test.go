package stripe_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
)

// checkoutWithCode is a connected account with ALICE15 assigned and a
// checkout of 100.00 with it (85.00 charged and credited, 8.50 commission).
func checkoutWithCode(t *testing.T) (*app, *ledger, string) {
	t.Helper()
	a := newApp(t)
	pc, _ := a.connectKey(0)
	if _, err := a.adapter.CreateCode(context.Background(), pc, platforms.NewCode{Code: "ALICE15",
		DiscountType: "percentage", DiscountValue: 1500}); err != nil {
		t.Fatal(err)
	}
	l := newLedger(t, a, pc, "ALICE15", models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 1000, HoldDays: 30})
	pay, err := a.sb.Checkout(pc.ExternalID, "ALICE15", 10000, "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(0)))
	if c := l.conversion(pay.PaymentIntentID); c.Commission != 850 {
		t.Fatalf("conversion %+v", c)
	}
	return a, l, pay.PaymentIntentID
}

// A refund is booked when Stripe says it succeeded; a pending refund that
// then fails takes nothing, and a booked refund that fails later gives
// the commission back with its own entry.
func TestFailedRefundsTakeNothing(t *testing.T) {
	a, l, pi := checkoutWithCode(t)
	step := func(what string, act func() error, reversed int64) {
		t.Helper()
		n := a.count()
		if err := act(); err != nil {
			t.Fatal(err)
		}
		l.book(eventsOf(a.since(n)))
		if c := l.conversion(pi); c.ReversedCommission != reversed {
			t.Fatalf("%s: reversed %d, want %d (%+v)", what, c.ReversedCommission, reversed, c)
		}
	}
	var re string
	step("refund pending", func() (err error) { re, err = a.sb.RefundPending(pi, 4250); return err }, 0)
	step("refund failed", func() error { return a.sb.SettleRefund(re, "failed") }, 0)
	step("refund pending again", func() (err error) { re, err = a.sb.RefundPending(pi, 4250); return err }, 0)
	step("refund succeeded", func() error { return a.sb.SettleRefund(re, "succeeded") }, 425)
	step("refund failed after it succeeded", func() error { return a.sb.SettleRefund(re, "failed") }, 0)
	step("the whole charge refunded", func() (err error) { re, err = a.sb.RefundPending(pi, 8500); return err }, 850)
	step("and that refund canceled", func() error { return a.sb.SettleRefund(re, "canceled") }, 0)
	if got := total(t, l); got != 850 {
		t.Fatalf("Alice's balance %d, want the whole 850 back", got)
	}
}

// A dispute takes the commission back when it opens and gives it back
// when the merchant wins; a lost dispute keeps it taken.
func TestDisputesTakeCommissionBack(t *testing.T) {
	a, l, pi := checkoutWithCode(t)
	n := a.count()
	dp, err := a.sb.Dispute(pi)
	if err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(n)))
	if c := l.conversion(pi); c.ReversedCommission != 850 || c.Status != models.ConversionReversed {
		t.Fatalf("disputed: %+v", c)
	}
	n = a.count()
	if err := a.sb.CloseDispute(dp, true); err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(n)))
	if c := l.conversion(pi); c.ReversedCommission != 0 || c.Status != models.ConversionPending || total(t, l) != 850 {
		t.Fatalf("dispute won: %+v", c)
	}

	n = a.count()
	dp, err = a.sb.Dispute(pi)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.sb.CloseDispute(dp, false); err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(n)))
	if c := l.conversion(pi); c.ReversedCommission != 850 || total(t, l) != 0 {
		t.Fatalf("dispute lost: %+v", c)
	}
}

// total is the affiliate's balance across statuses.
func total(t *testing.T, l *ledger) int64 {
	t.Helper()
	bals, err := l.store.Balances(context.Background(), l.conn.AccountID, l.aff.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, b := range bals {
		sum += b.Pending + b.Approved + b.Paid
	}
	return sum
}

// A subscription created through the API (no Checkout) is credited from
// its invoice.paid, whose discount (di_...) is resolved to its promotion
// code through the API; its renewals follow the subscription.
func TestAPISubscriptionCreditedThroughItsDiscount(t *testing.T) {
	a := newApp(t)
	pc, _ := a.connectKey(0)
	if _, err := a.adapter.CreateCode(context.Background(), pc, platforms.NewCode{Code: "SUBS20",
		DiscountType: "percentage", DiscountValue: 2000}); err != nil {
		t.Fatal(err)
	}
	l := newLedger(t, a, pc, "SUBS20", models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 1000, HoldDays: 30})
	sub, err := a.sb.SubscribeAPI(pc.ExternalID, "SUBS20", 2500, "usd")
	if err != nil {
		t.Fatal(err)
	}
	got := a.since(0)
	if len(got) != 1 || got[0].webhook.Topic != "invoice.paid" {
		t.Fatalf("deliveries %+v, want invoice.paid alone", got)
	}
	body, err := a.adapter.EnrichWebhook(context.Background(), pc, "invoice.paid", got[0].body)
	if err != nil {
		t.Fatal(err)
	}
	events, err := a.adapter.ParseWebhook("invoice.paid", body)
	if err != nil {
		t.Fatal(err)
	}
	booked := l.book(events)
	if len(booked) != 1 || booked[0] == nil || booked[0].Commission != 200 || booked[0].SubscriptionID != sub.SubscriptionID {
		t.Fatalf("first invoice booked %+v (events %+v)", booked, events)
	}
	n := a.count()
	if _, err := a.sb.Renew(sub.SubscriptionID); err != nil {
		t.Fatal(err)
	}
	if booked := l.book(eventsOf(a.since(n))); len(booked) != 1 || booked[0] == nil || !booked[0].Recurring {
		t.Fatalf("renewal booked %+v", booked)
	}
}

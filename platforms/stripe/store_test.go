package stripe_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// ledger books the app's parsed events in a real store, as the jobs do.
type ledger struct {
	t     *testing.T
	store *models.Store
	conn  *models.Connection
	aff   *models.Affiliate
}

// newLedger installs the Stripe connection on a fresh store, imports its
// codes and gives code to an affiliate, under rule.
func newLedger(t *testing.T, a *app, pc *platforms.Conn, code string, rule models.CommissionRule) *ledger {
	t.Helper()
	ctx := context.Background()
	store := testdb.Postgres(t)
	acct, err := store.CreateAccount(ctx, "Sunny Shop", "owner@sunny.example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Stripe,
		ExternalID: pc.ExternalID, Credentials: models.Credentials(pc.Credentials), Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := a.importAll(pc)
	if _, err := store.UpsertPlatformCodes(ctx, conn, codes); err != nil {
		t.Fatal(err)
	}
	aff, err := store.CreateAffiliate(ctx, acct.ID, models.NewAffiliate{Name: "Alice", Email: "alice@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := store.ListCodes(ctx, acct.ID, models.CodeFilter{Q: code})
	if err != nil || len(rows) != 1 {
		t.Fatalf("code %s imported: %v, %v", code, rows, err)
	}
	if _, err := store.AssignCode(ctx, acct.ID, rows[0].ID, aff.ID); err != nil {
		t.Fatal(err)
	}
	rule.Currency = "USD"
	if _, err := store.SetDefaultRule(ctx, acct.ID, rule); err != nil {
		t.Fatal(err)
	}
	return &ledger{t: t, store: store, conn: conn, aff: aff}
}

// book applies events and returns the conversions booked for orders.
func (l *ledger) book(events []platforms.Event) []*models.Conversion {
	l.t.Helper()
	ctx := context.Background()
	var out []*models.Conversion
	for _, e := range events {
		switch {
		case e.Order != nil:
			conv, err := l.store.AttributeOrder(ctx, l.conn.ID, *e.Order)
			if err != nil {
				l.t.Fatalf("AttributeOrder %s: %v", e.Order.ExternalID, err)
			}
			out = append(out, conv)
		case e.Kind == platforms.KindRefundUndone:
			if err := l.store.UndoRefund(ctx, l.conn.ID, *e.Refund, e.Refund.Reason); err != nil {
				l.t.Fatalf("UndoRefund %s: %v", e.Refund.ExternalID, err)
			}
		case e.Refund != nil:
			if err := l.store.ReverseRefund(ctx, l.conn.ID, *e.Refund); err != nil {
				l.t.Fatalf("ReverseRefund %s: %v", e.Refund.ExternalID, err)
			}
		}
	}
	return out
}

func (l *ledger) conversion(orderID string) models.Conversion {
	l.t.Helper()
	rows, _, err := l.store.ListConversions(context.Background(), l.conn.AccountID, models.ConversionFilter{PerPage: 100})
	if err != nil {
		l.t.Fatal(err)
	}
	for _, c := range rows {
		if c.ExternalOrderID == orderID {
			return c
		}
	}
	l.t.Fatalf("no conversion for %s", orderID)
	return models.Conversion{}
}

func TestCheckoutCommissionAndRefunds(t *testing.T) {
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
	conv := l.conversion(pay.PaymentIntentID)
	if conv.AffiliateID == nil || *conv.AffiliateID != l.aff.ID || conv.Subtotal != 8500 || conv.Commission != 850 ||
		conv.Status != models.ConversionPending {
		t.Fatalf("conversion %+v", conv)
	}
	n := a.count()
	if _, err := a.sb.Refund(pay.PaymentIntentID, 4250); err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(n)))
	if conv = l.conversion(pay.PaymentIntentID); conv.ReversedCommission != 425 || conv.RefundedSubtotal != 4250 {
		t.Fatalf("half refunded: %+v", conv)
	}
	n = a.count()
	if _, err := a.sb.Refund(pay.PaymentIntentID, 4250); err != nil {
		t.Fatal(err)
	}
	l.book(eventsOf(a.since(n)))
	if conv = l.conversion(pay.PaymentIntentID); conv.ReversedCommission != 850 || conv.Status != models.ConversionReversed {
		t.Fatalf("all refunded: %+v", conv)
	}
}

func TestRenewalsPayForTheRecurringMonths(t *testing.T) {
	a := newApp(t)
	pc, _ := a.connectKey(0)
	if _, err := a.adapter.CreateCode(context.Background(), pc, platforms.NewCode{Code: "SUBS20",
		DiscountType: "percentage", DiscountValue: 2000}); err != nil {
		t.Fatal(err)
	}
	months := 3
	l := newLedger(t, a, pc, "SUBS20", models.CommissionRule{Kind: models.CommissionPercent, BasisPoints: 1000,
		HoldDays: 30, RecurringMonths: &months})
	sub, err := a.sb.Subscribe(pc.ExternalID, "SUBS20", 2500, "usd")
	if err != nil {
		t.Fatal(err)
	}
	// invoice.paid comes first, without the code: nothing to credit yet;
	// the session names the same invoice with the code.
	booked := l.book(eventsOf(a.since(0)))
	if len(booked) != 2 || booked[0] != nil || booked[1] == nil || booked[1].Commission != 200 {
		t.Fatalf("first payment booked %+v", booked)
	}
	var paid []int64
	for month := 1; month <= 5; month++ {
		n := a.count()
		if _, err := a.sb.Renew(sub.SubscriptionID); err != nil {
			t.Fatal(err)
		}
		booked := l.book(eventsOf(a.since(n)))
		if len(booked) != 1 {
			t.Fatalf("renewal %d booked %v", month, booked)
		}
		if c := booked[0]; c != nil {
			if !c.Recurring || c.AffiliateID == nil || *c.AffiliateID != l.aff.ID {
				t.Fatalf("renewal %d: %+v", month, c)
			}
			paid = append(paid, c.Commission)
		}
	}
	// Renewals within 3 months of the first payment earn 10% of 25.00.
	if len(paid) != 2 || paid[0] != 250 || paid[1] != 250 {
		t.Fatalf("renewal commissions %v, want [250 250]", paid)
	}
}

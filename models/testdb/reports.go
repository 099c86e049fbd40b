package testdb

// The small account the recurring revenue, retention and customer reports
// are worked out on by hand, shared by the models and handlers tests.

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// ReportNow is the clock of the reports' account: 15 April 2026.
var ReportNow = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

// ReportAccount gives the USD account acctID two affiliates, "=Ann" (a
// name a spreadsheet would read as a formula) and "Bea", their
// subscriptions with their states over three months, and their orders;
// it returns Ann's and Bea's ids. Monthly amounts, in cents:
//
//	Ann  a1 ann@    new 3000 (Jan 5), upgraded to 5000 (Feb 10)
//	     a2 bob@    new 2000 (Jan 20), paused (Feb 15), active again (Mar 10)
//	     a3 Ann@    new 1000 (Feb 1), downgraded to 800 (Mar 5)
//	     a4 cat@    new 900 EUR (Jan 3)
//	Bea  b1 dan@    new 4000 (10 Dec 2025), canceled (Feb 20)
//	     b2 ANN@    new 1500 (Mar 1), past due (Mar 20)
//
// Orders (subtotal, refunded):
//
//	Ann  ann@ 10000 (Jan 5); 5000 lifetime (Feb 10); 3000 lifetime (Apr 2)
//	     bob (customer id only) 8000, 2000 refunded (Mar 3)
//	     zed@ 4000 (20 Dec 2025); 6000 lifetime (Feb 2)
//	     her own 9999 flagged (Feb 4); 5000 EUR (Feb 6)
//	Bea  ann@ 7000 refunded in full (Feb 20); 3000 (Mar 1)
func ReportAccount(t testing.TB, s *models.Store, acctID uint64) (ann, bea uint64) {
	t.Helper()
	ctx := context.Background()
	conn, err := s.APIConnection(ctx, acctID)
	if err != nil {
		t.Fatal(err)
	}
	create := func(v any) {
		t.Helper()
		if err := s.DB().Create(v).Error; err != nil {
			t.Fatal(err)
		}
	}
	affs := []*models.Affiliate{{AccountID: acctID, Name: "=Ann", Email: "ann-partner@example.com", Status: models.AffiliateActive},
		{AccountID: acctID, Name: "Bea", Email: "bea-partner@example.com", Status: models.AffiliateActive}}
	for _, a := range affs {
		create(a)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	type step struct {
		at      time.Time
		status  string
		monthly int64
	}
	subs := []struct {
		id, email, currency string
		aff                 uint64
		steps               []step
	}{
		{"a1", "ann@example.com", "usd", affs[0].ID, []step{{day(1, 5), platforms.SubscriptionActive, 3000}, {day(2, 10), platforms.SubscriptionActive, 5000}}},
		{"a2", "bob@example.com", "usd", affs[0].ID, []step{{day(1, 20), platforms.SubscriptionActive, 2000},
			{day(2, 15), platforms.SubscriptionPaused, 2000}, {day(3, 10), platforms.SubscriptionActive, 2000}}},
		{"a3", "Ann@example.com", "usd", affs[0].ID, []step{{day(2, 1), platforms.SubscriptionActive, 1000}, {day(3, 5), platforms.SubscriptionActive, 800}}},
		{"a4", "cat@example.com", "eur", affs[0].ID, []step{{day(1, 3), platforms.SubscriptionActive, 900}}},
		{"b1", "dan@example.com", "usd", affs[1].ID, []step{{day(0, 10), platforms.SubscriptionActive, 4000}, {day(2, 20), platforms.SubscriptionCanceled, 4000}}},
		{"b2", "ANN@example.com", "usd", affs[1].ID, []step{{day(3, 1), platforms.SubscriptionActive, 1500}, {day(3, 20), platforms.SubscriptionPastDue, 1500}}},
	}
	for _, sub := range subs {
		first := sub.steps[0].at
		for _, st := range sub.steps {
			p := platforms.Subscription{ExternalID: sub.id, CustomerEmail: sub.email, Status: st.status, Currency: sub.currency,
				Amount: st.monthly, Interval: "month", IntervalCount: 1, MonthlyAmount: st.monthly, StartedAt: first, ChangedAt: st.at}
			if st.status == platforms.SubscriptionCanceled {
				p.CanceledAt = st.at
			}
			if err := s.ApplySubscription(ctx, conn.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		create(&models.Subscription{AccountID: acctID, ConnectionID: conn.ID, ExternalID: sub.id, AffiliateID: sub.aff, FirstPaidAt: first})
	}
	orders := []struct {
		aff                uint64
		email, customer    string
		at                 time.Time
		subtotal, refunded int64
		lifetime           bool
		status             models.ConversionStatus
		currency           string
	}{
		{affs[0].ID, "ann@example.com", "", day(1, 5), 10000, 0, false, "", ""},
		{affs[0].ID, "ann@example.com", "", day(2, 10), 5000, 0, true, "", ""},
		{affs[0].ID, "ANN@example.com", "", day(4, 2), 3000, 0, true, "", ""},
		{affs[0].ID, "", "cus_bob", day(3, 3), 8000, 2000, false, models.ConversionApproved, ""},
		{affs[0].ID, "zed@example.com", "", day(0, 20), 4000, 0, false, "", ""},
		{affs[0].ID, "zed@example.com", "", day(2, 2), 6000, 0, true, "", ""},
		{affs[0].ID, "ann-partner@example.com", "", day(2, 4), 9999, 0, false, models.ConversionFlagged, ""},
		{affs[0].ID, "eur@example.com", "", day(2, 6), 5000, 0, false, "", "EUR"},
		{affs[1].ID, "ann@example.com", "", day(2, 20), 7000, 7000, false, models.ConversionReversed, ""},
		{affs[1].ID, "ann@example.com", "", day(3, 1), 3000, 0, false, "", ""},
	}
	for i, o := range orders {
		c := &models.Conversion{AccountID: acctID, ConnectionID: conn.ID, ExternalOrderID: "order-" + string(rune('a'+i)),
			AffiliateID: &o.aff, Code: "CODE", Currency: "USD", Subtotal: o.subtotal, Total: o.subtotal, RefundedSubtotal: o.refunded,
			Status: models.ConversionPending, Lifetime: o.lifetime, CustomerEmail: o.email, CustomerID: o.customer,
			PlacedAt: o.at, ApproveAt: o.at}
		if o.status != "" {
			c.Status = o.status
		}
		if o.currency != "" {
			c.Currency = o.currency
		}
		create(c)
	}
	return affs[0].ID, affs[1].ID
}

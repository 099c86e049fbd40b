package models_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

func reportMonth(m time.Month) time.Time { return time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC) }

// reportShop is the hand-worked account (testdb.ReportAccount) beside
// another account with a subscription and an order of its own, which no
// report of the first may show.
func reportShop(t *testing.T, s *models.Store) (acct *models.Account, ann, bea uint64, other uint64) {
	t.Helper()
	ctx := context.Background()
	s.SetClock(func() time.Time { return testdb.ReportNow })
	acct, err := s.CreateAccount(ctx, "Report shop", "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	otherAcct, err := s.CreateAccount(ctx, "Other shop", "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	ann, bea = testdb.ReportAccount(t, s, acct.ID)
	other, _ = testdb.ReportAccount(t, s, otherAcct.ID)
	return acct, ann, bea, other
}

// The recurring revenue of the hand-worked account, January to March
// 2026: Ann's and Bea's months (Bea starts with Dan's 40.00 from
// December), both in total, MRR now, and the EUR subscription apart.
func TestRecurringReport(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct, ann, bea, other := reportShop(t, s)
		r, err := s.RecurringReport(ctx, acct.ID, models.ReportQuery{From: reportMonth(1), To: reportMonth(3)})
		if err != nil {
			t.Fatal(err)
		}
		m := func(month string, nw, exp, con, churn, react, net, end int64) models.RecurringMonth {
			return models.RecurringMonth{Month: month, New: nw, Expansion: exp, Contraction: con, Churn: churn,
				Reactivation: react, Net: net, MRREnd: end}
		}
		want := &models.RecurringReport{Currency: "USD", From: "2026-01", To: "2026-03",
			Affiliates: []models.RecurringRow{
				{AffiliateID: ann, Name: "=Ann", MRR: 7800, ActiveSubscriptions: 3, ActiveCustomers: 2, Months: []models.RecurringMonth{
					m("2026-01", 5000, 0, 0, 0, 0, 5000, 5000), m("2026-02", 1000, 2000, 0, -2000, 0, 1000, 6000),
					m("2026-03", 0, 0, -200, 0, 2000, 1800, 7800)}},
				{AffiliateID: bea, Name: "Bea", MRR: 1500, ActiveSubscriptions: 1, ActiveCustomers: 1, Months: []models.RecurringMonth{
					m("2026-01", 0, 0, 0, 0, 0, 0, 4000), m("2026-02", 0, 0, 0, -4000, 0, -4000, 0),
					m("2026-03", 1500, 0, 0, 0, 0, 1500, 1500)}},
			},
			Total: models.RecurringRow{MRR: 9300, ActiveSubscriptions: 4, ActiveCustomers: 2, Months: []models.RecurringMonth{
				m("2026-01", 5000, 0, 0, 0, 0, 5000, 9000), m("2026-02", 1000, 2000, 0, -6000, 0, -3000, 6000),
				m("2026-03", 1500, 0, -200, 0, 2000, 3300, 9300)}},
			Other: []models.OtherCurrency{{Currency: "EUR", MRR: 900, ActiveSubscriptions: 1}},
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("report\n got %+v\nwant %+v", r, want)
		}
		one, err := s.RecurringReport(ctx, acct.ID, models.ReportQuery{AffiliateID: bea, From: reportMonth(2), To: reportMonth(2)})
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Affiliates) != 1 || one.Affiliates[0].AffiliateID != bea || one.Total.MRR != 1500 ||
			!reflect.DeepEqual(one.Total.Months, []models.RecurringMonth{m("2026-02", 0, 0, 0, -4000, 0, -4000, 0)}) || len(one.Other) != 0 {
			t.Fatalf("Bea's February: %+v", one)
		}
		checkReportErrors(t, s, acct.ID, other, func(q models.ReportQuery) error {
			_, err := s.RecurringReport(ctx, acct.ID, q)
			return err
		})
	})
}

// checkReportErrors: another account's affiliate is not found, and a
// range backwards or too long is invalid.
func checkReportErrors(t *testing.T, s *models.Store, acctID, other uint64, report func(models.ReportQuery) error) {
	t.Helper()
	for _, c := range []struct {
		q    models.ReportQuery
		want error
	}{
		{models.ReportQuery{AffiliateID: other, From: reportMonth(1), To: reportMonth(3)}, models.ErrNotFound},
		{models.ReportQuery{From: reportMonth(3), To: reportMonth(1)}, models.ErrInvalid},
		{models.ReportQuery{From: reportMonth(1).AddDate(-3, 0, 0), To: reportMonth(1)}, models.ErrInvalid},
	} {
		if err := report(c.q); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, err, c.want)
		}
	}
}

// Retention by cohort: January's three subscriptions (a2 paused in
// February, paying again in March), February's one (downgraded, still
// paying), March's one; Bea's December cohort (Dan, canceled in
// February) when the range reaches back to it. Cells stop at the range's
// end, and at this month (April) for a range reaching further.
func TestRetentionReport(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct, _, bea, other := reportShop(t, s)
		cells := func(counts ...int64) []models.RetentionCell {
			out := []models.RetentionCell{}
			for i := 0; i < len(counts); i += 2 {
				out = append(out, models.RetentionCell{MonthsSince: int64(i / 2), Paying: counts[i], ShareBP: counts[i+1]})
			}
			return out
		}
		r, err := s.RetentionReport(ctx, acct.ID, models.ReportQuery{From: reportMonth(1), To: reportMonth(3)})
		if err != nil {
			t.Fatal(err)
		}
		want := &models.RetentionReport{From: "2026-01", To: "2026-03", Cohorts: []models.RetentionCohort{
			{Cohort: "2026-01", Subscriptions: 3, Months: cells(3, 10000, 2, 6666, 3, 10000)},
			{Cohort: "2026-02", Subscriptions: 1, Months: cells(1, 10000, 1, 10000)},
			{Cohort: "2026-03", Subscriptions: 1, Months: cells(1, 10000)},
		}}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("retention\n got %+v\nwant %+v", r, want)
		}
		r, err = s.RetentionReport(ctx, acct.ID, models.ReportQuery{AffiliateID: bea, From: reportMonth(0), To: reportMonth(12)})
		if err != nil {
			t.Fatal(err)
		}
		want = &models.RetentionReport{AffiliateID: bea, From: "2025-12", To: "2026-12", Cohorts: []models.RetentionCohort{
			{Cohort: "2025-12", Subscriptions: 1, Months: cells(1, 10000, 1, 10000, 0, 0, 0, 0, 0, 0)},
			{Cohort: "2026-03", Subscriptions: 1, Months: cells(1, 10000, 1, 10000)},
		}}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("Bea's retention\n got %+v\nwant %+v", r, want)
		}
		checkReportErrors(t, s, acct.ID, other, func(q models.ReportQuery) error {
			_, err := s.RetentionReport(ctx, acct.ID, q)
			return err
		})
	})
}

// Customers, January to March: Ann brought ann@ (three orders to date,
// the April one included) and bob (known by customer id, part refunded),
// not zed (first order in December, a repeat in February); her own
// flagged order and the EUR one are left out. Bea brought ann@ too, whose
// first order with her was refunded in full.
func TestCustomerReport(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		acct, ann, bea, _ := reportShop(t, s)
		r, err := s.CustomerReport(ctx, acct.ID, models.ReportQuery{From: reportMonth(1), To: reportMonth(3)})
		if err != nil {
			t.Fatal(err)
		}
		want := &models.CustomerReport{Currency: "USD", From: "2026-01", To: "2026-03", Affiliates: []models.CustomerRow{
			{AffiliateID: ann, Name: "=Ann", CustomersAcquired: 2, Revenue: 24000, RevenuePerCustomer: 12000, RepeatOrders: 2,
				Sales: 29000, Refunded: 2000, RefundRateBP: 689},
			{AffiliateID: bea, Name: "Bea", CustomersAcquired: 1, Revenue: 3000, RevenuePerCustomer: 3000,
				Sales: 10000, Refunded: 7000, RefundRateBP: 7000},
		}, Total: models.CustomerRow{CustomersAcquired: 3, Revenue: 27000, RevenuePerCustomer: 9000, RepeatOrders: 2,
			Sales: 39000, Refunded: 9000, RefundRateBP: 2307}}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("customers\n got %+v\nwant %+v", r, want)
		}
		// December alone: zed is Ann's customer of that month.
		r, err = s.CustomerReport(ctx, acct.ID, models.ReportQuery{From: reportMonth(0), To: reportMonth(0)})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%+v", r.Affiliates); len(r.Affiliates) != 1 || r.Affiliates[0].CustomersAcquired != 1 ||
			r.Affiliates[0].Revenue != 10000 || r.Affiliates[0].Sales != 4000 {
			t.Fatalf("December: %s", got)
		}
	})
}

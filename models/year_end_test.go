package models_test

import (
	"cmp"
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// payDay approves what matured by day and pays everyone payable, the run
// recording method as the merchant wrote it.
func (w *payoutWorld) payDay(day time.Time, key, method string) {
	w.t.Helper()
	w.now = day
	if _, err := w.store.ApproveMatured(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.store.RunPayouts(context.Background(), w.account.ID, models.PayoutRunInput{IdempotencyKey: key, Method: method}); err != nil {
		w.t.Fatal(err)
	}
}

// The year-end report sums each year's payouts by method, and marks who
// was paid outside PayPal at or above that year's 1099-NEC threshold:
// USD 600 in 2025, USD 2,000 in 2026. Figures computed by hand from the
// 10% commission of the orders below.
func TestYearEndReportByMethodAndThreshold(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newPayoutWorld(t, s, 1)
		ann, ben, cat := w.affs[0].ID, w.affs[1].ID, w.affs[2].ID
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

		w.now = day(2025, time.October, 1)
		w.sell("Y1", ann, 600000) // 600.00
		w.sell("Y2", ben, 599900) // 599.90
		w.payDay(day(2025, time.November, 3), "run-2025-11", "bank transfer")
		w.now = day(2025, time.December, 1)
		w.sell("Y3", ann, 1000000) // 1,000.00
		w.payDay(day(2026, time.January, 5), "run-2026-01", "PayPal")
		w.sell("Y4", ann, 1500000) // 1,500.00
		w.sell("Y5", ben, 2000000) // 2,000.00
		w.sell("Y6", cat, 1999990) // 1,999.99
		w.payDay(day(2026, time.February, 10), "run-2026-02", "stripe_connect")
		w.sell("Y7", ann, 500000) // 500.00
		w.payDay(day(2026, time.March, 15), "run-2026-03", "")
		eur := order("E1", 3000000, "EUR", w.codes[ben]) // EUR 3,000.00 by hand: no 1099 mark outside USD
		eur.PlacedAt = w.now
		if _, err := s.AttributeOrder(ctx, w.conn.ID, eur); err != nil {
			t.Fatal(err)
		}
		w.now = day(2026, time.April, 20)
		if _, err := s.ApproveMatured(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePayout(ctx, w.account.ID, ben, "EUR", "SEPA"); err != nil {
			t.Fatal(err)
		}
		w.sell("Y8", cat, 100000)                                                      // 100.00, paid in 2027
		w.payDay(day(2027, time.January, 1).Add(-12*time.Hour), "run-2027-01", "Wise") // 1 January 2027, 00:00 UTC

		other := newFixture(t, s) // another merchant's payouts stay out
		o := order("OTHER", 900000, "USD", other.codes[other.affs[0].ID])
		o.PlacedAt = day(2026, time.January, 1)
		if _, err := s.AttributeOrder(ctx, other.conn.ID, o); err != nil {
			t.Fatal(err)
		}
		w.now = day(2026, time.March, 1)
		if _, err := s.ApproveMatured(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePayout(ctx, other.account.ID, other.affs[0].ID, "USD", ""); err != nil {
			t.Fatal(err)
		}

		type want struct {
			aff                                 uint64
			cur                                 string // "" for USD
			paypal, stripe, credit, manual, out int64
			flag                                bool
		}
		check := func(year int, threshold int64, rows []want) {
			t.Helper()
			rep, err := s.YearEndReport(ctx, w.account.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if rep.ThresholdUSD != threshold || len(rep.Rows) != len(rows) {
				t.Fatalf("%d: threshold %d, rows %+v", year, rep.ThresholdUSD, rep.Rows)
			}
			for i, r := range rows {
				g := rep.Rows[i]
				m := g.ByMethod
				if g.AffiliateID != r.aff || m["paypal"] != r.paypal || m["stripe_connect"] != r.stripe || m["store_credit"] != r.credit ||
					m["manual"] != r.manual || g.OutsidePayPal != r.out || g.Total != r.paypal+r.out || g.AtThreshold != r.flag || g.Currency != cmp.Or(r.cur, "USD") {
					t.Errorf("%d row %d: %+v, want %+v", year, i, g, r)
				}
			}
		}
		check(2025, 600_00, []want{{aff: ann, manual: 600_00, out: 600_00, flag: true}, {aff: ben, manual: 599_90, out: 599_90}})
		check(2026, 2_000_00, []want{
			{aff: ann, paypal: 1_000_00, stripe: 1_500_00, manual: 500_00, out: 2_000_00, flag: true},
			{aff: ben, cur: "EUR", manual: 3_000_00, out: 3_000_00},
			{aff: ben, stripe: 2_000_00, out: 2_000_00, flag: true},
			{aff: cat, stripe: 1_999_99, out: 1_999_99},
		})
		check(2027, 2_000_00, []want{{aff: cat, manual: 100_00, out: 100_00}})
		if _, err := s.YearEndReport(ctx, w.account.ID, 26); !isInvalid(err) || fieldOf(err) != "year" {
			t.Fatalf("year 26: %v", err)
		}
	})
}

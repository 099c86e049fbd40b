package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestRangeTotalsByHand: per affiliate and per code, orders, sales and
// commission over a range match a hand count: flagged and fully refunded
// orders are left out, partial refunds are netted, other currencies and
// days outside the range do not count.
func TestRangeTotalsByHand(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a0, a1 := f.affs[0], f.affs[1]
		mustCreate(t, s, &models.Code{AccountID: f.account.ID, Code: "Extra0", Normalized: models.NormalizeCode("Extra0"),
			Source: models.SourceManual, AffiliateID: &a0.ID, Active: true, DiscountType: models.DiscountPercentage, DiscountValue: 500})
		sell := func(id string, sub int64, cur, code string, mutate func(o *platforms.Order)) {
			t.Helper()
			o := order(id, sub, cur, code)
			if mutate != nil {
				mutate(&o)
			}
			if _, err := s.AttributeOrder(ctx, f.conn.ID, o); err != nil {
				t.Fatal(err)
			}
		}
		sell("S1", 10000, "USD", f.codes[a0.ID], nil)
		sell("S2", 5000, "USD", "EXTRA0", nil)
		sell("S3", 8000, "USD", f.codes[a0.ID], nil)
		sell("S4", 6000, "USD", f.codes[a0.ID], func(o *platforms.Order) { o.CustomerEmail = a0.Email })
		sell("S5", 20000, "USD", f.codes[a1.ID], nil)
		sell("S6", 7000, "USD", f.codes[a1.ID], func(o *platforms.Order) { o.PlacedAt = t0.AddDate(0, 0, -40) })
		sell("S7", 9000, "JPY", f.codes[a1.ID], nil)
		for _, r := range []struct {
			id, order string
			sub       int64
		}{{"r2", "S2", 2000}, {"r3", "S3", 8000}} {
			if err := s.ReverseRefund(ctx, f.conn.ID, refund(r.id, r.order, r.sub)); err != nil {
				t.Fatal(err)
			}
		}
		q := models.RangeQuery{From: t0.AddDate(0, 0, -1), To: t0.AddDate(0, 0, 1), Currency: "usd", Limit: 10}
		t.Run("per affiliate: self-referrals, other currencies and days outside are left out, refunds netted", func(t *testing.T) {
			affs, n, err := s.AffiliateTotals(ctx, f.account.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			want := []models.RangeTotal{
				{ID: a1.ID, Name: a1.Name, Currency: "USD", Orders: 1, Sales: 20000, Commission: 2000},
				{ID: a0.ID, Name: a0.Name, Currency: "USD", Orders: 2, Sales: 13000, Commission: 1300},
			}
			if n != 2 || len(affs) != 2 || affs[0] != want[0] || affs[1] != want[1] {
				t.Fatalf("per affiliate: %d %+v, want %+v", n, affs, want)
			}
		})
		t.Run("per code: each code its own row, refunds netted", func(t *testing.T) {
			codes, n, err := s.CodeTotals(ctx, f.account.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]models.RangeTotal{}
			for _, c := range codes {
				got[c.Name] = c
			}
			if n != 3 || len(codes) != 3 || codes[0].Name != f.codes[a1.ID] ||
				got[f.codes[a0.ID]].Sales != 10000 || got[f.codes[a0.ID]].Orders != 1 ||
				got["Extra0"].Sales != 3000 || got["Extra0"].Commission != 300 {
				t.Fatalf("per code: %d %+v", n, codes)
			}
		})
		t.Run("a limit keeps the top rows and still counts them all", func(t *testing.T) {
			q.Limit = 1
			if top, n, err := s.AffiliateTotals(ctx, f.account.ID, q); err != nil || n != 2 || len(top) != 1 || top[0].ID != a1.ID {
				t.Fatalf("top 1: %d %+v %v, want a1 of 2", n, top, err)
			}
		})
		t.Run("another account sees none of these totals", func(t *testing.T) {
			other := newFixture(t, s)
			if rows, n, err := s.AffiliateTotals(ctx, other.account.ID, q); err != nil || n != 0 || len(rows) != 0 {
				t.Fatalf("another account sees %d %+v %v", n, rows, err)
			}
		})
		t.Run("a reversed range, a bad currency or no limit is refused", func(t *testing.T) {
			for _, bad := range []models.RangeQuery{{From: q.To, To: q.From, Currency: "USD", Limit: 10},
				{From: q.From, To: q.To, Currency: "US", Limit: 10}, {From: q.From, To: q.To, Currency: "USD", Limit: 0}} {
				if _, _, err := s.CodeTotals(ctx, f.account.ID, bad); !isInvalid(err) {
					t.Fatalf("%+v: %v, want invalid", bad, err)
				}
			}
		})
	})
}

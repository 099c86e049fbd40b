package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestRollupsMatchConversions books random orders spread over many days
// (partial refunds, cancellations, chargebacks, undone refunds, refunds
// after payout that claw back, approvals, payouts, a reviewed
// self-referral, duplicates, four workers at once), then checks that the
// rollups equal the sums of the conversions themselves, that the
// dashboard (summary over whole and partial days, affiliate and code
// totals, affiliates list) equals the same sums done by hand, and that a
// database migrated before the rollups existed gets them filled.
func TestRollupsMatchConversions(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		s.SetClock(func() time.Time { return time.Now().UTC().AddDate(2, 0, 0) })
		r := rand.New(rand.NewSource(7))
		all := make([]stream, 240)
		for i := range all {
			all[i] = genStream(r, f, i)
			for j, ev := range all[i].events { // 7h13m apart: many days, partial at both ends
				if o, ok := ev.(platforms.Order); ok {
					o.PlacedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 433 * time.Minute)
					all[i].events[j] = o
				}
			}
		}
		runStreams(t, f, all)
		var flagged models.Conversion
		if err := s.DB().Where("account_id = ? AND status = ?", f.account.ID, models.ConversionFlagged).First(&flagged).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApproveFlagged(ctx, f.account.ID, flagged.ID, models.HandChange{Actor: "owner", Reason: "a friend"}); err != nil {
			t.Fatal(err)
		}
		f.settle(t)
		for _, st := range all[:60] { // refunds after payout: clawbacks
			f.deliver(t, platforms.Refund{ExternalID: "late-" + st.order.ExternalID, OrderExternalID: st.order.ExternalID,
				Currency: st.order.Currency, Full: true, CreatedAt: st.order.PlacedAt.Add(48 * time.Hour)})
		}
		checkRollups(t, s, f)
		for _, m := range []any{&models.ConversionDay{}, &models.AffiliateSales{}} {
			if err := s.DB().Migrator().DropTable(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		checkRollups(t, s, f)
	})
}

// rollupSums are the rollup tables' rows, or the same sums done over the
// conversions, by key.
type rollupSums map[string][3]int64

func checkRollups(t *testing.T, s *models.Store, f *fixture) {
	t.Helper()
	var convs []models.Conversion
	if err := s.DB().Where("account_id = ?", f.account.ID).Find(&convs).Error; err != nil {
		t.Fatal(err)
	}
	days, sales := rollupSums{}, rollupSums{}
	for _, c := range convs {
		if c.AffiliateID == nil {
			continue
		}
		code := uint64(0)
		if c.CodeID != nil {
			code = *c.CodeID
		}
		k := keyOf(c.PlacedAt.UTC().Format(time.DateOnly), c.Currency, *c.AffiliateID, code, c.Status)
		v := days[k]
		days[k] = [3]int64{v[0] + 1, v[1] + c.Subtotal - c.RefundedSubtotal, v[2] + c.Commission - c.ReversedCommission}
		if c.Status != models.ConversionFlagged && c.Status != models.ConversionReversed && c.Status != models.ConversionUnattributed {
			k := keyOf(c.Currency, *c.AffiliateID)
			v := sales[k]
			sales[k] = [3]int64{v[0] + 1, v[1] + c.Subtotal - c.RefundedSubtotal}
		}
	}
	var dayRows []models.ConversionDay
	var saleRows []models.AffiliateSales
	if err := s.DB().Find(&dayRows).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Find(&saleRows).Error; err != nil {
		t.Fatal(err)
	}
	gotDays, gotSales := rollupSums{}, rollupSums{}
	for _, d := range dayRows { // a key's slots add up
		gotDays.add(keyOf(d.Day, d.Currency, d.AffiliateID, d.CodeID, d.Status), [3]int64{d.Orders, d.Sales, d.Commission})
	}
	for _, a := range saleRows {
		gotSales.add(keyOf(a.Currency, a.AffiliateID), [3]int64{a.Orders, a.Sales})
	}
	gotDays.dropZero()
	gotSales.dropZero()
	sameSums(t, "conversion_days", gotDays, days)
	sameSums(t, "affiliate_sales", gotSales, sales)
	checkDashboard(t, s, f, convs)
}

func (r rollupSums) add(k string, v [3]int64) {
	w := r[k]
	r[k] = [3]int64{w[0] + v[0], w[1] + v[1], w[2] + v[2]}
}

// dropZero forgets keys whose slots add up to nothing, as no conversion
// counted there.
func (r rollupSums) dropZero() {
	for k, v := range r {
		if v == [3]int64{} {
			delete(r, k)
		}
	}
}

func sameSums(t *testing.T, what string, got, want rollupSums) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s %s: got %v, want %v", what, k, got[k], w)
		}
	}
}

func keyOf(parts ...any) string { return fmt.Sprintln(parts...) }

// checkDashboard compares the dashboard's figures with the same sums done
// by hand over convs, for ranges of whole days, partial days at both ends,
// within one day and across one midnight.
func checkDashboard(t *testing.T, s *models.Store, f *fixture, convs []models.Conversion) {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, rg := range [][2]time.Time{
		{base.AddDate(0, 0, -1), base.AddDate(0, 3, 0)},
		{base.Add(5*time.Hour + 17*time.Minute), base.AddDate(0, 0, 20).Add(3 * time.Hour)},
		{base.AddDate(0, 0, 4).Add(time.Hour), base.AddDate(0, 0, 4).Add(20 * time.Hour)},
		{base.AddDate(0, 0, 9).Add(13 * time.Hour), base.AddDate(0, 0, 10).Add(11 * time.Hour)},
	} {
		from, to := rg[0], rg[1]
		want, wantAff, wantCode := rollupSums{}, rollupSums{}, rollupSums{}
		for _, c := range convs {
			if c.AffiliateID == nil || c.PlacedAt.Before(from) || !c.PlacedAt.Before(to) {
				continue
			}
			earns := c.Status != models.ConversionFlagged && c.Status != models.ConversionReversed
			k := keyOf(c.PlacedAt.UTC().Format(time.DateOnly), c.Currency)
			w := want[k]
			if earns {
				w[0], w[1] = w[0]+1, w[1]+c.Subtotal-c.RefundedSubtotal
			}
			want[k] = [3]int64{w[0], w[1], w[2] + c.Commission - c.ReversedCommission}
			if c.Currency != "USD" {
				continue
			}
			code := uint64(0)
			if c.CodeID != nil {
				code = *c.CodeID
			}
			for _, m := range []struct {
				sums rollupSums
				id   uint64
			}{{wantAff, *c.AffiliateID}, {wantCode, code}} {
				v := m.sums[keyOf(m.id)]
				if earns {
					v[0], v[1] = v[0]+1, v[1]+c.Subtotal-c.RefundedSubtotal
				}
				m.sums[keyOf(m.id)] = [3]int64{v[0], v[1], v[2] + c.Commission - c.ReversedCommission}
			}
		}
		days, err := s.Summary(ctx, f.account.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		got := rollupSums{}
		for _, d := range days {
			got[keyOf(d.Day, d.Currency)] = [3]int64{d.Conversions, d.Sales, d.Commission}
		}
		sameSums(t, "summary "+from.String(), got, want)
		q := models.RangeQuery{From: from, To: to, Currency: "USD", Limit: 100}
		for _, tc := range []struct {
			name string
			list func(context.Context, uint64, models.RangeQuery) ([]models.RangeTotal, int64, error)
			want rollupSums
		}{{"affiliates", s.AffiliateTotals, wantAff}, {"codes", s.CodeTotals, wantCode}} {
			rows, n, err := tc.list(ctx, f.account.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			got := rollupSums{}
			for _, r := range rows {
				got[keyOf(r.ID)] = [3]int64{r.Orders, r.Sales, r.Commission}
			}
			for k, v := range tc.want {
				if v[0] == 0 {
					delete(tc.want, k)
				}
			}
			sameSums(t, tc.name+" "+from.String(), got, tc.want)
			if n != int64(len(tc.want)) {
				t.Errorf("%s %s: count %d, want %d", tc.name, from, n, len(tc.want))
			}
		}
	}
	rows, _, err := s.ListAffiliateRows(ctx, f.account.ID, models.AffiliateListFilter{Sort: models.SortAffiliateSales})
	if err != nil {
		t.Fatal(err)
	}
	want := rollupSums{}
	for _, c := range convs {
		if c.AffiliateID != nil && c.Currency == "USD" && c.Status != models.ConversionFlagged &&
			c.Status != models.ConversionReversed && c.Status != models.ConversionUnattributed {
			v := want[keyOf(*c.AffiliateID)]
			want[keyOf(*c.AffiliateID)] = [3]int64{v[0] + 1, v[1] + c.Subtotal - c.RefundedSubtotal}
		}
	}
	got := rollupSums{}
	for i, r := range rows {
		if i > 0 && r.Sales > rows[i-1].Sales {
			t.Errorf("list by sales: %d after %d", r.Sales, rows[i-1].Sales)
		}
		if r.Orders != 0 {
			got[keyOf(r.ID)] = [3]int64{r.Orders, r.Sales}
		}
	}
	sameSums(t, "affiliates list", got, want)
}

package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

func setTiers(t *testing.T, f *fixture, bonus bool) {
	t.Helper()
	_, err := f.store.SetTierProgram(context.Background(), f.account.ID, models.TierProgram{
		Metric: models.TierSales, Period: models.TierMonth, Bonus: bonus,
		Tiers: []models.CommissionTier{
			{Name: "Gold", Threshold: 200000, Kind: commission.Percent, BasisPoints: 1500},
			{Name: "Silver", Threshold: 100000, Kind: commission.Percent, BasisPoints: 1200},
		}})
	if err != nil {
		t.Fatal(err)
	}
}

// book books one order of sub for code at placed, and returns its conversion.
func book(t *testing.T, f *fixture, id, code string, sub int64, placed time.Time) *models.Conversion {
	t.Helper()
	conv, err := f.store.AttributeOrder(context.Background(), f.conn.ID, platforms.Order{ExternalID: id,
		Codes: []string{code}, Currency: "USD", Subtotal: sub, Total: sub, CustomerEmail: id + "@example.com", PlacedAt: placed})
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// Tiers by monthly sales: Silver (12%) from $1,000.00, Gold (15%) from
// $2,000.00, over the program's 10%. Crossing a tier changes the rate of
// later orders only; a new month starts again at the program's rate; the
// affiliate's own rate is above tiers.
//
//	order  sales before  earns
//	o1     0             10% of 600.00 = 60.00
//	o2     600.00        10% of 600.00 = 60.00  (crosses Silver)
//	o3     1,200.00      12% of 600.00 = 72.00
//	o4     1,800.00      12% of 900.00 = 108.00 (crosses Gold)
//	o5     2,700.00      15% of 100.00 = 15.00
//	o6 (December)   0    10% of 100.00 = 10.00
func TestTiersChangeLaterOrders(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		f := newFixture(t, s)
		setTiers(t, f, false)
		nov := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
		code := f.codes[f.affs[0].ID]
		want := []struct {
			sub, comm int64
			why       string
		}{{60000, 6000, "Program default: 10%"}, {60000, 6000, "Program default: 10%"}, {60000, 7200, "Tier (Silver): 12%"},
			{90000, 10800, "Tier (Silver): 12%"}, {10000, 1500, "Tier (Gold): 15%"}}
		for i, w := range want {
			conv := book(t, f, "o"+string(rune('1'+i)), code, w.sub, nov.Add(time.Duration(i)*time.Hour))
			if conv.Commission != w.comm || conv.Why != w.why {
				t.Fatalf("o%d: %d %q, want %d %q", i+1, conv.Commission, conv.Why, w.comm, w.why)
			}
		}
		if conv := book(t, f, "o6", code, 10000, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); conv.Commission != 1000 {
			t.Fatalf("December's first order earned %d, want 1000", conv.Commission)
		}
		// A refund in full takes its sales out of the count: o1..o4 less o4
		// is 1,800.00, Silver again for the next November order.
		if err := s.ReverseRefund(context.Background(), f.conn.ID, platforms.Refund{ExternalID: "r4", OrderExternalID: "o4",
			Full: true, CreatedAt: nov.Add(10 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if conv := book(t, f, "o7", code, 10000, nov.Add(11*time.Hour)); conv.Why != "Tier (Silver): 12%" {
			t.Fatalf("after the refund: %q", conv.Why)
		}
		// The flat-rate affiliate's own rule is above any tier.
		flat := f.codes[f.flatAff]
		for i := range 3 {
			if conv := book(t, f, "f"+string(rune('1'+i)), flat, 150000, nov); conv.Commission != 500 {
				t.Fatalf("own rule: %d %q", conv.Commission, conv.Why)
			}
		}
	})
}

// With the bonus on, crossing a tier tops up the month's sales so far to
// the new rate, as a ledger entry of its own: crossing Silver with o2
// gives 2% of 1,200.00 = 24.00; crossing Gold with o4 gives 3% of
// 2,700.00 = 81.00. Each bonus is booked once.
func TestTierBonusOnCrossing(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		setTiers(t, f, true)
		nov := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
		code := f.codes[f.affs[0].ID]
		for i, sub := range []int64{60000, 60000, 60000, 90000} {
			book(t, f, "o"+string(rune('1'+i)), code, sub, nov.Add(time.Duration(i)*time.Hour))
		}
		var bonuses []models.LedgerEntry
		if err := s.DB().Where("account_id = ? AND kind = ? AND note LIKE ?", f.account.ID, models.EntryAdjustment, "tier bonus%").
			Order("id").Find(&bonuses).Error; err != nil {
			t.Fatal(err)
		}
		if len(bonuses) != 2 || bonuses[0].Amount != 2400 || bonuses[1].Amount != 8100 {
			t.Fatalf("bonuses %+v, want 2400 and 8100", bonuses)
		}
		if !strings.Contains(bonuses[0].Note, "Silver reached, 12% instead of 10% on the period's 1200.00 USD of sales") {
			t.Fatalf("note %q", bonuses[0].Note)
		}
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending != 6000+6000+7200+10800+2400+8100 {
			t.Fatalf("pending %d", b.Pending)
		}
		// Tiers by order count, by quarter, are kept and shown as set.
		p, err := s.SetTierProgram(ctx, f.account.ID, models.TierProgram{Metric: models.TierOrders, Period: models.TierQuarter,
			Tiers: []models.CommissionTier{{Name: "Ten", Threshold: 10, Kind: commission.Flat, FlatAmount: 300, Currency: "usd"}}})
		if err != nil || p.Tiers[0].Currency != "USD" || p.Period != models.TierQuarter {
			t.Fatalf("orders by quarter: %+v %v", p, err)
		}
		for _, bad := range []models.TierProgram{
			{Metric: "visits"}, {Metric: models.TierSales, Period: "week"},
			{Metric: models.TierSales, Tiers: []models.CommissionTier{{Name: "A", Threshold: 5, Kind: commission.Percent, BasisPoints: 100},
				{Name: "B", Threshold: 5, Kind: commission.Percent, BasisPoints: 200}}},
			{Metric: models.TierSales, Tiers: []models.CommissionTier{{Name: "", Threshold: 5, Kind: commission.Percent}}},
			{Metric: models.TierSales, Tiers: []models.CommissionTier{{Name: "X", Threshold: 5, Kind: commission.Exclude}}},
		} {
			if _, err := s.SetTierProgram(ctx, f.account.ID, bad); !isInvalid(err) || fieldOf(err) == "" {
				t.Errorf("%+v: %v, want a field error", bad, err)
			}
		}
	})
}

// A program with a repeat-order rate pays it on the orders of a customer
// who ordered before (placed earlier, any affiliate), in one batch too.
func TestRepeatCustomerRate(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		five := int64(500)
		def := models.DefaultCommissionRule(f.account.ID, "USD")
		def.RepeatBasisPoints = &five
		if _, err := s.SetDefaultRule(ctx, f.account.ID, def); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
		order := func(id, email, code string, at time.Time) *models.Conversion {
			conv, err := s.AttributeOrder(ctx, f.conn.ID, platforms.Order{ExternalID: id, Codes: []string{code}, Currency: "USD",
				Subtotal: 10000, Total: 10000, CustomerEmail: email, PlacedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			return conv
		}
		a, b := f.codes[f.affs[0].ID], f.codes[f.affs[1].ID]
		if c := order("1", "Ann@Example.com", a, day); c.Commission != 1000 {
			t.Fatalf("first order %d %q", c.Commission, c.Why)
		}
		if c := order("2", "ann@example.com", b, day.Add(time.Hour)); c.Commission != 500 || c.Why != "Program default (repeat customer): 5%" {
			t.Fatalf("repeat order %d %q", c.Commission, c.Why)
		}
		if c := order("3", "ben@example.com", a, day.Add(2*time.Hour)); c.Commission != 1000 {
			t.Fatalf("another customer's first order %d", c.Commission)
		}
		// Placed before Ann's first: a first order, whenever it arrives.
		if c := order("0", "ann@example.com", a, day.Add(-time.Hour)); c.Commission != 1000 {
			t.Fatalf("an earlier order arriving late %d", c.Commission)
		}
		r, err := s.GetDefaultRule(ctx, f.account.ID)
		if err != nil || !strings.Contains(models.CommissionTerms(r), "5% on the orders of a customer who ordered before") {
			t.Fatalf("terms %q %v", models.CommissionTerms(r), err)
		}
	})
}

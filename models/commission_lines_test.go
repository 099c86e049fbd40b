package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// taxedOrder is a tax-inclusive order (20% VAT in the prices) of a gift
// card, two shirts, a hat and a mug, with 5.00 shipping:
//
//	line  net                        under                commission
//	g     50.00                      excluded             0
//	s     2×30.00 − 6.00 − 9.00 = 45 product rule 15%     6.75
//	h     24.00 − 4.00 = 20.00       program default 10%  } 10% of 20 + 10 + 5
//	m     12.00 − 2.00 = 10.00       program default 10%  } = 3.50: 2.00, 1.00
//	shipping 5.00 (base includes it)                       } and 0.50
//
// It earns 6.75 + 3.50 = 10.25.
func taxedOrder(id string) platforms.Order {
	l := func(id, product string, qty, unit, disc, tax int64) platforms.OrderLine {
		return platforms.OrderLine{ID: id, ProductID: product, Title: product, Quantity: qty, UnitPrice: unit, Discount: disc, Tax: tax}
	}
	return platforms.Order{ExternalID: id, Codes: []string{"Partner0"}, Currency: "USD", Subtotal: 12500,
		Discount: 600, Total: 13600, Shipping: 500, Tax: 1500, TaxesIncluded: true,
		Lines: []platforms.OrderLine{l("g", "gift", 1, 5000, 0, 0), l("s", "shirt", 2, 3000, 600, 900),
			l("h", "hat", 1, 2400, 0, 400), l("m", "mug", 1, 1200, 0, 200)}}
}

func lineRules(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	for _, r := range []models.ConditionRule{
		{Scope: models.ScopeProduct, Target: "shirt", Label: "Linen shirt", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, Target: "gift", Label: "Gift card", Kind: commission.Exclude},
	} {
		if _, err := f.store.SaveConditionRule(ctx, f.account.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	ship := true
	if _, err := f.store.UpdateAccountSettings(ctx, f.account.ID, models.AccountSettings{Base: &commission.Base{Shipping: ship}}); err != nil {
		t.Fatal(err)
	}
}

func detailLines(t *testing.T, f *fixture, convID uint64) *models.ConversionDetail {
	t.Helper()
	d, err := f.store.GetConversionDetail(context.Background(), f.account.ID, convID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each line earns under its own rule and says why; a refund of one line
// takes back that line's commission only; a refund without lines is
// spread over what is left; cancelling takes back the rest, to the cent.
func TestLinesEarnAndRefundByTheirRules(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		lineRules(t, f)
		conv, err := s.AttributeOrder(ctx, f.conn.ID, taxedOrder("T1"))
		if err != nil {
			t.Fatal(err)
		}
		if conv.Commission != 1025 {
			t.Fatalf("commission %d, want 1025", conv.Commission)
		}
		d := detailLines(t, f, conv.ID)
		want := []struct {
			id   string
			comm int64
			why  string
		}{{"g", 0, "Excluded: Gift card earns nothing"}, {"s", 675, "Product rule (Linen shirt): 15%"},
			{"h", 200, "Program default: 10%"}, {"m", 100, "Program default: 10%"}, {"shipping", 50, "Program default: 10%"}}
		if len(d.Lines) != len(want) {
			t.Fatalf("%d lines, want %d", len(d.Lines), len(want))
		}
		for i, w := range want {
			if l := d.Lines[i]; l.LineID != w.id || l.Commission != w.comm || l.Why != w.why {
				t.Errorf("line %d = %s %d %q, want %s %d %q", i, l.LineID, l.Commission, l.Why, w.id, w.comm, w.why)
			}
		}
		if d.Why != "Excluded: Gift card earns nothing; Product rule (Linen shirt): 15%; Program default: 10%" {
			t.Errorf("conversion why %q", d.Why)
		}
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending != 1025 {
			t.Fatalf("pending %d, want 1025", b.Pending)
		}
		// One of the two shirts back: 22.50 of its 45.00, so half its 6.75:
		// 3.375, rounded half to even to 3.38.
		refund := func(id string, sub int64, full bool, lines ...platforms.RefundLine) {
			t.Helper()
			if err := s.ReverseRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: id, OrderExternalID: "T1",
				Currency: "USD", Subtotal: sub, Full: full, Lines: lines, CreatedAt: s.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		refund("r1", 2250, false, platforms.RefundLine{LineID: "s", Quantity: 1, Subtotal: 2250})
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending != 1025-338 {
			t.Fatalf("after a shirt came back: pending %d, want %d", b.Pending, 1025-338)
		}
		// The gift card back, by line: it earned nothing, so nothing changes.
		refund("r2", 5000, false, platforms.RefundLine{LineID: "g", Quantity: 1, Subtotal: 5000})
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending != 1025-338 {
			t.Fatalf("after the gift card came back: pending %d, want %d", b.Pending, 1025-338)
		}
		// 15.00 back without lines: spread over what is left of the shirt
		// (22.50), hat (20.00) and mug (10.00); the reversed total stays the
		// sum of the lines' shares.
		refund("r3", 1500, false)
		d = detailLines(t, f, conv.ID)
		var lineSum int64
		for _, l := range d.Lines {
			lineSum += l.ReversedCommission
			if l.RefundedNet > l.Net {
				t.Errorf("line %s refunded %d of %d", l.LineID, l.RefundedNet, l.Net)
			}
		}
		if d.ReversedCommission != lineSum || lineSum <= 338 || d.RefundedSubtotal != 2250+5000+1500 {
			t.Fatalf("reversed %d, lines %d, refunded %d", d.ReversedCommission, lineSum, d.RefundedSubtotal)
		}
		refund("cancel", 0, true)
		d = detailLines(t, f, conv.ID)
		if d.ReversedCommission != 1025 || d.Status != models.ConversionReversed {
			t.Fatalf("after cancelling: reversed %d status %s", d.ReversedCommission, d.Status)
		}
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending+b.Approved+b.Paid != 0 {
			t.Fatalf("commission left after cancelling: %+v", b)
		}
	})
}

// A code rule decides the order over product rules, but not over an
// exclusion; an order in the batch path earns what it earns alone.
func TestCodeRuleOverProductRule(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		lineRules(t, f)
		var code models.Code
		if err := s.DB().Where("account_id = ? AND code = ?", f.account.ID, "Partner0").Take(&code).Error; err != nil {
			t.Fatal(err)
		}
		r, err := s.SaveConditionRule(ctx, f.account.ID, models.ConditionRule{Scope: models.ScopeCode,
			Target: uintText(code.ID), Kind: commission.Percent, BasisPoints: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if r.Label != "Partner0" || r.Why() != "Code rule (Partner0): 20%" {
			t.Fatalf("code rule %+v why %q", r, r.Why())
		}
		// 20% of shirt 45, hat 20, mug 10 and shipping 5: of 80.00, 16.00.
		conv, err := s.AttributeOrder(ctx, f.conn.ID, taxedOrder("C1"))
		if err != nil {
			t.Fatal(err)
		}
		if conv.Commission != 1600 || conv.Why != "Excluded: Gift card earns nothing; Code rule (Partner0): 20%" {
			t.Fatalf("commission %d why %q", conv.Commission, conv.Why)
		}
		// A second rule for the same code is refused, naming the field.
		_, err = s.SaveConditionRule(ctx, f.account.ID, models.ConditionRule{Scope: models.ScopeCode,
			Target: uintText(code.ID), Kind: commission.Percent, BasisPoints: 500})
		if !isConflict(err) || fieldOf(err) != "target" {
			t.Fatalf("second rule for a code: %v", err)
		}
		// Another account's code cannot be targeted.
		g := newFixture(t, s)
		if _, err := s.SaveConditionRule(ctx, g.account.ID, models.ConditionRule{Scope: models.ScopeCode,
			Target: uintText(code.ID), Kind: commission.Percent, BasisPoints: 500}); !isNotFound(err) {
			t.Fatalf("a rule on another account's code: %v", err)
		}
	})
}

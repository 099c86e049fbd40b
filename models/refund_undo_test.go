package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

func conversionOf(t *testing.T, s *models.Store, orderID string) models.Conversion {
	t.Helper()
	var conv models.Conversion
	if err := s.DB().Where("external_order_id = ?", orderID).Take(&conv).Error; err != nil {
		t.Fatal(err)
	}
	return conv
}

// A refund that failed gives the commission back with its own entry;
// the reversal stays in the ledger, and undoing twice changes nothing.
func TestUndoRefundRestoresCommission(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0]
		if _, err := s.AttributeOrder(ctx, f.conn.ID, order("U1", 10000, "USD", f.codes[aff.ID])); err != nil {
			t.Fatal(err)
		}
		for _, r := range []platforms.Refund{refund("re_a", "U1", 3000), refund("re_b", "U1", 7000)} {
			if err := s.ReverseRefund(ctx, f.conn.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		if c := conversionOf(t, s, "U1"); c.Status != models.ConversionReversed || total(net(t, f, aff.ID, "USD")) != 0 {
			t.Fatalf("before: %+v", c)
		}
		for range 2 {
			if err := s.UndoRefund(ctx, f.conn.ID, refund("re_b", "U1", 0), "refund failed"); err != nil {
				t.Fatal(err)
			}
		}
		c := conversionOf(t, s, "U1")
		if c.Status != models.ConversionPending || c.RefundedSubtotal != 3000 || c.ReversedCommission != 300 {
			t.Fatalf("after undo: %+v", c)
		}
		if got := total(net(t, f, aff.ID, "USD")); got != 700 {
			t.Fatalf("net %d, want 700", got)
		}
		var entries []models.LedgerEntry
		s.DB().Where("conversion_id = ?", c.ID).Order("id").Find(&entries)
		if len(entries) != 4 || entries[3].Kind != models.EntryAdjustment || entries[3].Amount != 700 ||
			entries[3].Note != "restored: refund failed" || entries[2].Amount != -700 {
			t.Fatalf("ledger %+v", entries)
		}
	})
}

// Undoing a refund never booked, or one held for its order, books nothing,
// and the held one is not applied when the order arrives.
func TestUndoHeldOrUnknownRefund(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[1]
		if err := s.UndoRefund(ctx, f.conn.ID, refund("re_x", "U2", 0), "refund failed"); err != nil {
			t.Fatal(err)
		}
		if err := s.ReverseRefund(ctx, f.conn.ID, refund("re_h", "U2", 5000)); err != nil {
			t.Fatal(err)
		}
		if err := s.UndoRefund(ctx, f.conn.ID, refund("re_h", "U2", 0), "refund canceled"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttributeOrder(ctx, f.conn.ID, order("U2", 10000, "USD", f.codes[aff.ID])); err != nil {
			t.Fatal(err)
		}
		if c := conversionOf(t, s, "U2"); c.RefundedSubtotal != 0 || total(net(t, f, aff.ID, "USD")) != 1000 {
			t.Fatalf("conversion %+v, net %d", c, total(net(t, f, aff.ID, "USD")))
		}
	})
}

// A refund after payout is a clawback; undoing it pays the commission
// again at once (an approved adjustment).
func TestUndoClawback(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[2]
		o := order("U3", 10000, "USD", f.codes[aff.ID])
		o.PlacedAt = t0.AddDate(-1, 0, 0)
		if _, err := s.AttributeOrder(ctx, f.conn.ID, o); err != nil {
			t.Fatal(err)
		}
		f.settle(t)
		if err := s.ReverseRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: "dp_1", OrderExternalID: "U3", Full: true}); err != nil {
			t.Fatal(err)
		}
		if b := net(t, f, aff.ID, "USD"); b.Approved != -1000 || b.Paid != 1000 {
			t.Fatalf("after clawback %+v", b)
		}
		if err := s.UndoRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: "dp_1", OrderExternalID: "U3"}, "dispute won"); err != nil {
			t.Fatal(err)
		}
		if b := net(t, f, aff.ID, "USD"); b.Approved != 0 || b.Paid != 1000 {
			t.Fatalf("after the dispute was won %+v", b)
		}
		if c := conversionOf(t, s, "U3"); c.Status != models.ConversionPaid || c.ReversedCommission != 0 {
			t.Fatalf("conversion %+v", c)
		}
	})
}

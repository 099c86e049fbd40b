package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// TestHoldZeroIsPayableAtOnce: without a hold, an order's commission is
// approved (payable) as it is booked, with no approval run needed.
func TestHoldZeroIsPayableAtOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		flat := f.codes[f.flatAff] // this affiliate's rule holds 0 days
		conv, err := s.AttributeOrder(ctx, f.conn.ID, order("H0", 10000, "USD", flat))
		if err != nil {
			t.Fatal(err)
		}
		if conv.Status != models.ConversionApproved || conv.Commission != 500 {
			t.Fatalf("status %s commission %d, want approved 500", conv.Status, conv.Commission)
		}
		b := net(t, f, f.flatAff, "USD")
		if b.Approved != 500 || b.Pending != 0 || b.NextPayableAt != nil {
			t.Fatalf("balance %+v, want 5.00 approved and nothing pending", b)
		}
		if _, err := s.CreatePayout(ctx, f.account.ID, f.flatAff, "USD", "same day"); err != nil {
			t.Fatalf("the approved commission cannot be paid: %v", err)
		}
	})
}

// TestHoldEndsAtItsTime: with a hold of N days the commission is pending,
// says when it becomes payable, and is approved from that moment on.
func TestHoldEndsAtItsTime(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0] // default rule: 10%, 30 days
		now := t0
		s.SetClock(func() time.Time { return now })
		conv, err := s.AttributeOrder(ctx, f.conn.ID, order("H30", 10000, "USD", f.codes[aff.ID]))
		if err != nil {
			t.Fatal(err)
		}
		due := t0.AddDate(0, 0, 30)
		if conv.Status != models.ConversionPending || !conv.ApproveAt.Equal(due) {
			t.Fatalf("status %s approve_at %s, want pending until %s", conv.Status, conv.ApproveAt, due)
		}
		b := net(t, f, aff.ID, "USD")
		if b.Pending != 1000 || b.NextPayableAt == nil || !b.NextPayableAt.Equal(due) {
			t.Fatalf("balance %+v, want 10.00 pending, payable on %s", b, due)
		}
		if next, err := s.NextApproval(ctx); err != nil || !next.Equal(due) {
			t.Fatalf("next approval %s %v, want %s", next, err, due)
		}
		now = due.Add(-time.Second)
		if n, err := s.ApproveMatured(ctx); err != nil || n != 0 {
			t.Fatalf("a second before the hold ends: %d approved, %v", n, err)
		}
		now = due
		if n, err := s.ApproveMatured(ctx); err != nil || n != 1 {
			t.Fatalf("when the hold ends: %d approved, %v", n, err)
		}
		b = net(t, f, aff.ID, "USD")
		if b.Approved != 1000 || b.Pending != 0 || b.NextPayableAt != nil {
			t.Fatalf("balance %+v, want 10.00 approved", b)
		}
		if next, err := s.NextApproval(ctx); err != nil || !next.IsZero() {
			t.Fatalf("next approval %s %v, want none", next, err)
		}
	})
}

package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func order(id string, sub int64, cur string, codes ...string) platforms.Order {
	return platforms.Order{ExternalID: id, Codes: codes, Currency: cur, Subtotal: sub, Total: sub,
		CustomerEmail: "buyer@example.com", PlacedAt: t0}
}

func refund(id, orderID string, sub int64) platforms.Refund {
	return platforms.Refund{ExternalID: id, OrderExternalID: orderID, Subtotal: sub, CreatedAt: t0.Add(time.Hour)}
}

// net is an affiliate's total commission across statuses in a currency.
func net(t *testing.T, f *fixture, affID uint64, cur string) (b models.Balance) {
	t.Helper()
	bals, err := f.store.Balances(context.Background(), f.account.ID, affID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range bals {
		if x.Currency == cur {
			return x
		}
	}
	return models.Balance{AffiliateID: affID, Currency: cur}
}

func total(b models.Balance) int64 { return b.Pending + b.Approved + b.Paid }

func TestAttributionRules(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a0, a1 := f.affs[0], f.affs[1]
		c0, c1 := f.codes[a0.ID], f.codes[a1.ID]
		attribute := func(o platforms.Order) *models.Conversion {
			t.Helper()
			conv, err := s.AttributeOrder(ctx, f.conn.ID, o)
			if err != nil {
				t.Fatal(err)
			}
			return conv
		}
		reverse := func(r platforms.Refund) {
			t.Helper()
			if err := s.ReverseRefund(ctx, f.conn.ID, r); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("case-insensitive match books 10% pending", func(t *testing.T) {
			conv := attribute(order("A1", 12345, "USD", "partner0"))
			if conv == nil || conv.AffiliateID == nil || *conv.AffiliateID != a0.ID || conv.Code != c0 {
				t.Fatalf("not credited to %s: %+v", c0, conv)
			}
			if conv.Commission != 1234 || conv.Status != models.ConversionPending { // 1234.5 → 1234 (half to even)
				t.Fatalf("commission %d status %s, want 1234 pending", conv.Commission, conv.Status)
			}
		})
		t.Run("first affiliate code wins among several", func(t *testing.T) {
			conv := attribute(order("A2", 10000, "USD", "unknown", f.plain, c1, c0))
			if conv.AffiliateID == nil || *conv.AffiliateID != a1.ID {
				t.Fatalf("credited to %v, want affiliate %d", conv.AffiliateID, a1.ID)
			}
		})
		t.Run("duplicate order books nothing", func(t *testing.T) {
			before := total(net(t, f, a1.ID, "USD"))
			attribute(order("A2", 10000, "USD", c1))
			if after := total(net(t, f, a1.ID, "USD")); after != before {
				t.Fatalf("duplicate changed balance %d → %d", before, after)
			}
		})
		t.Run("test order ignored, unknown code ignored", func(t *testing.T) {
			o := order("T1", 5000, "USD", c0)
			o.Test = true
			if conv := attribute(o); conv != nil {
				t.Fatalf("test order attributed: %+v", conv)
			}
			if conv := attribute(order("N1", 5000, "USD", "NOSUCH")); conv != nil {
				t.Fatalf("unknown code attributed: %+v", conv)
			}
		})
		t.Run("zero-value order recorded with zero commission", func(t *testing.T) {
			conv := attribute(order("Z1", 0, "USD", c0))
			if conv == nil || conv.Commission != 0 {
				t.Fatalf("zero order: %+v", conv)
			}
		})
		t.Run("own purchase flagged, not paid", func(t *testing.T) {
			before := total(net(t, f, a0.ID, "USD"))
			o := order("S1", 9000, "USD", c0)
			o.CustomerEmail = "AFF0@example.com"
			conv := attribute(o)
			if conv.Status != models.ConversionFlagged || conv.Commission != 0 || conv.FlagReason == "" {
				t.Fatalf("self purchase: %+v", conv)
			}
			if after := total(net(t, f, a0.ID, "USD")); after != before {
				t.Fatalf("self purchase paid: %d → %d", before, after)
			}
		})
		t.Run("partial refunds reverse pro rata and sum to the whole", func(t *testing.T) {
			attribute(order("P1", 999, "KWD", c1)) // 99.9 → 100 fils
			reverse(refund("P1-r1", "P1", 333))
			reverse(refund("P1-r1", "P1", 333)) // duplicate
			reverse(refund("P1-r2", "P1", 333))
			if got := total(net(t, f, a1.ID, "KWD")); got != 100-67 {
				t.Fatalf("after two thirds refunded: %d, want 33", got)
			}
			reverse(refund("P1-r3", "P1", 333))
			if got := total(net(t, f, a1.ID, "KWD")); got != 0 {
				t.Fatalf("fully refunded still owes %d", got)
			}
			var conv models.Conversion
			s.DB().Where("external_order_id = ?", "P1").Take(&conv)
			if conv.Status != models.ConversionReversed {
				t.Fatalf("status %s, want reversed", conv.Status)
			}
		})
		t.Run("refund before its order is applied when the order arrives", func(t *testing.T) {
			reverse(refund("E1-r", "E1", 5000))
			conv := attribute(order("E1", 10000, "JPY", c0))
			if conv.RefundedSubtotal != 5000 || conv.ReversedCommission != 500 {
				t.Fatalf("held refund not applied: %+v", conv)
			}
			if got := total(net(t, f, a0.ID, "JPY")); got != 500 {
				t.Fatalf("JPY balance %d, want 500", got)
			}
		})
		t.Run("cancellation reverses what is left", func(t *testing.T) {
			attribute(order("C1", 3000, "JPY", c1))
			reverse(refund("C1-r", "C1", 1000))
			reverse(platforms.Refund{ExternalID: "C1-cancel", OrderExternalID: "C1", Full: true, CreatedAt: t0})
			if got := total(net(t, f, a1.ID, "JPY")); got != 0 {
				t.Fatalf("cancelled order still earns %d", got)
			}
		})
		t.Run("refund after payout becomes a clawback adjustment", func(t *testing.T) {
			attribute(order("R1", 20000, "USD", c1))
			s.SetClock(func() time.Time { return t0.AddDate(0, 2, 0) })
			defer s.SetClock(func() time.Time { return time.Now().UTC() })
			if _, err := s.ApproveMatured(ctx); err != nil {
				t.Fatal(err)
			}
			before := net(t, f, a1.ID, "USD")
			p, err := s.CreatePayout(ctx, f.account.ID, a1.ID, "USD", "wire 1")
			if err != nil || p.Amount != before.Approved {
				t.Fatalf("payout %+v err %v, want %d", p, err, before.Approved)
			}
			reverse(refund("R1-r", "R1", 20000))
			var adj models.LedgerEntry
			if err := s.DB().Where("kind = ? AND affiliate_id = ?", models.EntryAdjustment, a1.ID).Take(&adj).Error; err != nil {
				t.Fatalf("no adjustment: %v", err)
			}
			if adj.Amount != -2000 || adj.Status != models.EntryApproved {
				t.Fatalf("adjustment %+v, want -2000 approved", adj)
			}
			after := net(t, f, a1.ID, "USD")
			if after.Paid != before.Approved || after.Approved != -2000 {
				t.Fatalf("after clawback: %+v", after)
			}
			if _, err := s.CreatePayout(ctx, f.account.ID, a1.ID, "USD", ""); err == nil {
				t.Fatal("paid out a negative balance")
			}
		})
		t.Run("deactivated code stops attributing", func(t *testing.T) {
			s.DB().Model(&models.Code{}).Where("normalized = ?", models.NormalizeCode(c0)).Update("active", false)
			if conv := attribute(order("D1", 1000, "USD", c0)); conv != nil {
				t.Fatalf("inactive code attributed: %+v", conv)
			}
		})
		t.Run("another account's connection cannot see these codes", func(t *testing.T) {
			other, _ := s.CreateAccount(ctx, "Other", "", "USD")
			oc, _ := s.APIConnection(ctx, other.ID)
			conv, err := s.AttributeOrder(ctx, oc.ID, order("X1", 1000, "USD", c1))
			if err != nil || conv != nil {
				t.Fatalf("cross-account attribution: %+v %v", conv, err)
			}
		})
	})
}

func TestSubscriptionRenewalsHonourMonthsCap(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0]
		three := 3
		mustCreate(t, s, &models.CommissionRule{AccountID: f.account.ID, AffiliateID: aff.ID, Kind: models.CommissionPercent,
			BasisPoints: 2000, Currency: "USD", RecurringMonths: &three})
		first := order("inv1", 5000, "USD", f.codes[aff.ID])
		first.SubscriptionID = "sub_1"
		if conv, err := s.AttributeOrder(ctx, f.conn.ID, first); err != nil || conv.Commission != 1000 {
			t.Fatalf("first payment: %+v %v", conv, err)
		}
		earned := 0
		for m := 1; m <= 5; m++ {
			renewal := order("inv"+string(rune('1'+m)), 5000, "USD") // the coupon no longer applies
			renewal.SubscriptionID, renewal.PlacedAt = "sub_1", t0.AddDate(0, m, 0)
			conv, err := s.AttributeOrder(ctx, f.conn.ID, renewal)
			if err != nil {
				t.Fatal(err)
			}
			if conv != nil {
				if !conv.Recurring || *conv.AffiliateID != aff.ID {
					t.Fatalf("renewal %d: %+v", m, conv)
				}
				want := fmt.Sprintf("renewal %d of 3 (subscription sub_1, brought on %s)", m, first.PlacedAt.UTC().Format("2006-01-02"))
				if conv.CreditNote != want {
					t.Fatalf("renewal %d says %q, want %q", m, conv.CreditNote, want)
				}
				earned++
			}
		}
		if earned != 2 { // months 1 and 2 are within 3 months of the first payment; 3, 4, 5 are not
			t.Fatalf("renewals earning: %d, want 2", earned)
		}
		if got := total(net(t, f, aff.ID, "USD")); got != 3000 {
			t.Fatalf("subscription commission %d, want 3000", got)
		}
	})
}

// A refund known only by its money (tax and shipping included) reverses the
// same share of the commission as it is of the order total.
func TestRefundByAmountTakesItsShare(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0]
		o := order("M1", 10000, "USD", f.codes[aff.ID])
		o.Total = 12500 // 100.00 goods + 20.00 tax + 5.00 shipping
		if _, err := s.AttributeOrder(ctx, f.conn.ID, o); err != nil {
			t.Fatal(err)
		}
		if err := s.ReverseRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: "re_1", OrderExternalID: "M1", Amount: 5000, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		var conv models.Conversion
		s.DB().Where("external_order_id = ?", "M1").Take(&conv)
		if conv.RefundedSubtotal != 4000 || conv.ReversedCommission != 400 {
			t.Fatalf("refund of 50.00 of 125.00: refunded %d reversed %d, want 4000 and 400", conv.RefundedSubtotal, conv.ReversedCommission)
		}
	})
}

package models_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestBalancesEqualLedgerAfterHandChanges books random orders, among them
// self-referrals that are then approved or rejected by hand, refunds
// before and after the reviews, conversions and adjustments added by
// hand, and payouts along the way; then every affiliate's balance must
// equal both the sum of its ledger entries and an independent count of
// what each change should have booked.
func TestBalancesEqualLedgerAfterHandChanges(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) })
		r := rand.New(rand.NewSource(7))
		want := map[uint64]int64{}
		who := models.HandChange{Actor: "test", Reason: "checked"}
		reviewed := 0
		for i := 0; i < 60; i++ {
			aff := f.affs[r.Intn(3)] // the percent-rule affiliates
			subtotal := int64(1 + r.Intn(50000))
			o := platforms.Order{ExternalID: fmt.Sprint("o", i), Codes: []string{f.codes[aff.ID]}, Currency: "USD",
				Subtotal: subtotal, Total: subtotal, PlacedAt: s.Now().AddDate(0, 0, -r.Intn(60))}
			self := i%3 == 0
			if self {
				o.CustomerEmail = aff.Email
			}
			conv, err := s.AttributeOrder(ctx, f.conn.ID, o)
			if err != nil {
				t.Fatal(err)
			}
			commission := oracleRound(subtotal, 1000, 10000)
			refunded := int64(0)
			if r.Intn(3) == 0 { // a refund before any review
				refunded = int64(1 + r.Intn(int(subtotal)))
				refundOrder(t, s, f, o.ExternalID, "before", refunded)
			}
			earns := !self
			if self {
				switch r.Intn(3) {
				case 0:
					_, err = s.ApproveFlagged(ctx, f.account.ID, conv.ID, who)
					earns = true
				case 1:
					_, err = s.RejectFlagged(ctx, f.account.ID, conv.ID, who)
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.ApproveFlagged(ctx, f.account.ID, conv.ID, who); err != nil && reviewedOnce(err) {
					reviewed++
				} else if err == nil {
					earns = true // not reviewed before: this approval counts
				} else {
					t.Fatal(err)
				}
			}
			if r.Intn(4) == 0 && refunded < subtotal { // a refund after the review
				more := int64(1 + r.Intn(int(subtotal-refunded)))
				refundOrder(t, s, f, o.ExternalID, "after", more)
				refunded += more
			}
			if earns {
				want[aff.ID] += commission - oracleRound(commission, refunded, subtotal)
			}
			if i%7 == 0 {
				amount := int64(r.Intn(20000) - 10000)
				if amount == 0 {
					amount = 1
				}
				if _, _, err := s.CreateAdjustment(ctx, f.account.ID, models.Adjustment{AffiliateID: aff.ID, Amount: amount, HandChange: who}); err != nil {
					t.Fatal(err)
				}
				want[aff.ID] += amount
			}
			if i%11 == 0 {
				c := int64(r.Intn(int(subtotal)))
				m := models.ManualConversion{AffiliateID: aff.ID, OrderRef: fmt.Sprint("m", i), Subtotal: subtotal, HandChange: who}
				if i%2 == 0 {
					m.Commission = &c
				} else {
					c = commission
				}
				if _, _, err := s.CreateManualConversion(ctx, f.account.ID, m); err != nil {
					t.Fatal(err)
				}
				want[aff.ID] += c
			}
			if i%13 == 0 {
				f.settle(t)
			}
		}
		if reviewed == 0 {
			t.Fatal("no second review was refused")
		}
		checkBalancesAgainstLedger(t, s, f, want)
	})
}

func reviewedOnce(err error) bool { return errors.Is(err, models.ErrConflict) }

func refundOrder(t *testing.T, s *models.Store, f *fixture, orderID, id string, subtotal int64) {
	t.Helper()
	err := s.ReverseRefund(context.Background(), f.conn.ID, platforms.Refund{ExternalID: orderID + id,
		OrderExternalID: orderID, Currency: "USD", Subtotal: subtotal, CreatedAt: s.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

// checkBalancesAgainstLedger compares each affiliate's balance with the
// sum of its ledger entries (payouts aside) and with want.
func checkBalancesAgainstLedger(t *testing.T, s *models.Store, f *fixture, want map[uint64]int64) {
	ctx := context.Background()
	bals, err := s.Balances(ctx, f.account.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bals {
		var sum int64
		err := s.DB().Model(&models.LedgerEntry{}).Select("COALESCE(SUM(amount), 0)").
			Where("account_id = ? AND affiliate_id = ? AND currency = ? AND kind <> ?", f.account.ID, b.AffiliateID, b.Currency, models.EntryPayout).
			Scan(&sum).Error
		if err != nil {
			t.Fatal(err)
		}
		net := b.Pending + b.Approved + b.Paid
		if net != sum || net != want[b.AffiliateID] {
			t.Errorf("affiliate %d: balance %d, ledger sum %d, expected %d", b.AffiliateID, net, sum, want[b.AffiliateID])
		}
	}
	checkPayoutsMatchPaid(t, f, bals)
}

// TestSearchConversionsOnBothDatabases checks the list's one query, with
// its union of adjustments and its window count, on PostgreSQL and SQLite.
func TestSearchConversionsOnBothDatabases(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0]
		for i := 0; i < 5; i++ {
			o := platforms.Order{ExternalID: fmt.Sprint("s", i), Number: fmt.Sprint("#10", i), Codes: []string{f.codes[aff.ID]},
				Currency: "USD", Subtotal: 1000, Total: 1000, PlacedAt: time.Date(2026, 3, 1+i, 12, 0, 0, 0, time.UTC)}
			if _, err := s.AttributeOrder(ctx, f.conn.ID, o); err != nil {
				t.Fatal(err)
			}
		}
		who := models.HandChange{Actor: "test", Reason: "Spring bonus"}
		if _, _, err := s.CreateAdjustment(ctx, f.account.ID, models.Adjustment{AffiliateID: aff.ID, Amount: 700, HandChange: who}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			f     models.ConversionSearch
			total int64
			first string
		}{
			{models.ConversionSearch{PerPage: 2}, 6, models.RowAdjustment},
			{models.ConversionSearch{Query: "#102"}, 1, "s2"},
			{models.ConversionSearch{Query: "spring"}, 1, models.RowAdjustment},
			{models.ConversionSearch{Statuses: []string{models.ConversionPending}, From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
				To: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)}, 2, "s2"},
			{models.ConversionSearch{Statuses: []string{models.FilterAdjustment}}, 1, models.RowAdjustment},
			{models.ConversionSearch{Statuses: []string{models.ConversionFlagged}}, 0, ""},
		} {
			rows, total, err := s.SearchConversions(ctx, f.account.ID, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			first := ""
			if len(rows) > 0 {
				first = rows[0].OrderID
				if rows[0].Kind == models.RowAdjustment {
					first = rows[0].Kind
				}
			}
			if total != tc.total || first != tc.first {
				t.Errorf("%+v: total %d first %q, want %d %q", tc.f, total, first, tc.total, tc.first)
			}
		}
	})
}

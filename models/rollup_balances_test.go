package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// The balance rollup from scratch, summed over the ledger as the
// affiliates list summed it before the rollup, and the rollup summed over
// its slots; a key whose sums are both zero counts as absent.
const (
	scratchBalances = "SELECT account_id, affiliate_id, currency, " +
		"SUM(CASE WHEN status = 'pending' THEN amount ELSE 0 END) AS pending, " +
		"SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) AS payable FROM ledger_entries WHERE kind <> 'payout' " +
		"GROUP BY 1, 2, 3 HAVING SUM(CASE WHEN status = 'pending' THEN amount ELSE 0 END) <> 0 " +
		"OR SUM(CASE WHEN status = 'approved' THEN amount ELSE 0 END) <> 0"
	rolledBalances = "SELECT account_id, affiliate_id, currency, SUM(pending) AS pending, SUM(payable) AS payable " +
		"FROM affiliate_balances GROUP BY 1, 2, 3 HAVING SUM(pending) <> 0 OR SUM(payable) <> 0"
)

// TestBalanceRollupMatchesLedger writes the ledger every way the app does
// (bookings, partial and full refunds, undone refunds, approvals and
// payouts from four workers at once, clawbacks after payout, adjustments
// by hand from four callers at once, a PayPal run some of whose payouts
// come back, a shop redacted whole) and checks that the balance rollup
// equals the ledger's sums, that the affiliates list sorted by balance
// shows the balances the ledger does, and that a database migrated
// before the rollup existed gets it filled.
func TestBalanceRollupMatchesLedger(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f, gone := newFixture(t, s), newFixture(t, s)
		r := rand.New(rand.NewSource(11))
		old, fresh := make([]stream, 160), make([]stream, 60)
		for i := range old {
			old[i] = genStream(r, f, i)
		}
		runStreams(t, f, old) // placed in January: matured, so settled
		runStreams(t, gone, old[:40])
		f.settle(t)
		adjustConcurrently(t, f, 40)
		payPalRun(t, f)
		for _, st := range old[:30] { // refunds after payout: clawbacks
			f.deliver(t, platforms.Refund{ExternalID: "late-" + st.order.ExternalID, OrderExternalID: st.order.ExternalID,
				Currency: st.order.Currency, Full: true, CreatedAt: st.order.PlacedAt.Add(48 * time.Hour)})
		}
		for i := range fresh { // placed now: still pending at the end
			fresh[i] = genStream(r, f, len(old)+i)
			for j, ev := range fresh[i].events {
				if o, ok := ev.(platforms.Order); ok {
					o.PlacedAt = time.Now().UTC().Add(-time.Duration(i) * time.Minute)
					fresh[i].events[j] = o
				}
			}
		}
		runStreams(t, f, fresh)
		adjustConcurrently(t, gone, 8)
		checkBalanceRollup(t, s, f)
		redactBoth(t, s, gone)
		checkBalanceRollup(t, s, f)
		if err := s.DB().Migrator().DropTable(&models.AffiliateBalance{}); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		checkBalanceRollup(t, s, f)
	})
}

// redactBoth redacts one store of f's account with two, which deletes
// the ledger entries of its orders and keeps the adjustments, checks the
// rollup, then redacts the other, which deletes the account whole and
// must leave it no balance row.
func redactBoth(t *testing.T, s *models.Store, f *fixture) {
	ctx := context.Background()
	shop := models.Connection{AccountID: f.account.ID, Platform: platforms.Shopify, ExternalID: "gone.myshopify.com", Status: models.ConnectionActive}
	mustCreate(t, s, &shop)
	if err := s.RedactShop(ctx, f.conn.ID); err != nil {
		t.Fatal(err)
	}
	var kept, left int64
	if err := s.DB().Model(&models.LedgerEntry{}).Where("account_id = ?", f.account.ID).Count(&kept).Error; err != nil || kept == 0 {
		t.Fatalf("the redacted store's account kept %d ledger entries (%v), want its adjustments", kept, err)
	}
	checkBalanceRollup(t, s, f)
	if err := s.RedactShop(ctx, shop.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Model(&models.AffiliateBalance{}).Where("account_id = ?", f.account.ID).Count(&left).Error; err != nil || left != 0 {
		t.Errorf("a deleted account left %d balance rows (%v)", left, err)
	}
}

// adjustConcurrently books n adjustments by hand, mostly bonuses, some
// corrections below zero, in the account's currency or another, from
// four callers at once.
func adjustConcurrently(t *testing.T, f *fixture, n int) {
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				in := models.Adjustment{AffiliateID: f.affs[i%len(f.affs)].ID, Amount: int64(100 + i*137%900),
					Currency: currencies[i%len(currencies)], HandChange: models.HandChange{Actor: "owner", Reason: "bonus"}}
				if i%5 == 0 {
					in.Amount = -in.Amount
				}
				if _, _, err := f.store.CreateAdjustment(context.Background(), f.account.ID, in); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

// payPalRun pays every affiliate's approved balance through PayPal and
// has PayPal pay the first and send the others' money back.
func payPalRun(t *testing.T, f *fixture) {
	ctx := context.Background()
	for i, a := range f.affs {
		if _, err := f.store.SavePayoutMethod(ctx, f.account.ID, a.ID, models.PayoutMethodInput{Method: models.PayoutPayPal,
			PayPalEmail: fmt.Sprintf("pp%d@example.com", i)}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.SavePayPalCredentials(ctx, f.account.ID, models.PayPalCredentials{ClientID: "id", Secret: "secret"}); err != nil {
		t.Fatal(err)
	}
	run, _, err := f.store.StartPayPalRun(ctx, f.account.ID, "balance-run-1")
	if err != nil || len(run.Payouts) < 2 {
		t.Fatalf("run %+v: %v", run, err)
	}
	for i, p := range run.Payouts {
		u := models.PayoutItemUpdate{PayoutID: p.ID, PlatformID: fmt.Sprint("ITEM-", i), PlatformState: "SUCCESS", Outcome: models.OutcomePaid}
		if i > 0 {
			u.PlatformState, u.Outcome = "RETURNED", models.OutcomeNotPaid
		}
		if _, err := f.store.ApplyPayoutItem(ctx, f.account.ID, u); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBalanceRollup compares the rollup with the ledger's sums both
// ways, and the affiliates list sorted by balance with the balances of
// f's account in its currency.
func checkBalanceRollup(t *testing.T, s *models.Store, f *fixture) {
	t.Helper()
	for _, d := range [][3]string{{rolledBalances, scratchBalances, "rollup"}, {scratchBalances, rolledBalances, "ledger"}} {
		var rows []map[string]any
		if err := s.DB().Raw("SELECT * FROM (" + d[0] + ") a EXCEPT SELECT * FROM (" + d[1] + ") b").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			t.Errorf("affiliate_balances: %v in the %s only", r, d[2])
		}
	}
	var pending, payable int64
	q := "SELECT COUNT(CASE WHEN pending <> 0 THEN 1 END), COUNT(CASE WHEN payable <> 0 THEN 1 END) FROM (" + scratchBalances + ") x"
	if err := s.DB().Raw(q).Row().Scan(&pending, &payable); err != nil || pending == 0 || payable == 0 {
		t.Fatalf("the ledger has %d pending and %d payable balances (%v): nothing to compare", pending, payable, err)
	}
	ctx := context.Background()
	bals, err := s.Balances(ctx, f.account.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64][2]int64{}
	for _, b := range bals {
		if b.Currency == f.account.Currency {
			want[b.AffiliateID] = [2]int64{b.Pending, b.Approved}
		}
	}
	rows, _, err := s.ListAffiliateRows(ctx, f.account.ID, models.AffiliateListFilter{Sort: models.SortAffiliateBalance})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if got := [2]int64{r.Pending, r.Payable}; got != want[r.ID] {
			t.Errorf("list: affiliate %d pending, payable %v, the ledger says %v", r.ID, got, want[r.ID])
		}
		if i > 0 && r.Pending+r.Payable > rows[i-1].Pending+rows[i-1].Payable {
			t.Errorf("list by balance: %d after %d", r.Pending+r.Payable, rows[i-1].Pending+rows[i-1].Payable)
		}
	}
	if len(rows) != len(f.affs) {
		t.Errorf("list: %d rows, want %d", len(rows), len(f.affs))
	}
}

package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// payoutWorld is a fixture whose clock the test moves.
type payoutWorld struct {
	*fixture
	t   *testing.T
	now time.Time
}

func newPayoutWorld(t *testing.T, s *models.Store, minPayout int64) *payoutWorld {
	w := &payoutWorld{fixture: newFixture(t, s), t: t, now: t0}
	s.SetClock(func() time.Time { return w.now })
	if _, err := s.UpdateAccountSettings(context.Background(), w.account.ID, models.AccountSettings{MinPayout: &minPayout}); err != nil {
		t.Fatal(err)
	}
	return w
}

// sell books an order of subtotal for aff at the current time (10%, 30 days hold).
func (w *payoutWorld) sell(id string, aff uint64, subtotal int64) {
	w.t.Helper()
	o := order(id, subtotal, "USD", w.codes[aff])
	o.PlacedAt = w.now
	if _, err := w.store.AttributeOrder(context.Background(), w.conn.ID, o); err != nil {
		w.t.Fatal(err)
	}
}

// mature moves the clock past the hold and approves what matured.
func (w *payoutWorld) mature() {
	w.t.Helper()
	w.now = w.now.AddDate(0, 0, 31)
	if _, err := w.store.ApproveMatured(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *payoutWorld) run(key string) (*models.PayoutRun, bool, error) {
	return w.store.RunPayouts(context.Background(), w.account.ID, models.PayoutRunInput{IdempotencyKey: key, Method: "PayPal", Reference: "batch"})
}

// checkLedger asserts that every affiliate's balances are the sums of
// their ledger entries and that what is paid is what the payouts sent.
func (w *payoutWorld) checkLedger() {
	w.t.Helper()
	db := w.store.DB()
	for _, a := range w.affs {
		b := net(w.t, w.fixture, a.ID, "USD")
		var entries, payouts, sent int64
		db.Raw("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND currency = 'USD' AND kind <> 'payout'", a.ID).Scan(&entries)
		db.Raw("SELECT COALESCE(SUM(amount), 0) FROM payouts WHERE affiliate_id = ? AND currency = 'USD'", a.ID).Scan(&payouts)
		db.Raw("SELECT COALESCE(-SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind = 'payout'", a.ID).Scan(&sent)
		if total(b) != entries || b.Paid != payouts || payouts != sent {
			w.t.Fatalf("%s: balances %+v (sum %d), ledger sum %d, payouts %d, payout entries %d", a.Name, b, total(b), entries, payouts, sent)
		}
	}
}

// TestPayoutRunRespectsMinimumOnce: the run pays exactly the affiliates at
// or above the minimum, lists the others with what they still need, and a
// repeat with the same key pays nothing more.
func TestPayoutRunRespectsMinimumOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newPayoutWorld(t, s, 1500)
		a0, a1, a2 := w.affs[0].ID, w.affs[1].ID, w.affs[2].ID
		w.sell("R1", a0, 20000) // 20.00 commission
		w.sell("R2", a1, 10000) // 10.00: below the 15.00 minimum
		w.sell("R3", a2, 15000) // 15.00: exactly the minimum
		w.mature()
		plan, err := s.PayablePlan(ctx, w.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Payable) != 2 || plan.Total != 3500 || len(plan.BelowMinimum) != 1 ||
			plan.BelowMinimum[0].AffiliateID != a1 || plan.BelowMinimum[0].Needs != 500 {
			t.Fatalf("plan %+v, want a0 and a2 payable (35.00), a1 needing 5.00", plan)
		}
		run, created, err := w.run("click-0001")
		if err != nil || !created {
			t.Fatalf("run: created %v, %v", created, err)
		}
		if run.PayoutCount != 2 || run.Total != 3500 || len(run.Payouts) != 2 || run.MinPayout != 1500 {
			t.Fatalf("run %+v, want two payouts of 35.00 in all", run)
		}
		for _, p := range run.Payouts {
			if p.RunID == nil || *p.RunID != run.ID || p.Method != "PayPal" || p.PeriodStart == nil || !p.PeriodStart.Equal(t0) {
				t.Fatalf("payout %+v does not name its run, method and period", p)
			}
		}
		again, created, err := w.run("click-0001")
		if err != nil || created || again.ID != run.ID || len(again.Payouts) != 2 {
			t.Fatalf("repeat: run %+v created %v %v, want the same run", again, created, err)
		}
		if _, _, err := w.run("click-0002"); !isInvalid(err) {
			t.Fatalf("a new run with nobody payable: %v, want invalid", err)
		}
		all, _ := s.ListPayouts(ctx, w.account.ID)
		if len(all) != 2 {
			t.Fatalf("%d payouts after the repeats, want 2", len(all))
		}
		if b := net(t, w.fixture, a1, "USD"); b.Approved != 1000 || b.Paid != 0 {
			t.Fatalf("below the minimum: %+v, want 10.00 still approved", b)
		}
		w.checkLedger()
	})
}

// TestPayoutRunCarriesNegativeBalance: a refund after payout claws the
// commission back; the negative balance is never paid, and the next
// payout nets it and says so.
func TestPayoutRunCarriesNegativeBalance(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w := newPayoutWorld(t, s, 1500)
		a0 := w.affs[0].ID
		w.sell("N1", a0, 20000)
		w.mature()
		if _, _, err := w.run("first-run"); err != nil {
			t.Fatal(err)
		}
		if err := s.ReverseRefund(ctx, w.conn.ID, refund("rf1", "N1", 20000)); err != nil {
			t.Fatal(err)
		}
		plan, _ := s.PayablePlan(ctx, w.account.ID)
		if len(plan.Negative) != 1 || plan.Negative[0].Approved != -2000 || len(plan.Payable) != 0 {
			t.Fatalf("plan %+v, want a0 at -20.00 and nobody payable", plan)
		}
		if _, _, err := w.run("second-run"); !isInvalid(err) {
			t.Fatalf("a run with only a negative balance: %v, want invalid", err)
		}
		if _, err := s.CreatePayout(ctx, w.account.ID, a0, "USD", ""); !isInvalid(err) {
			t.Fatalf("paying a negative balance by hand: %v, want invalid", err)
		}
		w.sell("N2", a0, 30000) // 30.00 - 20.00 carried = 10.00: below 15.00
		w.mature()
		if _, _, err := w.run("third-run"); !isInvalid(err) {
			t.Fatalf("net 10.00 under a 15.00 minimum: %v, want invalid", err)
		}
		w.sell("N3", a0, 10000) // net 20.00
		w.mature()
		run, _, err := w.run("fourth-run")
		if err != nil {
			t.Fatal(err)
		}
		p := run.Payouts[0]
		if p.Amount != 2000 || p.Carried != -2000 {
			t.Fatalf("payout %+v, want 20.00 paid with -20.00 carried", p)
		}
		d, err := s.GetPayoutDetail(ctx, w.account.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var carried, sum int64
		orders := map[string]bool{}
		for _, it := range d.Items {
			sum += it.Amount
			if it.Carried {
				carried += it.Amount
			}
			orders[it.OrderID] = true
		}
		if len(d.Items) != 3 || sum != p.Amount || carried != -2000 || !orders["N1"] || !orders["N2"] || !orders["N3"] || d.AffiliateName != "Aff 0" {
			t.Fatalf("detail %+v, want N2 and N3 accruals and the N1 clawback summing to the payout", d)
		}
		w.checkLedger()
	})
}

// TestPayoutRunDoubleClick: the same key sent twice at once makes one run.
func TestPayoutRunDoubleClick(t *testing.T) {
	s := testdb.Postgres(t)
	w := newPayoutWorld(t, s, 0)
	for i, a := range w.affs[:3] {
		w.sell("D"+string(rune('A'+i)), a.ID, 10000)
	}
	w.mature()
	var wg sync.WaitGroup
	ids := make([]uint64, 4)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			run, _, err := w.run("double-click")
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = run.ID
		}(i)
	}
	wg.Wait()
	all, _ := s.ListPayouts(context.Background(), w.account.ID)
	if len(all) != 3 || ids[0] != ids[1] || ids[1] != ids[2] || ids[2] != ids[3] {
		t.Fatalf("%d payouts, runs %v: want 3 payouts in one run", len(all), ids)
	}
	w.checkLedger()
}

// TestPayoutRunInputAndIsolation: bad input changes nothing, and another
// account's run or payout cannot be read.
func TestPayoutRunInputAndIsolation(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	w := newPayoutWorld(t, s, 0)
	w.sell("I1", w.affs[0].ID, 10000)
	w.mature()
	for _, key := range []string{"", "short", "has space in it", string(make([]byte, 65))} {
		if _, _, err := w.run(key); !isInvalid(err) {
			t.Fatalf("key %q: %v, want invalid", key, err)
		}
	}
	bad := int64(-1)
	if _, err := s.UpdateAccountSettings(ctx, w.account.ID, models.AccountSettings{MinPayout: &bad}); !isInvalid(err) {
		t.Fatalf("negative minimum: %v, want invalid", err)
	}
	run, _, err := w.run("isolation")
	if err != nil {
		t.Fatal(err)
	}
	other := newFixture(t, s)
	if _, err := s.GetPayoutRun(ctx, other.account.ID, run.ID); err == nil {
		t.Fatal("another account read the run")
	}
	if _, err := s.GetPayoutDetail(ctx, other.account.ID, run.Payouts[0].ID); err == nil {
		t.Fatal("another account read the payout")
	}
	if again, _, err := s.RunPayouts(ctx, other.account.ID, models.PayoutRunInput{IdempotencyKey: "isolation"}); !isInvalid(err) {
		t.Fatalf("the same key in another account returned %+v, %v; want its own (empty) run refused", again, err)
	}
}

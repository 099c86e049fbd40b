package jobs_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

// oweMore books another approved balance for each affiliate of sh.
func oweMore(t *testing.T, sh *paypalShop, tag string, amount int64) {
	t.Helper()
	for _, aff := range sh.affiliates {
		key := "test-owed-" + tag + ":" + strconv.FormatUint(aff, 10)
		e := models.LedgerEntry{AccountID: sh.account.ID, AffiliateID: aff, Kind: models.EntryAdjustment,
			Amount: amount, Currency: "USD", Status: models.EntryApproved, AvailableAt: time.Now(), DedupKey: &key}
		if err := sh.store.DB().Create(&e).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// runKeys lists the idempotency keys of the account's payout runs.
func runKeys(t *testing.T, s *models.Store, accountID uint64) []string {
	t.Helper()
	var keys []string
	if err := s.DB().Model(&models.PayoutRun{}).Where("account_id = ?", accountID).Order("id").Pluck("idempotency_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestScheduledPayoutsRunOncePerMonth(t *testing.T) {
	testdb.Both(t, scheduledPayoutsRunOncePerMonth)
}

func scheduledPayoutsRunOncePerMonth(t *testing.T, s *models.Store) {
	ctx := context.Background()
	sh := newPayPalShop(t, s, []string{"ann@example.com", "bob@example.com"}, []int64{2500, 4000})
	off := newPayPalShop(t, s, []string{"cat@example.com"}, []int64{1000}) // no schedule
	// Stripe is scheduled too but not connected: it is left for later, not an error.
	if err := s.SavePayoutSchedule(ctx, sh.account.ID, &models.ScheduleInput{DayOfMonth: 5,
		Methods: []string{models.PayoutPayPal, models.PayoutStripeConnect}}); err != nil {
		t.Fatal(err)
	}
	p := jobs.NewPayoutScheduler(s, nil, nil)
	at := func(month time.Month, day int) int {
		t.Helper()
		n, err := p.Run(ctx, time.Date(2026, month, day, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := at(time.March, 4); n != 0 {
		t.Fatalf("before the day: %d runs started, want none", n)
	}
	if n := at(time.March, 5); n != 1 {
		t.Fatalf("on the day: %d runs started, want 1 (PayPal)", n)
	}
	for aff, owed := range sh.owed {
		if _, approved, paidOut, _ := ledgerOf(t, s, aff); paidOut != owed || approved != 0 {
			t.Errorf("affiliate %d: paid out %d (approved left %d), want %d once", aff, paidOut, approved, owed)
		}
	}
	// More becomes payable later in March: it waits for April's run.
	oweMore(t, sh, "march", 300)
	if n := at(time.March, 5) + at(time.March, 28); n != 0 {
		t.Fatalf("called again in the month: %d more runs, want none", n)
	}
	oweMore(t, sh, "april", 700)
	if n := at(time.April, 2); n != 0 {
		t.Fatalf("next month before the day: %d runs, want none", n)
	}
	if n := at(time.April, 9); n != 1 {
		t.Fatalf("next month: %d runs started, want 1", n)
	}
	if got, want := runKeys(t, s, sh.account.ID), []string{"schedule-2026-03-paypal", "schedule-2026-04-paypal"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("runs %v, want %v", got, want)
	}
	if got := runKeys(t, s, off.account.ID); len(got) != 0 {
		t.Errorf("account without a schedule got runs %v", got)
	}
	// Turned off: nothing more, even with a balance.
	if err := s.SavePayoutSchedule(ctx, sh.account.ID, nil); err != nil {
		t.Fatal(err)
	}
	oweMore(t, sh, "may", 900)
	if n := at(time.May, 20); n != 0 {
		t.Fatalf("schedule off: %d runs started, want none", n)
	}
}

func TestScheduledStoreCreditRun(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	cs := newStoreCreditShop(t, s, []string{"ann@example.com"}, []int64{2500}, []string{"ann@example.com"})
	if err := s.SavePayoutSchedule(ctx, cs.account.ID, &models.ScheduleInput{DayOfMonth: 1, Methods: []string{models.PayoutStoreCredit}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.sender().FindCustomers(ctx, cs.account.ID, 10); err != nil {
		t.Fatal(err)
	}
	p := jobs.NewPayoutScheduler(s, nil, nil)
	for range 2 {
		if _, err := p.Run(ctx, time.Date(2026, time.June, 3, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	if got := runKeys(t, s, cs.account.ID); len(got) != 1 || got[0] != "schedule-2026-06-store_credit" {
		t.Errorf("store credit runs %v, want one keyed schedule-2026-06-store_credit", got)
	}
}

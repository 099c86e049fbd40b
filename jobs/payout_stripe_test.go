package jobs_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// TestStripeRunPaysEachOnceAndSkipsUnready: a Stripe run transfers each
// onboarded affiliate's balance once, tagged with the run and the payout,
// lists the affiliate whose onboarding is unfinished as skipped (their
// balance stays payable), and sending again or starting again with the
// same key transfers nothing more.
func TestStripeRunPaysEachOnceAndSkipsUnready(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1234, 2000, 3000}, []bool{true, true, false}, 1_000_00)
	run, created, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-1")
	if err != nil || !created || run.PayoutCount != 2 || run.Total != 3234 {
		t.Fatalf("run = %+v, created %v, %v; want two payouts of 3234", run, created, err)
	}
	if len(run.Skipped) != 1 || run.Skipped[0].AffiliateID != ss.affiliates[2] || !strings.Contains(run.Skipped[0].Reason, "onboarding") {
		t.Fatalf("skipped = %+v, want the affiliate not onboarded, with the reason", run.Skipped)
	}
	for range 2 {
		if err := ss.sender().Send(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
	}
	again, created, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-1")
	if err != nil || created || again.ID != run.ID || len(again.Skipped) != 1 {
		t.Fatalf("same key: %+v created %v, %v", again, created, err)
	}
	got, n := ss.received()
	for i, want := range []int64{1234, 2000, 0} {
		aff := ss.affiliates[i]
		if got[aff] != want || n[aff] != min(int(want), 1) {
			t.Errorf("affiliate %d received %d in %d transfers, want %d once", i, got[aff], n[aff], want)
		}
		paid, approved, paidOut, sending := ledgerOf(t, s, aff)
		if paid != want || paidOut != want || approved != []int64{1234, 2000, 3000}[i]-want || sending != 0 {
			t.Errorf("affiliate %d ledger: paid %d, paid out %d, approved %d, %d sending", i, paid, paidOut, approved, sending)
		}
	}
	for _, tr := range ss.sb.Transfers(ss.merchant) {
		if tr.TransferGroup != "codecredit-run-"+strconv.FormatUint(run.ID, 10) || tr.Metadata["codecredit_run_id"] != strconv.FormatUint(run.ID, 10) ||
			tr.Metadata["codecredit_payout_id"] == "" {
			t.Errorf("transfer %s: group %q metadata %v; want the run and payout named", tr.ID, tr.TransferGroup, tr.Metadata)
		}
	}
	v, err := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
	if err != nil || v.Paid != 3234 || v.Waiting != 0 || len(v.Items) != 2 {
		t.Fatalf("run view = %+v, %v", v, err)
	}
	for _, it := range v.Items {
		if it.State != models.SendPaid || !strings.HasPrefix(it.PlatformID, "tr_") || it.Attempts != 1 {
			t.Errorf("item %+v: want paid by one transfer", it)
		}
		// A PayPal webhook naming a Stripe payout finds no PayPal item.
		if _, err := s.PayoutItemAccount(ctx, it.PayoutID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("PayPal's webhook path found Stripe payout %d: %v", it.PayoutID, err)
		}
	}
}

// TestStripeRunAfterLostAnswerPaysOnce (PostgreSQL and SQLite): Stripe made the transfers but the
// answers were lost (as when the worker dies between the call and the
// booking): the send says the outcome is unknown, and the next send, with
// the same keys, books Stripe's transfers without making new ones.
func TestStripeRunAfterLostAnswerPaysOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		ss := newStripeShop(t, s, []int64{1500, 2500}, []bool{true, true}, 1_000_00)
		run, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-lost")
		if err != nil {
			t.Fatal(err)
		}
		ss.sb.LoseTransferAnswers(100) // net/http may send a lost request again once, with the same key
		if err := ss.sender().Send(ctx, run.ID); err == nil {
			t.Fatal("send with every answer lost: no error, want the outcome unknown")
		}
		ss.sb.LoseTransferAnswers(0)
		if got, _ := ss.received(); got[ss.affiliates[0]] != 1500 || got[ss.affiliates[1]] != 2500 {
			t.Fatalf("Stripe holds %v: the transfers were made", got)
		}
		v, _ := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
		if v.Paid != 0 || v.Waiting != 4000 || v.Items[0].State != models.SendSent || v.Items[0].LastError == "" {
			t.Fatalf("after lost answers: %+v; want both sent, unknown, with the error kept", v.Items)
		}
		if err := ss.sender().Send(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		ss.checkReceivedOnce(t, 1500, 2500)
		for i, want := range []int64{1500, 2500} {
			aff := ss.affiliates[i]
			if paid, _, paidOut, sending := ledgerOf(t, s, aff); paid != want || paidOut != want || sending != 0 {
				t.Errorf("affiliate %d ledger: paid %d, paid out %d, %d sending", i, paid, paidOut, sending)
			}
		}
		if ss.sb.Balance(ss.merchant, "USD") != 1_000_00-4000 {
			t.Errorf("merchant balance %d, want %d", ss.sb.Balance(ss.merchant, "USD"), 1_000_00-4000)
		}
	})
}

// TestStripeRunInsufficientBalanceFails: a transfer the merchant's Stripe
// balance cannot cover fails with Stripe's reason (balance_insufficient),
// its commission is payable again, and a later run pays it once funded.
func TestStripeRunInsufficientBalanceFails(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1234, 2000}, []bool{true, true}, 1500)
	run, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-poor")
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.sender().Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	v, err := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
	if err != nil || v.Paid != 1234 || v.Returned != 2000 {
		t.Fatalf("run view = %+v, %v; want 1234 paid, 2000 returned", v, err)
	}
	failed := v.Items[1]
	if failed.State != models.SendFailed || failed.PlatformStatus != "balance_insufficient" || !strings.Contains(failed.Reason, "insufficient") {
		t.Fatalf("item %+v: want failed, balance_insufficient, with Stripe's reason", failed)
	}
	if _, approved, paidOut, sending := ledgerOf(t, s, ss.affiliates[1]); approved != 2000 || paidOut != 0 || sending != 0 {
		t.Fatalf("ledger after the refusal: approved %d, paid out %d, %d sending; want 2000 payable again", approved, paidOut, sending)
	}
	plan, err := s.PayablePlan(ctx, ss.account.ID)
	if err != nil || len(plan.Payable) != 1 || plan.Payable[0].AffiliateID != ss.affiliates[1] {
		t.Fatalf("payable = %+v, %v; want the refused commission", plan, err)
	}
	ss.sb.SetBalance(ss.merchant, "USD", 5000)
	retry, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-poor-2")
	if err != nil || retry.Total != 2000 {
		t.Fatalf("second run = %+v, %v", retry, err)
	}
	if err := ss.sender().Send(ctx, retry.ID); err != nil {
		t.Fatal(err)
	}
	if got, n := ss.received(); got[ss.affiliates[1]] != 2000 || n[ss.affiliates[1]] != 1 {
		t.Fatalf("received %v in %v transfers; want 2000 once", got, n)
	}
}

// TestStripeRunNobodyReady: when every Stripe affiliate is left out,
// nothing is stored and the error says who and why.
func TestStripeRunNobodyReady(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1234}, []bool{false}, 1_000_00)
	_, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-none")
	if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), "Affiliate 0: Stripe cannot pay this account yet") {
		t.Fatalf("err = %v; want invalid naming the affiliate and the reason", err)
	}
	if n := count(t, s, &models.PayoutRun{}, "account_id = ?", ss.account.ID); n != 0 {
		t.Fatalf("%d runs stored", n)
	}
}

// TestStripeRunAfterKeyWindow: a payout whose outcome is still unknown a
// day later, when Stripe may have forgotten its key, is looked for in its
// run's transfer group: a transfer Stripe made is booked without a new
// call, and a payout whose call never reached Stripe is paid once, under
// a new key.
func TestStripeRunAfterKeyWindow(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1500, 2500}, []bool{true, true}, 1_000_00)
	run, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-day")
	if err != nil {
		t.Fatal(err)
	}
	ss.cut.Cut = 1                 // ann's call never reaches Stripe
	ss.sb.LoseTransferAnswers(100) // ben's transfer is made, its answer lost
	if err := ss.sender().Send(ctx, run.ID); err == nil {
		t.Fatal("send: no error, want both outcomes unknown")
	}
	ss.sb.LoseTransferAnswers(0)
	before, _ := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
	ss.advance(25 * time.Hour) // the sandbox forgets the keys: the same key again would transfer again
	if err := ss.sender().Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	ss.checkReceivedOnce(t, 1500, 2500)
	after, err := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
	if err != nil || after.Paid != 4000 {
		t.Fatalf("run view = %+v, %v", after, err)
	}
	if a, b := after.Items[0], after.Items[1]; a.Key == before.Items[0].Key || a.Attempts != 2 || b.Key != before.Items[1].Key || b.Attempts != 1 {
		t.Errorf("ann %s (%d calls), ben %s (%d calls); want ann called again under a new key, ben found without a call", a.Key, a.Attempts, b.Key, b.Attempts)
	}
}

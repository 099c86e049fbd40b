package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms/paypal/sandbox"
)

// TestPayPalRunPaysOnceAndReturnsFailures: a run pays through PayPal; the
// items PayPal pays are paid in the ledger to the cent, the failed and
// returned ones are back in the balance with PayPal's reason, sending the
// run again or starting it again with its key changes nothing, and a new
// run pays what came back.
func TestPayPalRunPaysOnceAndReturnsFailures(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	emails := []string{"ada@example.com", "bob+failed@example.com", "cy+returned@example.com", "di@example.com"}
	ps := newPayPalShop(t, s, emails, []int64{1234, 2000, 3001, 999})
	run := ps.start(t, "run-000001")
	if run.PayoutCount != 4 || run.Total != 1234+2000+3001+999 {
		t.Fatalf("run pays %d for %d, want all four", run.Total, run.PayoutCount)
	}
	// In flight: neither payable again nor paid before PayPal says so.
	if plan, err := s.PayablePlan(ctx, ps.account.ID); err != nil || len(plan.Payable) != 0 {
		t.Fatalf("payable while sending: %+v, %v", plan, err)
	}
	if bs, err := s.Balances(ctx, ps.account.ID, 0); err != nil || len(bs) != 0 && bs[0].Paid != 0 {
		t.Fatalf("balances while sending: %+v, %v", bs, err)
	}
	sender := ps.sender(nil)
	ps.sendUntilSettled(t, sender, run.ID)
	if err := sender.Send(ctx, run.ID); err != nil { // again: changes nothing
		t.Fatal(err)
	}
	if again, created, err := s.StartPayPalRun(ctx, ps.account.ID, "run-000001"); err != nil || created || again.ID != run.ID {
		t.Fatalf("same key: run %v created %v, %v", again, created, err)
	}
	v, err := s.GetPayPalRun(ctx, ps.account.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ada@example.com": "paid", "bob+failed@example.com": "failed", "cy+returned@example.com": "failed", "di@example.com": "paid"}
	for _, it := range v.Items {
		email := ps.emails[it.AffiliateID]
		if it.State != want[email] || (it.State == "failed") != (it.Reason != "") {
			t.Errorf("%s: %s (%s) reason %q, want %s with a reason when failed", email, it.State, it.PayPalStatus, it.Reason, want[email])
		}
	}
	if v.Send.State != models.BatchDone || v.Paid != 1234+999 || v.Returned != 2000+3001 || v.Waiting != 0 {
		t.Errorf("run: %s, paid %d returned %d waiting %d", v.Send.State, v.Paid, v.Returned, v.Waiting)
	}
	ps.checkExact(t, ps.paidByPayPal(t, run.ID))

	retry := ps.start(t, "run-000002")
	if retry.PayoutCount != 2 || retry.Total != 2000+3001 {
		t.Fatalf("second run pays %d for %d, want what came back", retry.Total, retry.PayoutCount)
	}
	ps.sendUntilSettled(t, sender, retry.ID)
	ps.checkExact(t, ps.paidByPayPal(t, run.ID, retry.ID))
}

// TestPayPalRunWithoutCredentialsOrPayees: no PayPal credentials, or no
// affiliate paid by PayPal, starts nothing and says why.
func TestPayPalRunWithoutCredentialsOrPayees(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sh := newShop(t, s, 1)
	if _, _, err := s.StartPayPalRun(ctx, sh.account.ID, "run-000001"); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("no credentials: %v, want invalid", err)
	}
	ps := newPayPalShop(t, s, []string{"ada@example.com"}, []int64{0})
	if _, _, err := s.StartPayPalRun(ctx, ps.account.ID, "run-000001"); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("nobody payable: %v, want invalid", err)
	}
	if n := count(t, s, &models.PayoutRun{}, "account_id = ?", ps.account.ID); n != 0 {
		t.Fatalf("%d runs stored", n)
	}
}

// TestPayPalRunUnderFaultsPaysOnce: PayPal failing 30% of calls and
// carrying out others without answering, and the send stopped at any
// point and started again: every item ends paid or back in the balance,
// each is in PayPal's batch once, and the ledger equals what PayPal paid.
func TestPayPalRunUnderFaultsPaysOnce(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	emails := emailsLike(60, func(i int) string {
		switch i % 5 {
		case 1:
			return fmt.Sprintf("p%d+failed@example.com", i)
		case 2:
			return fmt.Sprintf("p%d+returned@example.com", i)
		}
		return fmt.Sprintf("p%d@example.com", i)
	})
	amounts := make([]int64, len(emails))
	for i := range amounts {
		amounts[i] = int64(101 + 37*i)
	}
	ps := newPayPalShop(t, s, emails, amounts)
	run := ps.start(t, "run-faults")
	ps.sb.SetFaults(sandbox.Faults{FailPercent: 30, TimeoutPercent: 15, Hang: 20 * time.Millisecond})
	sender := ps.sender(nil)
	var err error
	for try := range 200 {
		// Stopped after a growing while: before the create, after it, mid-poll.
		cctx, cancel := context.WithTimeout(ctx, time.Duration(try+1)*3*time.Millisecond)
		err = sender.Send(cctx, run.ID)
		cancel()
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("send never finished: %v", err)
	}
	ps.sb.SetFaults(sandbox.Faults{})
	ps.sendUntilSettled(t, sender, run.ID)
	v, err := s.GetPayPalRun(ctx, ps.account.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Waiting != 0 || v.Paid+v.Returned != v.Total {
		t.Fatalf("run: paid %d + returned %d of %d, %d waiting", v.Paid, v.Returned, v.Total, v.Waiting)
	}
	ps.checkExact(t, ps.paidByPayPal(t, run.ID))
}

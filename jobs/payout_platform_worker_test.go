package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestPlatformRunsRecoveredByTheWorker: a Stripe and a store-credit run
// whose calls were made but whose answers were lost (the process died
// before booking them) are found again by the worker once it starts: its
// sweeper queues their sends, and each affiliate ends paid once.
func TestPlatformRunsRecoveredByTheWorker(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1500}, []bool{true}, 1_000_00)
	stripeRun, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-crash")
	if err != nil {
		t.Fatal(err)
	}
	ss.sb.LoseTransferAnswers(100)
	if err := ss.sender().Send(ctx, stripeRun.ID); err == nil {
		t.Fatal("stripe send with its answer lost: no error")
	}
	ss.sb.LoseTransferAnswers(0)

	cs := newStoreCreditShop(t, s, []string{"ann@example.com"}, []int64{2500}, []string{"ann@example.com"})
	if _, err := cs.sender().FindCustomers(ctx, cs.account.ID, 10); err != nil {
		t.Fatal(err)
	}
	creditRun, _, err := s.StartStoreCreditRun(ctx, cs.account.ID, "credit-run-crash")
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.sb.LoseStoreCreditAnswers(creditShop, 1); err != nil {
		t.Fatal(err)
	}
	if err := cs.sender().Send(ctx, creditRun.ID); err == nil {
		t.Fatal("store credit send with its answer lost: no error")
	}

	url, queue := redisQueue(t)
	startWorker(t, s, url, jobs.Options{Queue: queue, ApproveEvery: 50 * time.Millisecond,
		Platforms:    map[string]platforms.Platform{platforms.Stripe: ss.adapter, platforms.Shopify: cs.adapter},
		PlatformSend: jobs.PlatformSendOptions{Lease: time.Nanosecond}})
	waitFor(t, "both runs settled", func() (bool, string) {
		a, err1 := s.GetPlatformRun(ctx, ss.account.ID, stripeRun.ID)
		b, err2 := s.GetPlatformRun(ctx, cs.account.ID, creditRun.ID)
		if err1 != nil || err2 != nil {
			return false, fmt.Sprint(err1, err2)
		}
		return a.Paid == 1500 && b.Paid == 2500, fmt.Sprintf("stripe %+v, store credit %+v", a.Items, b.Items)
	})
	if _, n := ss.received(); n[ss.affiliates[0]] != 1 {
		t.Errorf("%d transfers, want 1", n[ss.affiliates[0]])
	}
	if got := cs.credits(t, "ann@example.com"); !slices.Equal(got, []int64{2500}) {
		t.Errorf("credits %v, want 2500 once", got)
	}
	for _, aff := range []uint64{ss.affiliates[0], cs.affiliates[0]} {
		if _, _, _, sending := ledgerOf(t, s, aff); sending != 0 {
			t.Errorf("affiliate %d: %d entries still sending", aff, sending)
		}
	}
	if n := count(t, s, &models.PayoutSendItem{}, "state = ?", models.SendPaid); n != 2 {
		t.Errorf("%d items paid, want 2", n)
	}
}

// TestPlatformRunWithoutItsConnectionWaits: a run whose store was
// disconnected after it started pays nothing and says why on each payout;
// once connected again, the next send pays it.
func TestPlatformRunWithoutItsConnectionWaits(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ss := newStripeShop(t, s, []int64{1500}, []bool{true}, 1_000_00)
	run, _, err := s.StartStripeRun(ctx, ss.account.ID, "stripe-run-gone")
	if err != nil {
		t.Fatal(err)
	}
	conns, err := s.ListConnections(ctx, ss.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stripeConn models.Connection
	for _, c := range conns {
		if c.Platform == platforms.Stripe {
			stripeConn = c
		}
	}
	if err := s.UninstallConnection(ctx, stripeConn.ID); err != nil {
		t.Fatal(err)
	}
	if err := ss.sender().Send(ctx, run.ID); err == nil {
		t.Fatal("send without a Stripe connection: no error")
	}
	v, err := s.GetPlatformRun(ctx, ss.account.ID, run.ID)
	if err != nil || v.Items[0].State != models.SendPrepared || v.Items[0].LastError == "" || v.Items[0].Attempts != 0 {
		t.Fatalf("item %+v, %v; want prepared, not called, with the reason", v.Items, err)
	}
	creds, err := s.ReadCredentials(&stripeConn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InstallConnection(ctx, models.Install{AccountID: ss.account.ID, Platform: platforms.Stripe,
		ExternalID: ss.merchant, Credentials: creds, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	if err := ss.sender().Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	ss.checkReceivedOnce(t, 1500)
}

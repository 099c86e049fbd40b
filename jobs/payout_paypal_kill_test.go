package jobs_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// A worker SIGKILLed at the worst moment of a PayPal run (PayPal has
// accepted the batch, the worker never heard the answer, nothing was
// recorded) and started again pays every affiliate once: the new worker
// sends the run's stored sender_batch_id again, PayPal answers with the
// batch it already has, and the ledger equals what PayPal paid.
func TestKillWorkerMidPayPalRunPaysOnce(t *testing.T) {
	t.Parallel() // mostly waiting for asynq to give a dead worker's task back: the kill tests wait together
	ctx := context.Background()
	key := testdb.Key()
	cipher, err := models.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	s := models.NewStore(testdb.Postgres(t).DB(), cipher) // the workers decrypt PayPal's credentials with key
	url, queue := redisQueue(t)
	client := newClient(t, url, queue)
	dsn := schemaDSN(t, s)
	emails := emailsLike(120, func(i int) string {
		if i%9 == 4 {
			return fmt.Sprintf("p%d+failed@example.com", i)
		}
		return fmt.Sprintf("p%d@example.com", i)
	})
	amounts := make([]int64, len(emails))
	for i := range amounts {
		amounts[i] = int64(250 + 61*i)
	}
	ps := newPayPalShop(t, s, emails, amounts)

	// PayPal as the worker reaches it: the first batch create is carried
	// out, then the worker is killed before the answer reaches it.
	var creates int
	var mu sync.Mutex
	var first *child
	killed := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payments/payouts" {
			mu.Lock()
			creates++
			n := creates
			mu.Unlock()
			if n == 1 {
				ps.sb.ServeHTTP(httptest.NewRecorder(), r) // accepted by PayPal
				first.kill()
				close(killed)
				return
			}
		}
		ps.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	sweep := []string{childKey + "=" + hex.EncodeToString(key), childPayPalURL + "=" + front.URL, childSweepEvery + "=300ms", childSweepAge + "=1s"}
	first = startChild(t, "first-worker", dsn, url, queue, sweep...)
	run := ps.start(t, "run-kill")
	if err := client.EnqueuePayPalSend(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		t.Fatal("the worker never sent the batch")
	}
	if v, err := s.GetPayPalRun(ctx, ps.account.ID, run.ID); err != nil || v.Send.BatchID != "" {
		t.Fatalf("the killed worker recorded a batch it never heard of: %+v %v", v.Send, err)
	}

	second := startChild(t, "second-worker", dsn, url, queue, sweep...)
	deadline := time.Now().Add(5 * time.Minute) // asynq gives a dead worker's task back after its lease
	for {
		v, err := s.GetPayPalRun(ctx, ps.account.ID, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Total > 0 && v.Waiting == 0 && v.Paid+v.Returned == v.Total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run not finished after the restart: paid %d, returned %d of %d, %d waiting", v.Paid, v.Returned, v.Total, v.Waiting)
		}
		time.Sleep(100 * time.Millisecond)
	}
	second.stop(t)
	mu.Lock()
	t.Logf("batch creates PayPal received: %d", creates)
	mu.Unlock()
	paid := ps.paidByPayPal(t, run.ID) // fails on an item twice in the batch
	if len(paid) == 0 {
		t.Fatal("PayPal paid no one")
	}
	ps.checkExact(t, paid)
	if n := count(t, s, &models.LedgerEntry{}, "kind = ? AND status = ?", models.EntryPayout, models.EntryPaid); n != int64(len(paid)) {
		t.Errorf("%d paid payout entries for %d affiliates PayPal paid", n, len(paid))
	}
}

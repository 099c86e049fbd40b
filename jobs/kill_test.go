package jobs_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// Environment of the child worker process.
const (
	childEnv        = "CODECREDIT_WORKER_CHILD"
	childDSN        = "CODECREDIT_CHILD_DSN"
	childRedis      = "CODECREDIT_CHILD_REDIS"
	childQueue      = "CODECREDIT_CHILD_QUEUE"
	childSweepEvery = "CODECREDIT_CHILD_SWEEP_EVERY"
	childSweepAge   = "CODECREDIT_CHILD_SWEEP_AGE"
	childDrainers   = "CODECREDIT_CHILD_DRAINERS"
	childPayPalURL  = "CODECREDIT_CHILD_PAYPAL_URL"
	childKey        = "CODECREDIT_CHILD_KEY" // hex; the parent's store key, to read what it encrypted
)

// runChildWorker runs a worker as configured by the environment until its
// stdin closes (the parent ended it or died), then shuts down gracefully.
func runChildWorker() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, err := models.OpenPostgres(os.Getenv(childDSN))
	if err != nil {
		log.Error("open database", "error", err)
		return 2
	}
	key := testdb.Key()
	if k, err := hex.DecodeString(os.Getenv(childKey)); err == nil && len(k) > 0 {
		key = k
	}
	cipher, err := models.NewCipher(key)
	if err != nil {
		log.Error("cipher", "error", err)
		return 2
	}
	every, _ := time.ParseDuration(os.Getenv(childSweepEvery))
	age, _ := time.ParseDuration(os.Getenv(childSweepAge))
	drainers, _ := strconv.Atoi(os.Getenv(childDrainers))
	w, err := jobs.NewWorker(models.NewStore(db, cipher), os.Getenv(childRedis), jobs.Options{
		Queue: os.Getenv(childQueue), SweepEvery: every, SweepAge: age, Drainers: drainers, Logger: log,
		PayPal: jobs.PayPalOptions{BaseURL: os.Getenv(childPayPalURL), PollEvery: 20 * time.Millisecond},
	})
	if err == nil {
		err = w.Start()
	}
	if err != nil {
		log.Error("start worker", "error", err)
		return 2
	}
	io.Copy(io.Discard, os.Stdin)
	w.Shutdown()
	return 0
}

// child is a worker process started from the test binary.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   string
}

// startChild starts a worker process on dsn and queue; env adds settings.
func startChild(t testing.TB, name, dsn, url, queue string, env ...string) *child {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDSN+"="+dsn, childRedis+"="+url, childQueue+"="+queue)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, log: logPath}
	t.Cleanup(func() {
		c.kill()
		logFile.Close()
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("%s log:\n%s", name, out)
		}
	})
	return c
}

// kill ends the process at once, as a crash or an OOM kill would.
func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
	}
}

// stop asks the process to shut down gracefully and waits for it.
func (c *child) stop(t testing.TB) {
	t.Helper()
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("worker process: %v", err)
	}
}

// plan is the batch of the kill test, with the ledger computed independently.
type plan struct {
	events   []*models.WebhookEvent
	lost     int              // events stored but never enqueued
	net      map[string]int64 // order id → commission left after refunds
	reversed map[string]int64 // order id → commission reversed
	byAff    map[uint64]int64 // affiliate → ledger sum
}

// buildPlan stores orders (every 5th partly refunded, every 10th twice,
// every 7th otherwise cancelled), enqueueing all but the last `lost` events.
func buildPlan(t *testing.T, sh *shop, orders, lost int) *plan {
	p := &plan{lost: lost, net: map[string]int64{}, reversed: map[string]int64{}, byAff: map[uint64]int64{}}
	for i := range orders {
		id := fmt.Sprintf("o%d", i)
		subtotal := int64(1000 + (i*7919)%50000)
		aff := i % len(sh.codes)
		p.events = append(p.events, sh.storeOrder(t, order(id, sh.codes[aff], subtotal)))
		commission, refunded := tenPercent(subtotal), int64(0)
		switch {
		case i%5 == 0:
			refunded = p.refund(t, sh, id, 1, subtotal/3)
			if i%10 == 0 {
				refunded += p.refund(t, sh, id, 2, subtotal/4)
			}
			p.reversed[id] = mulDivHalfEven(commission, refunded, subtotal)
		case i%7 == 0:
			cancel := platforms.Refund{ExternalID: "c-" + id, OrderExternalID: id, CreatedAt: time.Now().UTC()}
			p.events = append(p.events, sh.storeJSON(t, "evt-c-"+id, api.TopicOrderCancelled, cancel))
			p.reversed[id] = commission
		}
		p.net[id] = commission - p.reversed[id]
		p.byAff[sh.affiliates[aff]] += p.net[id]
	}
	return p
}

// refund stores a partial refund event and returns its subtotal.
func (p *plan) refund(t *testing.T, sh *shop, orderID string, n int, subtotal int64) int64 {
	r := platforms.Refund{ExternalID: fmt.Sprintf("r-%s-%d", orderID, n), OrderExternalID: orderID,
		Currency: "USD", Subtotal: subtotal, CreatedAt: time.Now().UTC()}
	p.events = append(p.events, sh.storeJSON(t, "evt-"+r.ExternalID, api.TopicOrderRefunded, r))
	return subtotal
}

// schemaDSN is a DSN of the same PostgreSQL schema as s, for another process.
func schemaDSN(t testing.TB, s *models.Store) string {
	var schema string
	if err := s.DB().Raw("SELECT current_schema()").Scan(&schema).Error; err != nil || schema == "" {
		t.Fatalf("current schema %q: %v", schema, err)
	}
	base := testdb.PostgresURL()
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// Killing the worker (SIGKILL) in the middle of a stream of 10,003 events
// and restarting it leaves the ledger exact: nothing lost, nothing booked
// twice.
func TestKillWorkerMidBatchLeavesLedgerExact(t *testing.T) {
	t.Parallel() // mostly waiting for asynq to give a dead worker's task back: the kill tests wait together
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 5)
	client := newClient(t, url, queue)
	dsn := schemaDSN(t, s)

	const orders, lost = 7072, 100 // 10,003 events: orders, partial refunds, cancellations
	p := buildPlan(t, sh, orders, lost)
	total := int64(len(p.events))
	for _, ev := range p.events[:len(p.events)-lost] {
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
	}

	first := startChild(t, "first-worker", dsn, url, queue)
	waitProcessedWithin(t, s, total/5, longStreamTimeout)
	first.kill()
	done := count(t, s, &models.WebhookEvent{}, "processed_at IS NOT NULL")
	st, _ := client.Stats(ctx)
	t.Logf("killed the first worker after %d of %d events; queue then: %+v", done, total, st)
	if done >= total-lost {
		t.Fatalf("the first worker finished the batch (%d events) before it was killed", done)
	}

	second := startChild(t, "second-worker", dsn, url, queue,
		childSweepEvery+"=1s", childSweepAge+"=2s")
	waitProcessedWithin(t, s, total, longStreamTimeout)
	second.stop(t)
	assertLedgerExact(t, s, p, orders)
}

// assertLedgerExact compares the books with the plan.
func assertLedgerExact(t *testing.T, s *models.Store, p *plan, orders int) {
	t.Helper()
	var convs []models.Conversion
	if err := s.DB().Find(&convs).Error; err != nil {
		t.Fatal(err)
	}
	if len(convs) != orders {
		t.Errorf("conversions = %d, want %d", len(convs), orders)
	}
	for _, c := range convs {
		if c.Commission-c.ReversedCommission != p.net[c.ExternalOrderID] || c.ReversedCommission != p.reversed[c.ExternalOrderID] {
			t.Errorf("order %s: commission %d reversed %d, want net %d reversed %d",
				c.ExternalOrderID, c.Commission, c.ReversedCommission, p.net[c.ExternalOrderID], p.reversed[c.ExternalOrderID])
		}
	}
	var accruals int64
	err := s.DB().Model(&models.LedgerEntry{}).Where("kind = ?", models.EntryAccrual).
		Distinct("conversion_id").Count(&accruals).Error
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, &models.LedgerEntry{}, "kind = ?", models.EntryAccrual); n != int64(orders) || accruals != n {
		t.Errorf("accruals = %d for %d conversions, want one per order (%d)", n, accruals, orders)
	}
	got := ledgerByAffiliate(t, s)
	for aff, want := range p.byAff {
		if got[aff] != want {
			t.Errorf("affiliate %d: ledger sum = %d, want %d", aff, got[aff], want)
		}
	}
	if len(got) != len(p.byAff) {
		t.Errorf("ledger has affiliates %v, want %v", got, p.byAff)
	}
}

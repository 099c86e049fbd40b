package jobs_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models/testdb"
)

// privateRedis runs a redis-server of this test's own, so it can be killed
// and restarted without disturbing the other tests' Redis.
type privateRedis struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is required in CI (the fault test restarts its own Redis)")
		}
		t.Skip("redis-server not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &privateRedis{t: t, port: l.Addr().(*net.TCPAddr).Port}
	l.Close()
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *privateRedis) url() string { return "redis://127.0.0.1:" + strconv.Itoa(r.port) + "/0" }

func (r *privateRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.t.TempDir())
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(r.port)); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatal("private redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops Redis at once, losing every queued task (it keeps nothing on disk).
func (r *privateRedis) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}

// TestRedisRestartLosesNoEvent kills Redis in the middle of a stream of
// orders and refunds (its queue vanishes with it), keeps receiving while it
// is down, restarts it empty, and checks that the sweeper brings every
// stored event to the ledger exactly once.
func TestRedisRestartLosesNoEvent(t *testing.T) {
	s := testdb.Postgres(t)
	sh := newShop(t, s, 4)
	redis := startPrivateRedis(t)
	p := buildPlan(t, sh, 400, 0)
	startWorker(t, s, redis.url(), jobs.Options{SweepEvery: time.Second, SweepAge: 2 * time.Second})
	client := newClient(t, redis.url(), jobs.DefaultQueue)
	ctx := context.Background()
	half := len(p.events) / 2
	for _, ev := range p.events[:half] {
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
	}
	waitProcessed(t, s, 50)
	redis.kill()
	failed, down := 0, time.Now()
	for _, ev := range p.events[half:] { // received while Redis is down: stored, not queued
		// The webhook route gives an enqueue a short budget, then answers anyway.
		enq, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		if client.EnqueueEvent(enq, ev.ID) != nil {
			failed++
		}
		cancel()
	}
	if failed == 0 {
		t.Fatal("enqueueing succeeded with Redis down; the test did not cut Redis off")
	}
	downFor := time.Since(down)
	redis.start()
	up := time.Now()
	waitProcessed(t, s, int64(len(p.events)))
	t.Logf("receiving while Redis was down took %s; after the restart, all events were booked in %s", downFor, time.Since(up))
	assertLedgerExact(t, s, p, 400)
	t.Logf("%d events, %d enqueues failed while Redis was down", len(p.events), failed)
}

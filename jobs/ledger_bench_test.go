package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkWebhookToLedger feeds stored order events to the queue at a
// steady rate (BENCH_RATE per second, default 500) and measures how long
// each takes from arrival to its ledger entry (attribution lag), with a
// worker running BENCH_WORKERS jobs at once (default 4, as in production)
// on PostgreSQL and Redis. b.N is the number of orders. "per-event" books
// each delivery in its own task (no drainers); "batched" is the default
// worker, whose drainers book deliveries in batches.
//
//	BENCH_RATE=1000 go test -run '^$' -bench BenchmarkWebhookToLedger -benchtime 10000x ./jobs/
func BenchmarkWebhookToLedger(b *testing.B) {
	b.Run("per-event", func(b *testing.B) { webhookToLedger(b, -1) })
	b.Run("batched", func(b *testing.B) { webhookToLedger(b, 0) })
}

func webhookToLedger(b *testing.B, drainers int) {
	rate := 500
	if v, err := strconv.Atoi(os.Getenv("BENCH_RATE")); err == nil && v > 0 {
		rate = v
	}
	workers := 4
	if v, err := strconv.Atoi(os.Getenv("BENCH_WORKERS")); err == nil && v > 0 {
		workers = v
	}
	s := testdb.Postgres(b)
	sh := newShop(b, s, 4)
	url := "redis://" + testdb.RedisAddr(b) + "/0"
	queue := testdb.Name("bench_")
	w, err := jobs.NewWorker(s, url, jobs.Options{Queue: queue, Concurrency: workers, Drainers: drainers,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Shutdown()
	client := w.Client()
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	// Deliveries arrive on a clock, as webhooks do, each handled by its own
	// goroutine (at most 64 at once, as the ingest benchmark's senders), like
	// the web server's requests.
	// Each delivery is due at start + i/rate: a sender that falls behind
	// catches up instead of dropping ticks as a time.Ticker does, so the
	// rate asked is the rate offered unless all 64 slots are busy.
	interval := time.Second / time.Duration(rate)
	slots := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		slots <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-slots; wg.Done() }()
			ev := sh.storeOrder(b, order(fmt.Sprintf("b%d", i), sh.codes[i%4], int64(1000+i)))
			if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
				b.Error(err)
			}
		}(i)
	}
	wg.Wait()
	offered := float64(b.N) / time.Since(start).Seconds() // below rate when the machine cannot send faster
	for count(b, s, &models.WebhookEvent{}, "processed_at IS NOT NULL") < int64(b.N) {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	var evs []models.WebhookEvent
	s.DB().Select("received_at", "processed_at").Find(&evs)
	lags := make([]time.Duration, 0, len(evs))
	for _, e := range evs {
		lags = append(lags, e.ProcessedAt.Sub(e.ReceivedAt))
	}
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	booked := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(booked, "orders/s")
	b.ReportMetric(offered, "offered/s")
	if b.N > 1 { // not in the calibration run
		// Baseline: one durable single-row insert per order, from as many
		// clients as the worker runs jobs, is the database's own ceiling.
		tps := testdb.PgbenchInsertRate(b, workers)
		b.ReportMetric(tps, "pgbench-tps")
		b.ReportMetric(booked/tps, "x-pgbench")
	}
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99-ms")
}

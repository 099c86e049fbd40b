package jobs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// storeBacklog stores n paid-order deliveries for sh's codes in turn with
// one INSERT ... SELECT, as a retry backlog sits in the table: stored,
// never queued. Order ids are prefix1 … prefixN.
func storeBacklog(b testing.TB, sh *shop, n int, prefix string) {
	b.Helper()
	storeBacklogOf(b, sh, n, prefix, order("ORDERID", "CODEX", 10000))
}

// storeBacklogOf is storeBacklog with o for a template: its ExternalID
// "ORDERID" and its code "CODEX" are replaced in each delivery.
func storeBacklogOf(b testing.TB, sh *shop, n int, prefix string, o platforms.Order) {
	b.Helper()
	tmpl, err := json.Marshal(o)
	if err != nil {
		b.Fatal(err)
	}
	for done := 0; done < n; done += 100000 { // 100,000 rows per statement
		err := sh.store.DB().Exec(`INSERT INTO webhook_events
			(account_id, connection_id, platform, topic, external_event_id, body, received_at, attempts, last_error)
			SELECT ?, ?, ?, ?, 'evt-' || ? || g, convert_to(replace(replace(?, 'ORDERID', ? || g), 'CODEX', (ARRAY[?, ?, ?, ?])[g % 4 + 1]), 'UTF8'), now(), 0, ''
			FROM generate_series(?::bigint, ?::bigint) AS g`,
			sh.account.ID, sh.conn.ID, "api", api.TopicOrderPaid, prefix, string(tmpl), prefix,
			sh.codes[0], sh.codes[1], sh.codes[2], sh.codes[3], done+1, min(done+100000, n)).Error
		if err != nil {
			b.Fatal(err)
		}
	}
}

// untriedLeft counts the stored deliveries nobody has tried yet.
func untriedLeft(b testing.TB, s *models.Store) int64 {
	return count(b, s, &models.WebhookEvent{}, "processed_at IS NULL AND dead_at IS NULL AND attempts = 0")
}

// apiRoute routes stored API deliveries as the worker does for its
// default platforms.
func apiRoute(ev *models.WebhookEvent) models.EventRoute {
	evs, err := api.Platform{}.ParseWebhook(ev.Topic, ev.Body)
	if err != nil || len(evs) != 1 || evs[0].Order == nil {
		return models.EventRoute{}
	}
	return models.EventRoute{Order: evs[0].Order}
}

// BenchmarkEngine is the attribution engine alone on b.N stored paid-order
// deliveries, without queue or worker: "one-by-one" books each with
// BookOrderDelivery (its transaction marks the delivery) from 4 callers, as
// the worker's 4 task slots did; "batch" books them with BookEventBatch
// from 2 callers, as the worker's 2 drainers do.
//
//	go test -run '^$' -bench BenchmarkEngine -benchtime 20000x ./jobs/
func BenchmarkEngine(b *testing.B) {
	b.Run("one-by-one", func(b *testing.B) {
		s := testdb.Postgres(b)
		sh := newShop(b, s, 4)
		storeBacklog(b, sh, b.N, "e")
		engineOneByOne(b, s)
	})
	b.Run("batch", func(b *testing.B) {
		s := testdb.Postgres(b)
		sh := newShop(b, s, 4)
		storeBacklog(b, sh, b.N, "e")
		engineRun(b, s, 2, drainAll(b, s), func() {})
	})
}

// drainAll books stored deliveries in batches of 200 until none is left,
// as a worker's drainer does.
func drainAll(b *testing.B, s *models.Store) func() {
	return func() {
		for {
			res, err := s.BookEventBatch(context.Background(), 200, apiRoute)
			if err != nil {
				b.Error(err)
			}
			if err != nil || res.Claimed == 0 {
				return
			}
		}
	}
}

// engineOneByOne books every stored delivery with BookOrderDelivery from
// 4 callers, as the worker's 4 task slots did, timed by engineRun.
func engineOneByOne(b *testing.B, s *models.Store) {
	var evs []models.WebhookEvent
	if err := s.DB().Order("id").Find(&evs).Error; err != nil {
		b.Fatal(err)
	}
	next := make(chan *models.WebhookEvent)
	engineRun(b, s, 4, func() {
		for ev := range next {
			if _, err := s.BookOrderDelivery(context.Background(), ev.ID, ev.ConnectionID, *apiRoute(ev).Order); err != nil {
				b.Error(err)
			}
		}
	}, func() {
		for i := range evs {
			next <- &evs[i]
		}
		close(next)
	})
}

// engineRun times callers running book while feed runs, and checks that
// every order was booked once.
func engineRun(b *testing.B, s *models.Store, callers int, book, feed func()) {
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() { defer wg.Done(); book() }()
	}
	feed()
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	if n := count(b, s, &models.Conversion{}, "1 = 1"); n != int64(b.N) {
		b.Fatalf("conversions = %d, want %d", n, b.N)
	}
	if n := untriedLeft(b, s); n != 0 {
		b.Fatalf("%d deliveries left", n)
	}
}

// BenchmarkBacklogDrain stores a backlog of b.N paid-order deliveries that
// were never queued (a retry backlog, a Redis outage) and drains it with
// worker processes of their own (the test binary as a worker), one or
// two, on PostgreSQL and Redis; it reports orders/s (from the processes'
// start), running-orders/s (from the first booked batch on) and the
// largest peak RSS (VmHWM) of a worker process.
//
//	go test -run '^$' -bench BenchmarkBacklogDrain -benchtime 1000000x -timeout 60m ./jobs/
func BenchmarkBacklogDrain(b *testing.B) {
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
			s := testdb.Postgres(b)
			sh := newShop(b, s, 4)
			url, queue := redisQueue(b)
			storeBacklog(b, sh, b.N, "d")
			dsn := schemaDSN(b, s)
			b.ResetTimer()
			start := time.Now()
			var kids []*child
			for i := range procs {
				kids = append(kids, startChild(b, fmt.Sprintf("worker-%d", i), dsn, url, queue))
			}
			// Running: from the first booked batch on, without process start-up.
			var first time.Time
			var firstLeft int64
			for left := untriedLeft(b, s); left > 0; left = untriedLeft(b, s) {
				if first.IsZero() && left < int64(b.N) {
					first, firstLeft = time.Now(), left
				}
				time.Sleep(100 * time.Millisecond)
			}
			elapsed := time.Since(start)
			if !first.IsZero() {
				b.ReportMetric(float64(firstLeft)/time.Since(first).Seconds(), "running-orders/s")
			}
			b.StopTimer()
			peak := 0
			for _, k := range kids {
				peak = max(peak, peakRSSKB(b, k.cmd.Process.Pid))
				k.stop(b)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
			b.ReportMetric(float64(peak)/1024, "peak-rss-MB")
			if n := count(b, s, &models.Conversion{}, "1 = 1"); n != int64(b.N) {
				b.Fatalf("conversions = %d, want %d", n, b.N)
			}
		})
	}
}

// peakRSSKB reads a process's peak resident set size (VmHWM) in KiB.
func peakRSSKB(b testing.TB, pid int) int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb
		}
	}
	b.Fatal("no VmHWM in /proc/" + strconv.Itoa(pid) + "/status")
	return 0
}

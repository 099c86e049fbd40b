package handlers_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// BenchmarkWebhookIngest measures the webhook hot path over real HTTP:
// signature check (HMAC-SHA256 over a 3 KB order body) + raw event stored in
// PostgreSQL + job enqueued in Redis, from 64 concurrent senders.
//
//	go test -run '^$' -bench BenchmarkWebhookIngest -benchtime 20000x ./handlers/
func BenchmarkWebhookIngest(b *testing.B) {
	store := testdb.Postgres(b)
	q, err := jobs.NewClient("redis://"+testdb.RedisAddr(b)+"/0", testdb.Name("bench_"))
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: store, Jobs: q, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Platforms:  map[string]platforms.Platform{"appwide": hmacPlatform{"appwide"}},
		AppSecrets: map[string][]byte{"appwide": []byte("app-secret")}})
	if _, err := store.InstallConnection(context.Background(), models.Install{Platform: "appwide", ExternalID: "a.example"}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	body := []byte(`{"order":"` + strings.Repeat("x", 3000) + `"}`)
	sig := base64.StdEncoding.EncodeToString(sign([]byte("app-secret"), body))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	lat := make([]time.Duration, b.N)
	send := func(record bool) {
		i := n.Add(1) - 1
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/appwide", strings.NewReader(string(body)))
		req.Header.Set("X-Test-Store", "a.example")
		req.Header.Set("X-Test-Topic", "orders/paid")
		req.Header.Set("X-Test-Event", fmt.Sprint(i))
		req.Header.Set("X-Test-Hmac", sig)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Errorf("delivery %d: %v %v", i, err, resp)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if record {
			lat[i-ingestWarmup] = time.Since(start)
		}
	}
	// Warm up: open the 64 connections and the database pool, as a
	// running server has them.
	sendAll(ingestWarmup, func() { send(false) })
	b.ResetTimer()
	start := time.Now()
	sendAll(b.N, func() { send(true) })
	elapsed := time.Since(start)
	b.StopTimer()
	var baseline float64
	if b.N >= ingestWarmup { // not in the calibration run; after the load, so neither disturbs the other
		baseline = testdb.PgbenchInsertRate(b, 64)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "req/s")
	if baseline > 0 {
		b.ReportMetric(baseline, "pgbench-tps")
		b.ReportMetric(rate/baseline, "x-pgbench")
	}
	b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[b.N*99/100].Microseconds())/1000, "p99-ms")
}

// ingestWarmup deliveries go before the measured ones.
const ingestWarmup = 1000

// sendAll runs send n times from 64 concurrent senders.
func sendAll(n int, send func()) {
	var wg sync.WaitGroup
	work := make(chan struct{})
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				send()
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
}

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
)

// BenchmarkWebProcessRSS measures the memory of `server web` as a separate
// process while 64 concurrent senders deliver b.N signed Shopify
// orders/paid webhooks (~3.5 KB, one discount code) to it: the web process
// verifies each, stores it in PostgreSQL (a fresh database) and enqueues it
// in Redis (an empty Redis database). No worker runs. It reports the
// child's VmRSS once ready (idle-rss-MB), its VmHWM after the load
// (peak-rss-MB), the largest VmRSS sampled every 50 ms (max-sampled-rss-MB),
// the delivery rate (req/s) and how many stored deliveries are not on the
// queue (unqueued: their enqueue missed its budget; the sweeper's job).
// Every delivery must be answered 200 and stored. The target is a peak of
// at most 150 MB.
//
//	go test -run '^$' -bench BenchmarkWebProcessRSS -benchtime 50000x ./server/
func BenchmarkWebProcessRSS(b *testing.B) {
	key := testdb.Key()
	dsn := freshDatabase(b)
	store := installRSSShop(b, dsn, key)
	port := freePort(b)
	base := "http://127.0.0.1:" + port
	redisURL := emptyRedisDB(b)
	env := cleanEnv("DATABASE_URL="+dsn, "REDIS_URL="+redisURL,
		"ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(key), "DATA_DIR="+b.TempDir(), "PORT="+port,
		"SHOPIFY_API_KEY=rss-bench-key", "SHOPIFY_API_SECRET="+rssSecret)
	web := startServer(b, env, "web")
	web.waitReady(b, base)
	pid := web.cmd.Process.Pid
	idle := statusKB(pid, "VmRSS")
	body := rssOrderBody(b)

	stop := sampleRSS(pid)
	b.ResetTimer()
	start := time.Now()
	deliverAll(b, base+"/webhooks/shopify", body)
	elapsed := time.Since(start)
	b.StopTimer()
	maxRSS := stop()
	hwm := statusKB(pid, "VmHWM")
	if idle == 0 || hwm == 0 || maxRSS == 0 {
		b.Fatalf("cannot read /proc/%d/status: idle %d, VmHWM %d, max VmRSS %d kB", pid, idle, hwm, maxRSS)
	}
	var stored int64
	if err := store.DB().Model(&models.WebhookEvent{}).Count(&stored).Error; err != nil || stored != int64(b.N) {
		b.Fatalf("%d events stored, want %d (%v)", stored, b.N, err)
	}
	b.ReportMetric(float64(b.N-pendingJobs(b, redisURL)), "unqueued")
	b.ReportMetric(float64(idle)/1024, "idle-rss-MB")
	b.ReportMetric(float64(hwm)/1024, "peak-rss-MB")
	b.ReportMetric(float64(maxRSS)/1024, "max-sampled-rss-MB")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(0, "ns/op") // the inverse of req/s; hidden
	web.stop(b)
}

const (
	rssShop    = "rss-bench.myshopify.com" // the connected store
	rssSecret  = "rss-bench-app-secret"    // the app secret deliveries are signed with
	rssSenders = 64                        // deliveries in flight at once
	// rssOrderID is the order id in the recorded body; each delivery
	// replaces it with its own id of the same length.
	rssOrderID = "820982911946154513"
)

// freshDatabase creates an empty PostgreSQL database, dropped (with any
// connection left to it) when the benchmark ends, and returns its URL.
func freshDatabase(b *testing.B) string {
	b.Helper()
	base := testdb.PostgresURL()
	admin, err := models.OpenPostgres(base) // gorm pings on open
	if err != nil {
		b.Fatalf("PostgreSQL at %s not reachable: %v", base, err)
	}
	name := testdb.Name("codecredit_rss_")
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
			b.Errorf("drop database %s: %v", name, err)
		}
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// installRSSShop migrates the database as the server does (Store.Migrate)
// and connects the Shopify store the deliveries come from, encrypting with
// key as the server will. The store stays open until the benchmark ends.
func installRSSShop(b *testing.B, dsn string, key []byte) *models.Store {
	b.Helper()
	db, err := models.OpenPostgres(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	cipher, err := models.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	store := models.NewStore(db, cipher)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := store.InstallConnection(ctx, models.Install{Platform: platforms.Shopify, ExternalID: rssShop,
		Credentials: models.Credentials{"access_token": "shpat_rss_bench"}, Currency: "EUR",
		ShopName: "RSS Bench", Email: "owner@rss-bench.example"}); err != nil {
		b.Fatal(err)
	}
	return store
}

// emptyRedisDB returns the URL of a Redis database (1 to 15, not 13, which
// other tests use) holding no keys, flushed when the benchmark ends; the
// web process enqueues on the default queue there.
func emptyRedisDB(b *testing.B) string {
	b.Helper()
	addr := testdb.RedisAddr(b)
	for n := 15; n >= 1; n-- {
		if n == 13 {
			continue
		}
		rdb := redis.NewClient(&redis.Options{Addr: addr, DB: n})
		size, err := rdb.DBSize(context.Background()).Result()
		if err != nil || size != 0 {
			rdb.Close()
			continue
		}
		b.Cleanup(func() {
			rdb.FlushDB(context.Background())
			rdb.Close()
		})
		return "redis://" + addr + "/" + strconv.Itoa(n)
	}
	b.Fatal("no empty Redis database among 1-15")
	return ""
}

// pendingJobs is the number of tasks waiting on the web process's queue.
// Deliveries whose enqueue missed its budget are stored but not there
// (the sweeper queues them later).
func pendingJobs(b *testing.B, redisURL string) int {
	q, err := jobs.NewClient(redisURL, jobs.DefaultQueue)
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	st, err := q.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return st.Pending
}

// statusKB reads one field (VmRSS, VmHWM) of /proc/pid/status, in kB;
// 0 when it cannot.
func statusKB(pid int, field string) int64 {
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// sampleRSS reads the VmRSS of pid every 50 ms until stop, which returns
// the largest value read, in kB.
func sampleRSS(pid int) (stop func() int64) {
	quit, peak := make(chan struct{}), make(chan int64)
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var most int64
		for {
			most = max(most, statusKB(pid, "VmRSS"))
			select {
			case <-quit:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 { close(quit); return <-peak }
}

// rssOrderBody is a documented-shape orders/paid body with one discount
// code (the recorded EUR order with tax-inclusive prices), compacted as
// Shopify sends it: about 3.5 KB.
func rssOrderBody(b *testing.B) []byte {
	b.Helper()
	raw, err := os.ReadFile("../platforms/shopify/testdata/orders_paid_taxes_included.json")
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		b.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(rssOrderID)) || !bytes.Contains(buf.Bytes(), []byte(`"discount_codes":[{`)) {
		b.Fatalf("orders_paid_taxes_included.json: no order id %s or no discount code", rssOrderID)
	}
	return buf.Bytes()
}

// deliverAll sends b.N deliveries of distinct orders from rssSenders
// concurrent senders over kept-alive connections, each signed with the
// app secret; every one must be answered 200.
func deliverAll(b *testing.B, endpoint string, body []byte) {
	client := &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: rssSenders, MaxIdleConnsPerHost: rssSenders}}
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range rssSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(b.N) && !b.Failed(); i = next.Add(1) - 1 {
				if err := deliver(client, endpoint, body, i); err != nil {
					b.Errorf("delivery %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
}

// deliver sends delivery i as Shopify would.
func deliver(client *http.Client, endpoint string, template []byte, i int64) error {
	id := fmt.Sprintf("%018d", 900000000000000000+i)
	body := bytes.ReplaceAll(template, []byte(rssOrderID), []byte(id))
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	event := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	req.Header = http.Header{
		"Content-Type":           {"application/json"},
		"User-Agent":             {"Shopify-Captain-Hook"},
		shopify.HeaderTopic:      {shopify.TopicOrdersPaid},
		shopify.HeaderHmac:       {base64.StdEncoding.EncodeToString(shopify.Sign(body, []byte(rssSecret)))},
		shopify.HeaderShopDomain: {rssShop},
		shopify.HeaderAPIVersion: {shopify.APIVersion},
		shopify.HeaderWebhookID:  {fmt.Sprintf("00000000-0000-4000-9000-%012d", i)},
		shopify.HeaderEventID:    {event},
		"X-Shopify-Triggered-At": {time.Now().UTC().Format(time.RFC3339Nano)},
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(answer, []byte(`"duplicate":false`)) {
		return fmt.Errorf("answered %d %s", resp.StatusCode, answer)
	}
	return nil
}

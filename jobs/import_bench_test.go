package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// BenchmarkShopifyImport imports 100,000 codes from the Shopify sandbox
// through the production path — EnqueueImport, the worker's import job,
// the Shopify adapter over HTTP (go-shopify, the rebasing client), the
// upserts into real PostgreSQL — with the sandbox throttling like Shopify
// does a Plus store: a leaky bucket of 20,000 points restoring 1,000 a
// second. BENCH_RESTORE_RATE sets another plan's rate (Standard 100,
// Advanced 200, enterprise 2,000), the bucket holding 20 seconds of it;
// BENCH_CODES another number of codes.
//
// The store looks like a large affiliate shop: 80% of its codes in 4
// discounts of bulk-generated unique codes (20,000 each), 15% in
// influencer batches of 250 codes (60), and 5% in single-code discounts
// (5,000: percentage, fixed amount, free shipping, buy-one-get-one), the
// big ones spread among the small ones as a shop's history mixes them.
//
// Elapsed is wall time from enqueueing the import to seeing it done. The
// throttle allows at most bucket + restore × elapsed points in that time,
// so with the sandbox's count of the points actually charged (the actual
// cost of every query that ran):
//
//	cost/code         = points spent / codes
//	codes/s           = codes / elapsed
//	allowance-codes/s = (bucket + restore × elapsed) / (cost/code) / elapsed
//	x-allowance       = codes/s ÷ allowance-codes/s
//	                  = points spent / (bucket + restore × elapsed)
//
// Every code must be in PostgreSQL afterwards. The import pages whatever
// the size (the bulk path is BenchmarkImportBulkVsPaginated's). Run it with
//
//	go test -run '^$' -bench BenchmarkShopifyImport -benchtime 1x -timeout 30m ./jobs/
func BenchmarkShopifyImport(b *testing.B) {
	codes := int(envNumber(b, "BENCH_CODES", 100_000))
	restore := envNumber(b, "BENCH_RESTORE_RATE", 1000)
	newImportBench(b).imports(b, restore, codes, 0, -1)
}

// importBench is the PostgreSQL store and the queue the import benchmarks
// share across their runs.
type importBench struct {
	store      *models.Store
	url, queue string
	client     *jobs.Client
}

func newImportBench(b testing.TB) *importBench {
	b.Helper()
	ib := &importBench{store: testdb.Postgres(b)}
	ib.url, ib.queue = redisQueue(b)
	var err error
	if ib.client, err = jobs.NewClient(ib.url, ib.queue); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ib.client.Close() })
	return ib
}

// imports times b.N imports of a fresh shop of codes codes each (shops
// numbered from first), importing in bulk from bulkThreshold codes, and
// reports the metrics above.
func (ib *importBench) imports(b *testing.B, restore float64, codes, first, bulkThreshold int) {
	var total benchTotals
	for i := range b.N {
		b.StopTimer()
		w := newImportWorld(b, ib.store, ib.url, ib.queue, restore, codes, first+i, bulkThreshold)
		b.StartTimer()
		elapsed := w.run(b, ib.client)
		b.StopTimer()
		w.check(b, codes)
		total.add(b, w, elapsed, codes)
		w.close()
	}
	total.report(b)
}

// importWorld is a sandbox with one seeded shop, the worker importing from
// it and the shop's connection.
type importWorld struct {
	sb     *sandbox.Sandbox
	shop   string
	store  *models.Store
	conn   *models.Connection
	worker *jobs.Worker
	ad     *shopify.Adapter
	pc     *platforms.Conn
}

// newImportWorld seeds a shop with codes codes; the adapter imports in
// bulk from bulkThreshold codes (negative: never).
func newImportWorld(b testing.TB, store *models.Store, url, queue string, restore float64, codes, n, bulkThreshold int) *importWorld {
	b.Helper()
	ctx := context.Background()
	w := &importWorld{store: store, shop: fmt.Sprintf("bench-store-%d.myshopify.com", n)}
	w.sb = sandbox.New(sandbox.Options{Logger: quietLog(), GraphQLRestoreRate: restore})
	w.sb.AddShop(w.shop, "USD")
	seedLargeShop(b, w.sb, w.shop, codes)
	base, err := w.sb.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ad := shopify.New(shopify.Config{APIKey: sandbox.DefaultAPIKey, APISecret: sandbox.DefaultAPISecret,
		AppURL: "http://127.0.0.1:1", BaseURL: base, BulkThreshold: bulkThreshold})
	pc, err := ad.ExchangeSessionToken(ctx, w.shop, w.sb.MintSessionToken(w.shop, time.Minute))
	if err != nil {
		b.Fatal(err)
	}
	acct, err := store.CreateAccount(ctx, "Bench", fmt.Sprintf("owner%d@example.com", n), "USD")
	if err != nil {
		b.Fatal(err)
	}
	w.conn, err = store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Shopify,
		ExternalID: w.shop, Credentials: models.Credentials(pc.Credentials), Currency: "USD"})
	if err != nil {
		b.Fatal(err)
	}
	w.ad, w.pc = ad, pc
	w.worker, err = jobs.NewWorker(store, url, jobs.Options{Queue: queue, Logger: quietLog(),
		Platforms: map[string]platforms.Platform{platforms.Shopify: ad}})
	if err == nil {
		err = w.worker.Start()
	}
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// run enqueues the import and returns how long it took to be done.
func (w *importWorld) run(b testing.TB, client *jobs.Client) time.Duration {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	if err := client.EnqueueImport(ctx, w.conn.ID); err != nil {
		b.Fatal(err)
	}
	for deadline := start.Add(60 * time.Minute); ; {
		c, err := w.store.GetConnection(ctx, w.conn.ID)
		if err != nil {
			b.Fatal(err)
		}
		if c.ImportState == models.ImportDone {
			return time.Since(start)
		}
		if c.ImportState == models.ImportFailed || time.Now().After(deadline) {
			b.Fatalf("import %s at %d/%d", c.ImportState, c.ImportDone, c.ImportTotal)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// check fails the benchmark unless every seeded code is in PostgreSQL.
func (w *importWorld) check(b testing.TB, codes int) {
	b.Helper()
	var n int64
	err := w.store.DB().Model(&models.Code{}).Where("connection_id = ? AND source = ?", w.conn.ID, models.SourceImported).Count(&n).Error
	if err != nil {
		b.Fatal(err)
	}
	c, _ := w.store.GetConnection(context.Background(), w.conn.ID)
	if n != int64(codes) || c.ImportDone != codes || c.ImportTotal != codes {
		b.Fatalf("%d codes in PostgreSQL, progress %d/%d; want %d", n, c.ImportDone, c.ImportTotal, codes)
	}
}

func (w *importWorld) close() {
	w.worker.Shutdown()
	w.sb.Close()
}

// seedLargeShop creates the shop's discounts, codes codes in all, through
// the sandbox's merchant API, so ids, statuses and values are its own.
func seedLargeShop(b testing.TB, sb *sandbox.Sandbox, shop string, codes int) {
	b.Helper()
	bulk, batches := codes*80/100, codes*15/100
	big, singles := bigDiscounts(bulk, batches), singleCodes(codes-bulk-batches)
	step := max(1, len(singles)/max(1, len(big)))
	for i := 0; len(big) > 0 || len(singles) > 0; i++ {
		var spec sandbox.DiscountSpec
		if i%(step+1) == 0 && len(big) > 0 {
			spec, big = big[0], big[1:]
		} else if len(singles) > 0 {
			spec, singles = singles[0], singles[1:]
		} else {
			spec, big = big[0], big[1:]
		}
		if _, err := sb.CreateDiscount(shop, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// bigDiscounts spreads bulk codes over 4 discounts and batches over
// discounts of 250 codes.
func bigDiscounts(bulk, batches int) []sandbox.DiscountSpec {
	var out []sandbox.DiscountSpec
	for i := range 4 {
		n := bulk / 4
		if i == 3 {
			n += bulk % 4
		}
		out = append(out, sandbox.DiscountSpec{Title: fmt.Sprintf("Loyalty wave %d (15%%)", i+1),
			Kind: sandbox.KindPercentage, Value: 1500, Codes: benchCodes(fmt.Sprintf("LOY%d-", i+1), n)})
	}
	for i := 0; batches > 0; i++ {
		n := min(250, batches)
		batches -= n
		out = append(out, sandbox.DiscountSpec{Title: fmt.Sprintf("Influencer batch %d (20%%)", i+1),
			Kind: sandbox.KindPercentage, Value: 2000, OncePerCustomer: true, Codes: benchCodes(fmt.Sprintf("INF%d-", i+1), n)})
	}
	return out
}

// singleCodes are n discounts of one code each, of every kind.
func singleCodes(n int) []sandbox.DiscountSpec {
	kinds := []string{sandbox.KindPercentage, sandbox.KindPercentage, sandbox.KindFixedAmount, sandbox.KindFreeShipping, sandbox.KindBxgy}
	out := make([]sandbox.DiscountSpec, n)
	for i := range out {
		out[i] = sandbox.DiscountSpec{Title: fmt.Sprintf("Creator %d", i+1), Kind: kinds[i%len(kinds)],
			Codes: []string{fmt.Sprintf("CREATOR%05d", i+1)}}
		switch out[i].Kind {
		case sandbox.KindPercentage:
			out[i].Value = int64(500 * (1 + i%6))
		case sandbox.KindFixedAmount:
			out[i].Value = 1000
		}
	}
	return out
}

// benchCodes makes n unique codes with prefix, e.g. "LOY1-000042".
func benchCodes(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i+1)
	}
	return out
}

// benchTotals sums the runs' numbers; allowed is the points the throttle
// allowed in their elapsed time.
type benchTotals struct {
	codes, spent, throttled int
	elapsed                 time.Duration
	allowed                 float64
}

func (t *benchTotals) add(b *testing.B, w *importWorld, elapsed time.Duration, codes int) {
	b.Helper()
	u, err := w.sb.GraphQLUsage(w.shop)
	if err != nil {
		b.Fatal(err)
	}
	t.codes, t.spent, t.throttled = t.codes+codes, t.spent+u.Spent, t.throttled+u.Throttled
	t.elapsed += elapsed
	t.allowed += u.BucketSize + u.RestoreRate*elapsed.Seconds()
	b.Logf("%d codes in %s: %d queries (%d throttled), %d points spent of %d requested; bucket %.0f, restore %.0f/s; first to last query %s",
		codes, elapsed.Round(time.Millisecond), u.Queries, u.Throttled, u.Spent, u.Requested,
		u.BucketSize, u.RestoreRate, u.Last.Sub(u.First).Round(time.Millisecond))
}

// report gives the doc comment's metrics and the raw numbers per import.
func (t *benchTotals) report(b *testing.B) {
	secs := t.elapsed.Seconds()
	costPerCode := float64(t.spent) / float64(t.codes)
	allowance := t.allowed / costPerCode / secs
	b.ReportMetric(float64(t.codes)/secs, "codes/s")
	b.ReportMetric(allowance, "allowance-codes/s")
	b.ReportMetric(float64(t.spent)/t.allowed, "x-allowance")
	b.ReportMetric(costPerCode, "points/code")
	b.ReportMetric(float64(t.spent)/float64(b.N), "points-spent/op")
	b.ReportMetric(secs/float64(b.N), "s/import")
	b.ReportMetric(float64(t.throttled)/float64(b.N), "throttled/op")
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// envNumber reads a positive number from the environment, def when unset.
func envNumber(b *testing.B, name string, def float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return f
}

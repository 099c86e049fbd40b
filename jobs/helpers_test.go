package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// TestMain doubles as the worker process of the kill test: with
// CODECREDIT_WORKER_CHILD=1 the test binary runs a worker instead of tests.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChildWorker())
	}
	os.Exit(m.Run())
}

// waitTimeout bounds every wait; reaching it is a failure, not a timing assertion.
const waitTimeout = 2 * time.Minute

// longStreamTimeout is how long a test of 10,000 events waits for them.
const longStreamTimeout = 8 * time.Minute

// redisQueue returns the Redis URL and a fresh queue name, deleted from
// Redis when the test ends.
func redisQueue(t testing.TB) (string, string) {
	t.Helper()
	url := "redis://" + testdb.RedisAddr(t) + "/0"
	queue := testdb.Name("jobs_test_")
	t.Cleanup(func() {
		opt, err := asynq.ParseRedisURI(url)
		if err != nil {
			return
		}
		insp := asynq.NewInspector(opt)
		defer insp.Close()
		insp.DeleteQueue(queue, true)
	})
	return url, queue
}

// shop is an account with its API connection and affiliates with one code each.
type shop struct {
	store      *models.Store
	account    *models.Account
	conn       *models.Connection
	affiliates []uint64 // affiliate ids, index i owns codes[i]
	codes      []string
}

// newShop creates an account, its API connection and n affiliates with codes.
func newShop(t testing.TB, s *models.Store, n int) *shop {
	t.Helper()
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, "Shop", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.APIConnection(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	sh := &shop{store: s, account: a, conn: c}
	for i := range n {
		aff := models.Affiliate{AccountID: a.ID, Name: fmt.Sprintf("Affiliate %d", i),
			Email: fmt.Sprintf("aff%d@example.com", i), Status: models.AffiliateActive}
		if err := s.DB().Create(&aff).Error; err != nil {
			t.Fatal(err)
		}
		code := fmt.Sprintf("PARTNER%d", i)
		row := models.Code{AccountID: a.ID, Code: code, Normalized: models.NormalizeCode(code),
			Source: models.SourceManual, AffiliateID: &aff.ID, Active: true}
		if err := s.DB().Create(&row).Error; err != nil {
			t.Fatal(err)
		}
		sh.affiliates = append(sh.affiliates, aff.ID)
		sh.codes = append(sh.codes, code)
	}
	return sh
}

// order is a paid order of subtotal minor units carrying code.
func order(id, code string, subtotal int64) platforms.Order {
	return platforms.Order{ExternalID: id, Codes: []string{code}, Currency: "USD",
		Subtotal: subtotal, Total: subtotal, CustomerEmail: "customer-" + id + "@example.com",
		PlacedAt: time.Now().UTC()}
}

// storeEvent stores a raw API event with the given topic and body.
func (sh *shop) storeEvent(t testing.TB, eventID, topic string, body []byte) *models.WebhookEvent {
	t.Helper()
	ev, _, err := sh.store.StoreWebhookEvent(context.Background(), &models.WebhookEvent{
		AccountID: sh.account.ID, ConnectionID: sh.conn.ID, Platform: platforms.API,
		Topic: topic, ExternalEventID: eventID, Body: body,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// storeJSON stores v, marshalled, as an API event.
func (sh *shop) storeJSON(t testing.TB, eventID, topic string, v any) *models.WebhookEvent {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return sh.storeEvent(t, eventID, topic, body)
}

// storeOrder stores an order.paid event for o.
func (sh *shop) storeOrder(t testing.TB, o platforms.Order) *models.WebhookEvent {
	t.Helper()
	return sh.storeJSON(t, "evt-"+o.ExternalID, api.TopicOrderPaid, o)
}

// logBuffer collects a worker's logs and prints them if the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// testLogger returns a logger whose output is shown only when t fails.
func testLogger(t *testing.T) *slog.Logger {
	b := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			t.Logf("worker logs:\n%s", b.buf.String())
			b.mu.Unlock()
		}
	})
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// startWorker starts a worker on s and queue, shut down when the test ends.
func startWorker(t *testing.T, s *models.Store, url string, opts jobs.Options) *jobs.Worker {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	w, err := jobs.NewWorker(s, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return w
}

// newClient returns a queue client closed when the test ends.
func newClient(t *testing.T, url, queue string) *jobs.Client {
	t.Helper()
	c, err := jobs.NewClient(url, queue)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitFor polls cond until it holds, failing the test with cond's last
// description after waitTimeout.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	waitForWithin(t, waitTimeout, what, cond)
}

// waitForWithin is waitFor giving up after limit: for the streams of ten
// thousand events, which a machine shared with other builds can take
// minutes to book.
func waitForWithin(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s: %s", what, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count runs a COUNT query on the store.
func count(t testing.TB, s *models.Store, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// waitProcessed waits until every stored event is processed.
func waitProcessed(t *testing.T, s *models.Store, want int64) {
	t.Helper()
	waitProcessedWithin(t, s, want, waitTimeout)
}

// waitProcessedWithin is waitProcessed giving up after limit.
func waitProcessedWithin(t *testing.T, s *models.Store, want int64, limit time.Duration) {
	t.Helper()
	waitForWithin(t, limit, "events processed", func() (bool, string) {
		n := count(t, s, &models.WebhookEvent{}, "processed_at IS NOT NULL")
		return n >= want, fmt.Sprintf("%d of %d processed", n, want)
	})
}

// ledgerByAffiliate sums the ledger per affiliate.
func ledgerByAffiliate(t testing.TB, s *models.Store) map[uint64]int64 {
	t.Helper()
	var rows []struct {
		AffiliateID uint64
		Total       int64
	}
	err := s.DB().Model(&models.LedgerEntry{}).Select("affiliate_id, SUM(amount) AS total").
		Group("affiliate_id").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]int64{}
	for _, r := range rows {
		out[r.AffiliateID] = r.Total
	}
	return out
}

// tenPercent is the default rule's commission, computed here independently
// of the engine: subtotal × 10%, rounded half to even.
func tenPercent(subtotal int64) int64 {
	return mulDivHalfEven(subtotal, 1, 10)
}

// mulDivHalfEven is a×num/den rounded half to even, for non-negative values.
func mulDivHalfEven(a, num, den int64) int64 {
	p := a * num
	q, r := p/den, p%den
	switch {
	case 2*r > den, 2*r == den && q%2 == 1:
		q++
	}
	return q
}

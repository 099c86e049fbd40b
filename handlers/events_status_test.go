package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// bookingAnswer is what GET /api/v1/events/{id} says became of an event.
type bookingAnswer struct {
	ID           uint64  `json:"id"`
	State        string  `json:"state"`
	ConversionID *uint64 `json:"conversion_id"`
	RefundID     *uint64 `json:"refund_id"`
	Reason       string  `json:"reason"`
}

// statusAnswer is a 202 with where to read the event's state.
type statusAnswer struct {
	EventID   uint64 `json:"event_id"`
	StatusURL string `json:"status_url"`
}

// workerEnv is every route on a real queue, with a worker started on demand.
type workerEnv struct {
	*env
	client       *jobs.Client
	redis, queue string
}

func newWorkerEnv(t *testing.T) *workerEnv {
	t.Helper()
	url, queue := "redis://"+testdb.RedisAddr(t)+"/0", testdb.Name("status_")
	q, err := jobs.NewClient(url, queue)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	ps := map[string]platforms.Platform{platforms.API: api.Platform{}}
	return &workerEnv{env: newEnvFrom(t, testdb.Postgres(t), handlers.Deps{Jobs: q, Platforms: ps}), client: q, redis: url, queue: queue}
}

// startWorker runs a worker on the env's queue until the test ends.
// drainers as in jobs.Options: 0 books stored deliveries in batches (the
// default), -1 one task per delivery.
func (v *workerEnv) startWorker(drainers int) {
	w, err := jobs.NewWorker(v.store, v.redis, jobs.Options{Queue: v.queue, Drainers: drainers, Logger: quietLogger()})
	if err != nil {
		v.t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(w.Shutdown)
}

// post sends an order or refund, checks the 202 and its status link.
func (v *workerEnv) post(path, key, body string) uint64 {
	v.t.Helper()
	rec := v.call("POST", path, key, body)
	var a statusAnswer
	if rec.Code != http.StatusAccepted {
		v.t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	decodeInto(v.t, rec.Body.Bytes(), &a)
	want := "/api/v1/events/" + strconv.FormatUint(a.EventID, 10)
	if a.StatusURL != want || rec.Header().Get("Location") != want {
		v.t.Fatalf("POST %s: status_url %q, Location %q, want %q", path, a.StatusURL, rec.Header().Get("Location"), want)
	}
	return a.EventID
}

// waitState polls an event's status until it leaves queued.
func (v *workerEnv) waitState(key string, id uint64) bookingAnswer {
	v.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var b bookingAnswer
		v.must(http.StatusOK, "GET", "/api/v1/events/"+strconv.FormatUint(id, 10), key, nil, &b)
		if b.State != string(models.BookingQueued) {
			return b
		}
		if time.Now().After(deadline) {
			v.t.Fatalf("event %d still queued: %+v", id, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBookingStatusOfOrdersAndRefunds(t *testing.T) {
	for name, drainers := range map[string]int{"batches": 0, "one task each": -1} {
		t.Run(name, func(t *testing.T) { checkBookingStatus(t, drainers) })
	}
}

func checkBookingStatus(t *testing.T, drainers int) {
	v := newWorkerEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	addCode(t, v.store, shop.acct.ID, "JANE15")

	booked := v.post("/api/v1/orders", shop.key, orderJSON)
	var before bookingAnswer
	v.must(http.StatusOK, "GET", "/api/v1/events/"+strconv.FormatUint(booked, 10), shop.key, nil, &before)
	if before.State != "queued" {
		t.Fatalf("before any worker runs: %+v, want queued", before)
	}
	nocode := v.post("/api/v1/orders", shop.key, strings.NewReplacer(`"1001"`, `"1002"`, "JANE15", "NOBODY").Replace(orderJSON))
	partial := v.post("/api/v1/refunds", shop.key, `{"id":"r1","order_id":"1001","currency":"USD","subtotal":2500,"created_at":"2026-11-21T10:00:00Z"}`)
	mistyped := v.post("/api/v1/refunds", shop.key, `{"id":"r1","order_id":"10O1","currency":"USD","subtotal":2500,"created_at":"2026-11-21T10:00:00Z"}`)
	// A platform delivery the worker cannot read fails for good.
	conn, _ := v.store.APIConnection(context.Background(), shop.acct.ID)
	bad, _, err := v.store.StoreWebhookEvent(context.Background(), &models.WebhookEvent{AccountID: shop.acct.ID,
		ConnectionID: conn.ID, Platform: platforms.API, Topic: api.TopicOrderPaid, ExternalEventID: "order:bad", Body: []byte(`{"id":`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.client.EnqueueEvent(context.Background(), bad.ID); err != nil {
		t.Fatal(err)
	}
	v.startWorker(drainers)

	order := v.waitState(shop.key, booked)
	if order.State != "booked" || order.ConversionID == nil {
		t.Fatalf("order: %+v, want booked with its conversion", order)
	}
	refund := v.waitState(shop.key, partial)
	if refund.State != "booked" || refund.ConversionID == nil || *refund.ConversionID != *order.ConversionID || refund.RefundID == nil {
		t.Fatalf("partial refund: %+v, want booked against conversion %d", refund, *order.ConversionID)
	}
	if got := v.waitState(shop.key, nocode); got.State != "ignored" || !strings.Contains(got.Reason, "NOBODY") {
		t.Fatalf("order without a known code: %+v, want ignored naming its code", got)
	}
	if got := v.waitState(shop.key, mistyped); got.State != "waiting_for_order" || got.ConversionID != nil || !strings.Contains(got.Reason, "10O1") {
		t.Fatalf("refund of a mistyped order id: %+v, want waiting_for_order", got)
	}
	if got := v.waitState(shop.key, bad.ID); got.State != "failed" || got.Reason == "" {
		t.Fatalf("unreadable delivery: %+v, want failed with the reason", got)
	}
	// The admin lists the refund waiting for its order, for this account only.
	var waiting struct {
		Data []struct {
			OrderID    string `json:"order_id"`
			RefundID   string `json:"refund_id"`
			AgeSeconds int64  `json:"age_seconds"`
		} `json:"data"`
		Total int64 `json:"total"`
	}
	v.must(http.StatusOK, "GET", "/api/v1/refunds/waiting", shop.key, nil, &waiting)
	if waiting.Total != 1 || len(waiting.Data) != 1 || waiting.Data[0].OrderID != "10O1" || waiting.Data[0].RefundID != "r1" || waiting.Data[0].AgeSeconds < 0 {
		t.Fatalf("refunds waiting: %+v, want the one of order 10O1", waiting)
	}
	v.must(http.StatusOK, "GET", "/api/v1/refunds/waiting", other.key, nil, &waiting)
	if waiting.Total != 0 || len(waiting.Data) != 0 {
		t.Fatalf("another account sees refunds waiting: %+v", waiting)
	}
	// A test order is ignored, and says so.
	test := v.post("/api/v1/orders", shop.key, strings.Replace(strings.Replace(orderJSON, `"1001"`, `"1003"`, 1), `"currency"`, `"test":true,"currency"`, 1))
	if got := v.waitState(shop.key, test); got.State != "ignored" || !strings.Contains(got.Reason, "test order") {
		t.Fatalf("test order: %+v, want ignored as a test order", got)
	}
	// The waiting refund's order arrives at last: the refund is booked against it.
	late := v.waitState(shop.key, v.post("/api/v1/orders", shop.key, strings.Replace(orderJSON, `"1001"`, `"10O1"`, 1)))
	if late.State != "booked" || late.ConversionID == nil {
		t.Fatalf("late order: %+v", late)
	}
	var now bookingAnswer
	v.must(http.StatusOK, "GET", "/api/v1/events/"+strconv.FormatUint(mistyped, 10), shop.key, nil, &now)
	if now.State != "booked" || now.ConversionID == nil || *now.ConversionID != *late.ConversionID {
		t.Fatalf("refund once its order arrived: %+v, want booked against conversion %d", now, *late.ConversionID)
	}
	checkListedStates(t, v.env, shop, other, "booked", "ignored", "failed")
	// Another account's event is not found.
	if rec := v.call("GET", "/api/v1/events/"+strconv.FormatUint(booked, 10), other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("other tenant reading the event: %d, want 404", rec.Code)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func decodeInto(t *testing.T, raw []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

// addCode gives the account an affiliate holding code.
func addCode(t *testing.T, s *models.Store, accountID uint64, code string) uint64 {
	t.Helper()
	aff := models.Affiliate{AccountID: accountID, Name: "Jane " + code, Email: strings.ToLower(code) + "@example.com", Status: models.AffiliateActive}
	if err := s.DB().Create(&aff).Error; err != nil {
		t.Fatal(err)
	}
	row := models.Code{AccountID: accountID, Code: code, Normalized: models.NormalizeCode(code),
		Source: models.SourceManual, AffiliateID: &aff.ID, Active: true}
	if err := s.DB().Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	return aff.ID
}

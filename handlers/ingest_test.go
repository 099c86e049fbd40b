package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"codecredit/handlers"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

const orderJSON = `{"id":"1001","number":"#1001","codes":["JANE15"],"currency":"usd","subtotal":10000,
"discount":1500,"total":9350,"customer_email":"buyer@example.com","placed_at":"2026-11-20T10:00:00Z"}`

type ingestAnswer struct {
	EventID   uint64 `json:"event_id"`
	Duplicate bool   `json:"duplicate"`
}

func TestOrdersAndRefundsAreStoredThenEnqueued(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	ctx := context.Background()

	var first ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/orders", shop.key, orderJSON, &first)
	ev, err := v.store.GetWebhookEvent(ctx, first.EventID)
	if err != nil {
		t.Fatal(err)
	}
	conn, _ := v.store.APIConnection(ctx, shop.acct.ID)
	if ev.AccountID != shop.acct.ID || ev.ConnectionID != conn.ID || ev.Platform != platforms.API ||
		ev.Topic != api.TopicOrderPaid || ev.ExternalEventID != "order:1001" || string(ev.Body) != orderJSON {
		t.Fatalf("stored event = %+v body %s", ev, ev.Body)
	}
	if got := v.queue.Events(); !slices.Equal(got, []uint64{first.EventID}) {
		t.Fatalf("queue got %v, want [%d]", got, first.EventID)
	}
	// The stored body parses with the API platform, as the worker will.
	evs, err := api.Platform{}.ParseWebhook(ev.Topic, ev.Body)
	if err != nil || evs[0].Order.Currency != "USD" || evs[0].Order.Subtotal != 10000 {
		t.Fatalf("stored body does not parse: %v %+v", err, evs)
	}

	var dup ingestAnswer
	v.must(http.StatusOK, "POST", "/api/v1/orders", shop.key, orderJSON, &dup)
	if !dup.Duplicate || dup.EventID != first.EventID || len(v.queue.Events()) != 1 {
		t.Fatalf("resend: %+v, queue %v", dup, v.queue.Events())
	}

	// Refunds: partial → order.refunded, full → order.cancelled.
	var partial, full ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/refunds", shop.key,
		`{"id":"r1","order_id":"1001","currency":"USD","subtotal":2500,"created_at":"2026-11-21T10:00:00Z"}`, &partial)
	v.must(http.StatusAccepted, "POST", "/api/v1/refunds", shop.key,
		`{"id":"r2","order_id":"1001","full":true,"created_at":"2026-11-22T10:00:00Z"}`, &full)
	for _, c := range []struct {
		id    uint64
		topic string
		ext   string
	}{{partial.EventID, api.TopicOrderRefunded, "refund:1001/r1"}, {full.EventID, api.TopicOrderCancelled, "refund:1001/r2"}} {
		ev, err := v.store.GetWebhookEvent(ctx, c.id)
		if err != nil || ev.Topic != c.topic || ev.ExternalEventID != c.ext {
			t.Fatalf("refund event %d: %v %+v", c.id, err, ev)
		}
	}
	if n := len(v.queue.Events()); n != 3 {
		t.Fatalf("queue got %d events, want 3", n)
	}

	// Another account sending the same order id is its own event.
	other := v.tenant("Other")
	var theirs ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/orders", other.key, orderJSON, &theirs)
	if theirs.Duplicate || theirs.EventID == first.EventID {
		t.Fatalf("other account's order: %+v", theirs)
	}

	// A lost enqueue still answers 202: the event is stored for the sweeper.
	v.queue.Err = errors.New("redis down")
	var lost ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/orders", shop.key, strings.Replace(orderJSON, "1001", "1002", 1), &lost)
	if _, err := v.store.GetWebhookEvent(ctx, lost.EventID); err != nil {
		t.Fatalf("event not stored when enqueue fails: %v", err)
	}
	if !strings.Contains(v.logs.String(), "enqueue failed") {
		t.Fatalf("a failed enqueue is not logged: %s", v.logs.String())
	}
}

func TestIngestRefusesBadPayloads(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	order := func(edit func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal([]byte(orderJSON), &m)
		edit(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, path, body, msg string
	}{
		{"order without id", "/api/v1/orders", order(func(m map[string]any) { delete(m, "id") }), "order id is required"},
		{"order bad currency", "/api/v1/orders", order(func(m map[string]any) { m["currency"] = "dollars" }), "currency must be"},
		{"order negative", "/api/v1/orders", order(func(m map[string]any) { m["subtotal"] = -1 }), "must not be negative"},
		{"order without date", "/api/v1/orders", order(func(m map[string]any) { delete(m, "placed_at") }), "placed_at is required"},
		{"order unknown field", "/api/v1/orders", order(func(m map[string]any) { m["coupon"] = "X" }), `unknown field "coupon"`},
		{"order amount as text", "/api/v1/orders", order(func(m map[string]any) { m["subtotal"] = "100.00" }), `field "subtotal" must be a whole number`},
		{"order bad date", "/api/v1/orders", order(func(m map[string]any) { m["placed_at"] = "yesterday" }), "dates must be RFC 3339"},
		{"order malformed", "/api/v1/orders", `{"id": "1"`, "malformed JSON"},
		{"order empty", "/api/v1/orders", ``, "request body is empty"},
		{"order array", "/api/v1/orders", `[]`, "must be a JSON object"},
		{"order twice in one body", "/api/v1/orders", orderJSON + orderJSON, "single JSON object"},
		{"partial refund of zero", "/api/v1/refunds", `{"id":"r","order_id":"1","subtotal":0,"created_at":"2026-11-21T10:00:00Z"}`, "must be positive"},
		{"refund without order", "/api/v1/refunds", `{"id":"r","subtotal":5,"created_at":"2026-11-21T10:00:00Z"}`, "order_id is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := v.call("POST", tc.path, shop.key, tc.body)
			if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, tc.msg) {
				t.Fatalf("%d %q, want 400 mentioning %q", rec.Code, msg, tc.msg)
			}
		})
	}
	var n int64
	v.store.DB().Table("webhook_events").Count(&n)
	if n != 0 || len(v.queue.Events()) != 0 {
		t.Fatalf("refused payloads stored %d events, enqueued %v", n, v.queue.Events())
	}
}

func TestIngestWithoutQueue(t *testing.T) {
	// A Deps without Jobs: the event is stored and left to the sweeper.
	v := newEnvFrom(t, testdb.Postgres(t), handlers.Deps{})
	shop := v.tenant("Shop")
	var a ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/orders", shop.key, orderJSON, &a)
	if _, err := v.store.GetWebhookEvent(context.Background(), a.EventID); err != nil {
		t.Fatal(err)
	}
}

package sandbox_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"codecredit/platforms/paddle/sandbox"
)

// The sandbox's subscription notifications have every key of Paddle's
// samples (sources in ../testdata/README.md), through the whole lifecycle.
func TestSubscriptionPayloadsMatchDocumentedSamples(t *testing.T) {
	ctx := context.Background()
	sb, srv, app := delivering(t, "subscription.created", "subscription.trialing", "subscription.updated",
		"subscription.paused", "subscription.canceled", "subscription.past_due")
	call(t, srv, "POST", "/discounts", bearer, `{"description":"Loyal","type":"percentage","amount":"10","code":"LOYAL10","enabled_for_checkout":true,"recur":true}`)
	items := []sandbox.Item{{Name: "seat", UnitPrice: 3000, Quantity: 10, Recurring: true}}
	sub, err := sb.Subscribe(ctx, "LOYAL10", items, "USD", "a@b.c", 0)
	if err != nil {
		t.Fatal(err)
	}
	trial, err := sb.Subscribe(ctx, "", items, "USD", "b@b.c", 14)
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() (sandbox.Subscription, error){
		func() (sandbox.Subscription, error) { return sb.SetQuantity(ctx, sub.ID, 0, 20) },
		func() (sandbox.Subscription, error) { return sb.FailPayment(ctx, sub.ID) },
		func() (sandbox.Subscription, error) { return sb.Pause(ctx, sub.ID) },
		func() (sandbox.Subscription, error) { return sb.Cancel(ctx, trial.ID, true) },
		func() (sandbox.Subscription, error) { return sb.RunScheduledChange(ctx, trial.ID) },
	}
	for i, step := range steps {
		if _, err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	samples := map[string]string{"subscription.created": "subscription_created.json", "subscription.trialing": "subscription_trialing.json",
		"subscription.updated": "subscription_updated.json", "subscription.paused": "subscription_paused.json",
		"subscription.canceled": "subscription_canceled.json", "subscription.past_due": "subscription_past_due.json"}
	seen := map[string]bool{}
	for _, body := range app.bodies {
		var got map[string]any
		json.Unmarshal(body, &got)
		typ, _ := got["event_type"].(string)
		raw, err := os.ReadFile("../testdata/" + samples[typ])
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		var doc map[string]any
		json.Unmarshal(raw, &doc)
		if miss := missingKeys("", doc, got); len(miss) > 0 {
			t.Errorf("%s: the sandbox's payload lacks %v", typ, miss)
		}
		seen[typ] = true
	}
	if len(seen) != len(samples) {
		t.Errorf("sent %v, want each of %v", seen, samples)
	}
	if _, err := sb.Renew(ctx, sub.ID); err == nil {
		t.Error("a paused subscription was billed")
	}
	if _, err := sb.Pause(ctx, "sub_nope"); err == nil {
		t.Error("paused an unknown subscription")
	}
}

// The control API plays the same lifecycle over HTTP.
func TestSubscriptionControlAPI(t *testing.T) {
	_, srv, app := delivering(t, "subscription.created", "subscription.activated", "subscription.updated", "subscription.canceled")
	code, _, out := call(t, srv, "POST", "/__sandbox/subscriptions", bearer,
		`{"items":[{"name":"seat","unit_price":1000,"quantity":2,"recurring":true}],"currency":"EUR","email":"c@d.e"}`)
	data, _ := out["data"].(map[string]any)
	id, _ := data["id"].(string)
	if code != 200 || data["status"] != "active" || id == "" {
		t.Fatalf("subscribe: %d %v", code, out)
	}
	steps := []struct {
		path, body string
		code       int
		status     string
	}{
		{"/quantity", `{"item":0,"quantity":4}`, 200, "active"},
		{"/quantity", `{"item":3,"quantity":4}`, 400, ""},
		{"/cancel", `{"at_period_end":true}`, 200, "active"},
		{"/scheduled-change", "", 200, "canceled"},
		{"/resume", "", 400, ""},
		{"/explode", "", 404, ""},
	}
	for _, s := range steps {
		code, _, out := call(t, srv, "POST", "/__sandbox/subscriptions/"+id+s.path, bearer, s.body)
		data, _ := out["data"].(map[string]any)
		if code != s.code || (s.status != "" && data["status"] != s.status) {
			t.Errorf("%s %s: %d %v, want %d %s", s.path, s.body, code, out, s.code, s.status)
		}
	}
	if code, _, _ := call(t, srv, "GET", "/subscriptions/"+id, bearer, ""); code != 200 {
		t.Errorf("GET /subscriptions/%s: %d", id, code)
	}
	// created, activated; updated (quantity); updated (scheduled); canceled, updated
	if len(app.bodies) != 6 {
		t.Errorf("sent %d webhooks, want 6", len(app.bodies))
	}
}

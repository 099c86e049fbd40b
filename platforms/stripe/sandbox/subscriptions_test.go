package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"

	"codecredit/platforms/stripe/sandbox"
)

// A subscription's events and GET /v1/subscriptions/{id}: discounts by id
// in events, expanded with their coupons on request, gone once a repeating
// coupon has run out; a canceled subscription takes no more changes.
func TestSubscriptionObject(t *testing.T) {
	w := newWorld(t)
	in := listen(t, w)
	coupon(t, w, "TWO20", url.Values{"duration": {"repeating"}, "duration_in_months": {"2"}})
	inv, err := w.sb.StartSubscription(w.account, "TWO20", []sandbox.Item{{Title: "Seat", UnitAmount: 1500, Quantity: 2}}, "usd")
	if err != nil {
		t.Fatal(err)
	}
	typ, sub := in.object(0)
	discounts := sub["discounts"].([]any)
	if typ != "customer.subscription.created" || sub["status"] != "active" || len(discounts) != 1 {
		t.Fatalf("%s %v", typ, sub)
	}
	if _, ok := discounts[0].(string); !ok {
		t.Errorf("an event's discount is %v, want its id", discounts[0])
	}
	path := "/v1/subscriptions/" + inv.SubscriptionID
	status, got := w.call(http.MethodGet, path, w.key, url.Values{"expand[]": {"discounts.source.coupon"}})
	d, _ := got["discounts"].([]any)
	if status != 200 || len(d) != 1 {
		t.Fatalf("GET: %d %v", status, got)
	}
	c := d[0].(map[string]any)["source"].(map[string]any)["coupon"].(map[string]any)
	if c["id"] != "TWO20" || c["duration"] != "repeating" {
		t.Errorf("coupon %v", c)
	}
	if status, _ := w.call(http.MethodGet, path, w.key, url.Values{"expand[]": {"items"}}); status != 400 {
		t.Errorf("expand[]=items: %d, want 400", status)
	}
	_, otherKey := w.sb.CreateAccount("Other", "o@example.com", "usd")
	if status, _ := w.call(http.MethodGet, path, otherKey, nil); status != 404 {
		t.Errorf("another account's key: %d, want 404", status)
	}
	for range 2 {
		if _, err := w.sb.Renew(inv.SubscriptionID); err != nil {
			t.Fatal(err)
		}
	}
	// Three invoices billed: the two months of the coupon are over.
	if _, got := w.call(http.MethodGet, path, w.key, nil); len(got["discounts"].([]any)) != 0 {
		t.Errorf("discounts after the coupon's months: %v", got["discounts"])
	}
	if _, err := w.sb.CancelSubscription(inv.SubscriptionID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.ChangeSubscription(inv.SubscriptionID, nil); err == nil {
		t.Error("a canceled subscription was changed")
	}
}

// The control API drives a subscription's life for demos.
func TestSubscriptionControls(t *testing.T) {
	w := newWorld(t)
	in := listen(t, w)
	control := controlClient(t, w)
	post := func(path, body string) (int, map[string]any) {
		status, out := control(path, body)
		result, _ := out["result"].(map[string]any)
		return status, result
	}
	status, inv := post("/subscriptions", `{"account":"`+w.account+`","currency":"usd","items":[{"title":"Seat","unit_amount":1500,"quantity":2}]}`)
	if status != 200 || inv["SubscriptionID"] == nil {
		t.Fatalf("start: %d %v", status, inv)
	}
	sub := inv["SubscriptionID"].(string)
	status, out := post("/subscriptions/change", `{"subscription":"`+sub+`","items":[{"title":"Seat","unit_amount":1500,"quantity":3}]}`)
	if status != 200 || out["event"] == "" {
		t.Fatalf("change: %d %v", status, out)
	}
	if status, out = post("/subscriptions/cancel", `{"subscription":"`+sub+`","at_period_end":true}`); status != 200 {
		t.Fatalf("cancel: %d %v", status, out)
	}
	types := []string{"customer.subscription.created", "invoice.paid", "customer.subscription.updated", "customer.subscription.updated"}
	for i, want := range types {
		if typ, _ := in.object(i); typ != want {
			t.Errorf("event %d is %s, want %s", i, typ, want)
		}
	}
	if _, obj := in.object(3); obj["cancel_at_period_end"] != true || obj["status"] != "active" {
		t.Errorf("canceled at period end: %v", obj)
	}
	if status, _ := post("/subscriptions/pause", `{"subscription":"sub_nope","pause":true}`); status != 400 {
		t.Errorf("unknown subscription: %d, want 400", status)
	}
}

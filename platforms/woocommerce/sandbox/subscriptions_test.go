package sandbox_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"codecredit/platforms/woocommerce/sandbox"
)

// A store without WooCommerce Subscriptions has neither the endpoints nor
// the topics.
func TestNoSubscriptionsWithoutTheExtension(t *testing.T) {
	v := newEnv(t)
	if resp, _ := v.call(http.MethodGet, "/subscriptions", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /subscriptions: %d", resp.StatusCode)
	}
	resp, _ := v.call(http.MethodPost, "/webhooks", map[string]string{"topic": "subscription.updated", "delivery_url": v.recv.URL})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("subscription topic: %d, want 400", resp.StatusCode)
	}
	if _, err := v.store.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 1, Price: 2000}}}); err == nil {
		t.Fatal("subscribed without the extension")
	}
}

// GET /subscriptions/{id} gives the schedule as the extension does, and a
// renewal order names its subscription in _subscription_renewal.
func TestSubscriptionJSON(t *testing.T) {
	v := newEnv(t)
	club, err := v.srv.AddStore(sandbox.StoreConfig{URL: v.ts.URL + "/club", Currency: "USD", TaxRate: 1000, Subscriptions: true})
	if err != nil {
		t.Fatal(err)
	}
	v.store = club
	v.key, v.sec = club.AddKey("read")
	sub, err := club.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 2, Price: 1250}},
		Period: "week", Interval: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID              int64
		Status          string
		BillingPeriod   string                   `json:"billing_period"`
		BillingInterval string                   `json:"billing_interval"`
		Start           string                   `json:"start_date_gmt"`
		TrialEnd        string                   `json:"trial_end_date_gmt"`
		NextPayment     string                   `json:"next_payment_date_gmt"`
		End             string                   `json:"end_date_gmt"`
		LineItems       []struct{ Total string } `json:"line_items"`
		ParentIDJSON    int64                    `json:"parent_id"`
	}
	resp, raw := v.call(http.MethodGet, "/subscriptions/"+strconv.FormatInt(sub.ID, 10), nil)
	if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d %s", resp.StatusCode, raw)
	}
	if got.ID != sub.ID || got.ParentIDJSON != sub.ParentID || got.ParentIDJSON == 0 || got.Status != "active" ||
		got.BillingPeriod != "week" || got.BillingInterval != "2" || got.Start != "2026-03-01T12:00:00" ||
		got.TrialEnd != "" || got.End != "" || got.NextPayment != "2026-03-15T12:00:00" ||
		len(got.LineItems) != 1 || got.LineItems[0].Total != "25.00" {
		t.Fatalf("subscription %s", raw)
	}
	renewal, err := club.Renew(sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order struct {
		CreatedVia string                        `json:"created_via"`
		MetaData   []struct{ Key, Value string } `json:"meta_data"`
	}
	_, raw = v.call(http.MethodGet, "/orders/"+strconv.FormatInt(renewal.ID, 10), nil)
	if err := json.Unmarshal(raw, &order); err != nil || order.CreatedVia != "subscription" || len(order.MetaData) != 1 ||
		order.MetaData[0].Key != "_subscription_renewal" || order.MetaData[0].Value != strconv.FormatInt(sub.ID, 10) {
		t.Fatalf("renewal order %s", raw)
	}
}

package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

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

// GET /subscriptions filters on modified_after and pages as WooCommerce
// does, with X-WP-Total and X-WP-TotalPages.
func TestListSubscriptionsModifiedAfter(t *testing.T) {
	v := newEnv(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := sandbox.New(sandbox.Options{Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	club, err := srv.AddStore(sandbox.StoreConfig{URL: ts.URL + "/club", Currency: "USD", Subscriptions: true})
	if err != nil {
		t.Fatal(err)
	}
	v.store = club
	v.key, v.sec = club.AddKey("read")
	var ids []int64
	for range 3 {
		sub, err := club.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 1, Price: 2000}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sub.ID)
	}
	now = now.Add(time.Hour)
	if err := club.SetSubscriptionStatus(ids[1], "cancelled"); err != nil {
		t.Fatal(err)
	}
	list := func(query string) (got []int64, total, pages string) {
		resp, raw := v.call(http.MethodGet, "/subscriptions?"+query, nil)
		var subs []struct{ ID int64 }
		if err := json.Unmarshal(raw, &subs); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /subscriptions?%s: %d %s", query, resp.StatusCode, raw)
		}
		for _, s := range subs {
			got = append(got, s.ID)
		}
		return got, resp.Header.Get("X-WP-Total"), resp.Header.Get("X-WP-TotalPages")
	}
	if got, total, _ := list("modified_after=2026-03-01T12:00:00&dates_are_gmt=true"); total != "1" || !slices.Equal(got, ids[1:2]) {
		t.Fatalf("modified after the subscriptions were made: %v (total %s), want the cancelled one %d", got, total, ids[1])
	}
	first, total, pages := list("orderby=id&order=asc&per_page=2&page=1")
	second, _, _ := list("orderby=id&order=asc&per_page=2&page=2")
	if total != "3" || pages != "2" || !slices.Equal(append(first, second...), ids) {
		t.Fatalf("pages %v %v (total %s in %s pages), want %v", first, second, total, pages, ids)
	}
}

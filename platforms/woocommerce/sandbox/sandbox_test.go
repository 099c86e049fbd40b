package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms/woocommerce/sandbox"
)

// env is a sandbox with one store, and a receiver for its deliveries and callbacks.
type env struct {
	t     *testing.T
	srv   *sandbox.Server
	ts    *httptest.Server
	store *sandbox.Store
	key   string
	sec   string

	mu       sync.Mutex
	received []*http.Request
	bodies   [][]byte
	status   int
	recv     *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	v := &env{t: t, status: http.StatusOK}
	v.srv = sandbox.New(sandbox.Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	v.ts = httptest.NewServer(v.srv)
	t.Cleanup(v.ts.Close)
	v.recv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		v.mu.Lock()
		v.received, v.bodies = append(v.received, r), append(v.bodies, b)
		status := v.status
		v.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(v.recv.Close)
	var err error
	v.store, err = v.srv.AddStore(sandbox.StoreConfig{URL: v.ts.URL + "/shop1", Currency: "USD", TaxRate: 1000, Shipping: 500})
	if err != nil {
		t.Fatal(err)
	}
	v.key, v.sec = v.store.AddKey("read_write")
	return v
}

// call sends a REST call to the store with its keys; body is JSON-encoded.
func (v *env) call(method, path string, body any) (*http.Response, []byte) {
	v.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, v.store.URL()+"/wp-json/wc/v3"+path, r)
	req.SetBasicAuth(v.key, v.sec)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status int `json:"status"`
	} `json:"data"`
}

func errorOf(t *testing.T, raw []byte) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(raw, &e); err != nil || e.Code == "" || e.Data.Status == 0 {
		t.Fatalf("not a WooCommerce error envelope: %s", raw)
	}
	return e
}

// Basic auth and key permissions answer as WooCommerce does.
func TestAuthentication(t *testing.T) {
	v := newEnv(t)
	readKey, readSecret := v.store.AddKey("read")
	tests := []struct {
		name, user, pass, method string
		want                     int
		code                     string
	}{
		{"valid keys", v.key, v.sec, http.MethodGet, 200, ""},
		{"no auth", "", "", http.MethodGet, 401, "woocommerce_rest_cannot_view"},
		{"unknown key", "ck_nope", v.sec, http.MethodGet, 401, "woocommerce_rest_authentication_error"},
		{"wrong secret", v.key, "cs_nope", http.MethodGet, 401, "woocommerce_rest_authentication_error"},
		{"read key reads", readKey, readSecret, http.MethodGet, 200, ""},
		{"read key cannot write", readKey, readSecret, http.MethodPost, 401, "woocommerce_rest_cannot_create"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, v.store.URL()+"/wp-json/wc/v3/coupons", strings.NewReader(`{"code":"X1"}`))
		if tt.user != "" {
			req.SetBasicAuth(tt.user, tt.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, resp.StatusCode, raw, tt.want)
		}
		if tt.code != "" && errorOf(t, raw).Code != tt.code {
			t.Errorf("%s: %s, want code %s", tt.name, raw, tt.code)
		}
	}
}

// Coupons page with X-WP-Total headers; a taken code is refused in any case.
func TestCouponsPagingAndUniqueness(t *testing.T) {
	v := newEnv(t)
	v.store.SeedCoupons(25)
	resp, raw := v.call(http.MethodGet, "/coupons?per_page=10&page=3&orderby=id&order=asc", nil)
	var page []struct {
		ID     int64  `json:"id"`
		Code   string `json:"code"`
		Amount string `json:"amount"`
		Type   string `json:"discount_type"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-WP-Total") != "25" || resp.Header.Get("X-WP-TotalPages") != "3" || len(page) != 5 {
		t.Fatalf("page 3: total %s pages %s, %d coupons", resp.Header.Get("X-WP-Total"), resp.Header.Get("X-WP-TotalPages"), len(page))
	}
	if page[0].Code != "SEED21" || page[0].Type != "percent" || page[0].Amount != "10.00" || page[1].Amount != "5.00" {
		t.Fatalf("page 3 starts with %+v", page[:2])
	}
	resp, raw = v.call(http.MethodPost, "/coupons", map[string]string{"code": "seed7", "discount_type": "percent", "amount": "15"})
	if resp.StatusCode != 400 || errorOf(t, raw).Code != "woocommerce_rest_coupon_code_already_exists" {
		t.Fatalf("duplicate code (other case): %d %s", resp.StatusCode, raw)
	}
	resp, raw = v.call(http.MethodPost, "/coupons", map[string]string{"code": "NEW15", "discount_type": "percent", "amount": "15"})
	if resp.StatusCode != 201 || !strings.Contains(string(raw), `"amount":"15.00"`) {
		t.Fatalf("create: %d %s", resp.StatusCode, raw)
	}
	resp, raw = v.call(http.MethodPost, "/coupons", map[string]string{"code": "BAD", "discount_type": "bogus"})
	if resp.StatusCode != 400 || errorOf(t, raw).Code != "rest_invalid_param" {
		t.Fatalf("invalid type: %d %s", resp.StatusCode, raw)
	}
	resp, raw = v.call(http.MethodGet, "/coupons/999999", nil)
	if resp.StatusCode != 404 || errorOf(t, raw).Data.Status != 404 {
		t.Fatalf("missing coupon: %d %s", resp.StatusCode, raw)
	}
}

// A new webhook is pinged; orders are delivered signed, once; a dropped one is lost.
func TestWebhooksAndDeliveries(t *testing.T) {
	v := newEnv(t)
	resp, raw := v.call(http.MethodPost, "/webhooks", map[string]string{"name": "t", "topic": "order.created",
		"delivery_url": v.recv.URL + "/hook", "secret": "s3cret"})
	if resp.StatusCode != 201 || strings.Contains(string(raw), "s3cret") {
		t.Fatalf("create webhook: %d %s (the secret is write-only)", resp.StatusCode, raw)
	}
	if len(v.received) != 1 || v.received[0].Header.Get("X-WC-Webhook-Signature") != "" || string(v.bodies[0])[:11] != "webhook_id=" {
		t.Fatalf("no creation ping: %v", v.bodies)
	}
	o, err := v.store.PlaceOrder(nil, []sandbox.Line{{Name: "Mug", Quantity: 2, Price: 1250}}, "", "ann.lee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	v.store.DropNextDelivery()
	if _, err := v.store.PlaceOrder(nil, []sandbox.Line{{Name: "Mug", Quantity: 1, Price: 1250}}, "", "bo@example.com"); err != nil {
		t.Fatal(err)
	}
	if len(v.received) != 2 {
		t.Fatalf("%d requests, want the ping and one order (the second dropped)", len(v.received))
	}
	r := v.received[1]
	for h, want := range map[string]string{"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Resource": "order",
		"X-WC-Webhook-Event": "created", "X-WC-Webhook-Source": v.store.URL() + "/"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var body struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Total  string `json:"total"`
	}
	json.Unmarshal(v.bodies[1], &body)
	// 25.00 of mugs + 10% tax + 5.00 shipping + 10% tax = 33.00
	if body.ID != o.ID || body.Status != "processing" || body.Total != "33.00" {
		t.Fatalf("delivered order %+v", body)
	}
	ds := v.store.Deliveries()
	if len(ds) != 3 || !ds[2].Dropped {
		t.Fatalf("deliveries: %+v", ds)
	}
}

// modified_after lists orders changed since, refunds included.
func TestOrdersModifiedAfter(t *testing.T) {
	v := newEnv(t)
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := sandbox.New(sandbox.Options{Now: func() time.Time { return clock }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	st, _ := srv.AddStore(sandbox.StoreConfig{URL: ts.URL})
	v.store, v.key = st, ""
	v.key, v.sec = st.AddKey("read")
	old, _ := st.PlaceOrder(nil, []sandbox.Line{{Name: "A", Quantity: 1, Price: 100}}, "", "a@example.com")
	clock = clock.Add(time.Hour)
	recent, _ := st.PlaceOrder(nil, []sandbox.Line{{Name: "B", Quantity: 1, Price: 100}}, "", "b@example.com")
	clock = clock.Add(time.Hour)
	if _, err := st.Refund(old.ID, sandbox.RefundSpec{Amount: 50}); err != nil {
		t.Fatal(err)
	}
	_, raw := v.call(http.MethodGet, "/orders?modified_after=2026-03-01T12:30:00&dates_are_gmt=true&orderby=id&order=asc", nil)
	var list []struct {
		ID      int64 `json:"id"`
		Refunds []struct {
			Total string `json:"total"`
		} `json:"refunds"`
	}
	json.Unmarshal(raw, &list)
	if len(list) != 2 || list[0].ID != old.ID || list[1].ID != recent.ID || list[0].Refunds[0].Total != "-0.50" {
		t.Fatalf("modified orders: %s", raw)
	}
	_, raw = v.call(http.MethodGet, "/orders?modified_after=2026-03-01T13:30:00Z", nil)
	json.Unmarshal(raw, &list)
	if len(list) != 1 || list[0].ID != old.ID {
		t.Fatalf("orders modified after the second: %s", raw)
	}
}

// wc-auth posts keys to the callback; keys the app refuses are deleted.
func TestAuthorizeFlow(t *testing.T) {
	v := newEnv(t)
	authorize := func() *http.Response {
		q := url.Values{"app_name": {"Codecredit"}, "scope": {"read_write"}, "user_id": {"state-1"},
			"return_url": {"https://app.example/admin/"}, "callback_url": {v.recv.URL + "/cb"}}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(v.store.URL() + "/wc-auth/v1/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := authorize()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://app.example/admin/?success=1&user_id=state-1" {
		t.Fatalf("approve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var grant struct {
		UserID, ConsumerKey, ConsumerSecret, KeyPermissions string
	}
	json.Unmarshal(v.bodies[0], &struct {
		UserID         *string `json:"user_id"`
		ConsumerKey    *string `json:"consumer_key"`
		ConsumerSecret *string `json:"consumer_secret"`
		KeyPermissions *string `json:"key_permissions"`
	}{&grant.UserID, &grant.ConsumerKey, &grant.ConsumerSecret, &grant.KeyPermissions})
	if grant.UserID != "state-1" || grant.KeyPermissions != "read_write" || !strings.HasPrefix(grant.ConsumerKey, "ck_") {
		t.Fatalf("posted grant %+v", grant)
	}
	v.key, v.sec = grant.ConsumerKey, grant.ConsumerSecret
	if resp, _ := v.call(http.MethodGet, "/coupons", nil); resp.StatusCode != 200 {
		t.Fatalf("granted keys refused: %d", resp.StatusCode)
	}

	v.status = http.StatusInternalServerError // the app refuses the keys: they are deleted
	if resp := authorize(); resp.StatusCode != 401 {
		t.Fatalf("callback failed but authorize answered %d", resp.StatusCode)
	}
	var refused struct {
		ConsumerKey    string `json:"consumer_key"`
		ConsumerSecret string `json:"consumer_secret"`
	}
	json.Unmarshal(v.bodies[1], &refused)
	v.key, v.sec = refused.ConsumerKey, refused.ConsumerSecret
	if resp, _ := v.call(http.MethodGet, "/coupons", nil); resp.StatusCode != 401 {
		t.Fatalf("keys the app refused still work: %d", resp.StatusCode)
	}

	v.store.DenyNextAuthorization()
	if resp := authorize(); resp.Header.Get("Location") != "https://app.example/admin/?success=0&user_id=state-1" {
		t.Fatalf("deny: %s", resp.Header.Get("Location"))
	}
}

// Stores share a listener by path, or a base URL by Host header.
func TestRouting(t *testing.T) {
	srv := sandbox.New(sandbox.Options{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	a, _ := srv.AddStore(sandbox.StoreConfig{URL: ts.URL + "/a", Currency: "EUR"})
	b, _ := srv.AddStore(sandbox.StoreConfig{URL: "https://b.example", Currency: "JPY"})
	ka, sa := a.AddKey("read")
	kb, sb := b.AddKey("read")
	get := func(path, host, key, sec string) string {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if host != "" {
			req.Host = host
		}
		req.SetBasicAuth(key, sec)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return string(raw)
	}
	if got := get("/a/wp-json/wc/v3/data/currencies/current", "", ka, sa); !strings.Contains(got, `"code":"EUR"`) {
		t.Errorf("store a by path: %s", got)
	}
	if got := get("/wp-json/wc/v3/data/currencies/current", "b.example", kb, sb); !strings.Contains(got, `"code":"JPY"`) {
		t.Errorf("store b by host: %s", got)
	}
	if got := get("/a/wp-json/wc/v3/data/currencies/current", "", kb, sb); !strings.Contains(got, "woocommerce_rest_authentication_error") {
		t.Errorf("store b's key on store a: %s", got)
	}
}

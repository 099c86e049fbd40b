package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// wooEnv is the app (every route, served over HTTP so the store can call
// it back) and a sandbox store.
type wooEnv struct {
	*testApp
	sb     *sandbox.Server
	sbURL  string
	shop   *sandbox.Store
	acct   *models.Account
	apiKey string
}

func newWooEnv(t *testing.T) *wooEnv {
	t.Helper()
	v := &wooEnv{testApp: newTestApp(t)}
	sb := sandbox.New(sandbox.Options{})
	sbServer := httptest.NewServer(sb)
	t.Cleanup(sbServer.Close)
	v.sb, v.sbURL = sb, sbServer.URL
	var err error
	if v.shop, err = sb.AddStore(sandbox.StoreConfig{URL: sbServer.URL + "/shop", Currency: "EUR", TaxRate: 2000, Shipping: 490}); err != nil {
		t.Fatal(err)
	}
	// The sandbox listens on loopback over http: allowed explicitly.
	adapter := woocommerce.New(woocommerce.Config{AppURL: v.app.URL, Allow: []string{sbServer.URL}})
	v.register(Deps{WooCommerce: adapter, Platforms: map[string]platforms.Platform{platforms.WooCommerce: adapter}})
	v.acct, v.apiKey = v.merchant("Merchant", "m@example.com", "EUR")
	return v
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize asks the app to connect storeURL and returns its answer.
func (v *wooEnv) authorize(storeURL, apiKey string) *http.Response {
	v.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, v.app.URL+"/auth/woocommerce?store="+url.QueryEscape(storeURL), nil)
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// approve is the merchant's browser on the store's approval page.
func (v *wooEnv) approve(location string) *http.Response {
	v.t.Helper()
	resp, err := noRedirect.Get(location)
	if err != nil {
		v.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Connecting a store end to end: approval, keys, webhooks, import, and a
// signed order stored through the webhook route.
func TestWooCommerceConnect(t *testing.T) {
	v := newWooEnv(t)
	resp := v.authorize(v.shop.URL()+"/", v.apiKey)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, v.shop.URL()+"/wc-auth/v1/authorize?") {
		t.Fatalf("authorize: %d %q", resp.StatusCode, loc)
	}
	back := v.approve(loc)
	if back.StatusCode != http.StatusFound || !strings.HasPrefix(back.Header.Get("Location"), v.app.URL+"/admin/?success=1") {
		t.Fatalf("approval did not come back: %d %q", back.StatusCode, back.Header.Get("Location"))
	}
	ctx := context.Background()
	conn, err := v.store.ConnectionBySource(ctx, platforms.WooCommerce, v.shop.URL())
	if err != nil {
		t.Fatal(err)
	}
	creds, _ := v.store.ReadCredentials(conn)
	if conn.AccountID != v.acct.ID || conn.Currency != "EUR" || creds["webhook_secret"] == "" ||
		!strings.HasPrefix(creds["consumer_key"], "ck_") || strings.Count(creds["webhook_ids"], ",") != 4 {
		t.Fatalf("connection %+v, credentials %v", conn, keysOf(creds))
	}
	hooks := v.shop.Webhooks()
	if len(hooks) != 5 || hooks[0].DeliveryURL != v.app.URL+"/webhooks/woocommerce" || hooks[0].Secret != creds["webhook_secret"] {
		t.Fatalf("webhooks on the store: %+v", hooks)
	}
	if len(v.jobs.Imports()) != 1 || v.jobs.Imports()[0] != conn.ID {
		t.Fatalf("imports enqueued: %v", v.jobs.Imports())
	}

	// A signed order reaches the webhook route, is verified with the
	// connection's secret and stored once.
	v.shop.SeedCoupons(1)
	if _, err := v.shop.PlaceOrder([]string{"SEED1"}, []sandbox.Line{{Name: "Lamp", Quantity: 1, Price: 4000}}, "", "dee@example.com"); err != nil {
		t.Fatal(err)
	}
	last := v.shop.Deliveries()[len(v.shop.Deliveries())-1]
	if last.Status != http.StatusOK || len(v.jobs.Events()) != 1 {
		t.Fatalf("order delivery answered %d, %d events enqueued", last.Status, len(v.jobs.Events()))
	}
	ev, err := v.store.GetWebhookEvent(ctx, v.jobs.Events()[0])
	if err != nil || ev.ConnectionID != conn.ID || ev.Topic != "order.created" || !strings.HasPrefix(ev.ExternalEventID, "order:") {
		t.Fatalf("stored event %+v %v", ev, err)
	}
	v.reconnect(t, conn, creds)
}

// reconnect connects the store again: same connection, new keys and
// secret on the same webhooks, the reconciliation checkpoint kept, and
// whether it has WooCommerce Subscriptions asked again: it had none when
// last asked, so its subscriptions are read from then.
func (v *wooEnv) reconnect(t *testing.T, conn *models.Connection, old models.Credentials) {
	t.Helper()
	ctx := context.Background()
	old["reconciled_until"] = "2026-01-02T03:04:05Z"
	old["no_subscriptions"] = "2026-01-02T03:00:00Z"
	if err := v.store.SaveCredentials(ctx, conn.ID, old); err != nil {
		t.Fatal(err)
	}
	if back := v.approve(v.authorize(v.shop.URL(), v.apiKey).Header.Get("Location")); back.StatusCode != http.StatusFound {
		t.Fatalf("second approval: %d", back.StatusCode)
	}
	again, err := v.store.ConnectionBySource(ctx, platforms.WooCommerce, v.shop.URL())
	if err != nil || again.ID != conn.ID {
		t.Fatalf("reconnected as %+v, %v", again, err)
	}
	creds, _ := v.store.ReadCredentials(again)
	hooks := v.shop.Webhooks()
	if creds["reconciled_until"] != old["reconciled_until"] || creds["consumer_key"] == old["consumer_key"] ||
		creds["subscriptions_reconciled_until"] != old["no_subscriptions"] || creds["no_subscriptions"] != "" ||
		creds["webhook_ids"] != old["webhook_ids"] || len(hooks) != 5 || hooks[0].Secret != creds["webhook_secret"] {
		t.Fatalf("after reconnecting: credentials %v, webhooks %+v", keysOf(creds), hooks)
	}
}

// The connect link needs an API key and an https store at a public address.
func TestWooCommerceAuthorize(t *testing.T) {
	v := newWooEnv(t)
	tests := []struct {
		name, store, key string
		want             int
	}{
		{"no API key", "https://shop.example", "", http.StatusUnauthorized},
		{"plain http store", "http://shop.example", v.apiKey, http.StatusBadRequest},
		{"not a URL", "shop.example", v.apiKey, http.StatusBadRequest},
		{"https store", "https://Shop.Example/", v.apiKey, http.StatusFound},
		{"loopback store over http", "http://127.0.0.1:9999/demo", v.apiKey, http.StatusBadRequest},
		{"the allowed sandbox over http", v.shop.URL(), v.apiKey, http.StatusFound},
	}
	for _, tt := range tests {
		if resp := v.authorize(tt.store, tt.key); resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	loc, _ := url.Parse(v.authorize("https://shop.example", v.apiKey).Header.Get("Location"))
	q := loc.Query()
	if loc.Host != "shop.example" || loc.Path != "/wc-auth/v1/authorize" || q.Get("app_name") != "Codecredit" ||
		q.Get("scope") != "read_write" || q.Get("return_url") != v.app.URL+"/admin/" ||
		q.Get("callback_url") != v.app.URL+"/auth/woocommerce/callback" ||
		!strings.HasPrefix(q.Get("user_id"), strconv.FormatUint(v.acct.ID, 10)+".") {
		t.Fatalf("authorize URL %s", loc)
	}
	req, _ := http.NewRequest(http.MethodGet, v.app.URL+"/auth/woocommerce?format=json&store=https://shop.example", nil)
	req.Header.Set("Authorization", "Bearer "+v.apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ URL string }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body.URL, "https://shop.example/wc-auth/v1/authorize?") {
		t.Fatalf("format=json: %d %+v", resp.StatusCode, body)
	}
}

// What the store posts is checked before anything is saved; a refused
// callback makes WooCommerce delete the keys.
func TestWooCommerceCallbackRejects(t *testing.T) {
	v := newWooEnv(t)
	state := func(store string) string {
		loc, _ := url.Parse(v.authorize(store, v.apiKey).Header.Get("Location"))
		return loc.Query().Get("user_id")
	}
	key, secret := v.shop.AddKey("read_write")
	grant := func(userID, perms, ck, cs string) string {
		b, _ := json.Marshal(map[string]any{"key_id": 7, "user_id": userID, "consumer_key": ck, "consumer_secret": cs, "key_permissions": perms})
		return string(b)
	}
	used := state(v.shop.URL())
	tests := []struct {
		name, body string
		want       int
	}{
		{"not JSON", "key_id=1", http.StatusBadRequest},
		{"read-only keys", grant(state(v.shop.URL()), "read", key, secret), http.StatusBadRequest},
		{"forged state", grant("1.00ff.aHR0cHM6Ly9ldmlsLmV4YW1wbGU", "read_write", key, secret), http.StatusBadRequest},
		{"keys the store refuses", grant(state(v.shop.URL()), "read_write", "ck_wrong", "cs_wrong"), http.StatusBadRequest},
		{"valid", grant(used, "read_write", key, secret), http.StatusOK},
		{"state used twice", grant(used, "read_write", key, secret), http.StatusBadRequest},
	}
	for _, tt := range tests {
		resp, err := http.Post(v.app.URL+"/auth/woocommerce/callback", "application/json;charset=UTF-8", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, resp.StatusCode, raw, tt.want)
		}
	}
	conns, _ := v.store.ListConnections(context.Background(), v.acct.ID)
	if len(conns) != 1 {
		t.Fatalf("%d connections, want only the valid one", len(conns))
	}

	// The same store connected from another account is a conflict.
	other, _ := v.store.CreateAccount(context.Background(), "Other", "", "EUR")
	otherKey, _ := v.store.CreateAPIKey(context.Background(), other.ID)
	loc, _ := url.Parse(v.authorize(v.shop.URL(), otherKey).Header.Get("Location"))
	resp, _ := http.Post(v.app.URL+"/auth/woocommerce/callback", "application/json",
		strings.NewReader(grant(loc.Query().Get("user_id"), "read_write", key, secret)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("store of another account: %d, want 409", resp.StatusCode)
	}
}

func keysOf(m models.Credentials) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce/sandbox"
)

// internalListener is a service inside the network the server must never
// be made to call; it counts what reaches it.
func internalListener(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"code":"EUR","name":"internal","home":""}`))
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

// A store URL at an internal address is refused at the door with a 400,
// and the callback a state would allow never makes the server call it.
func TestWooCommerceRefusesInternalStores(t *testing.T) {
	v := newWooEnv(t)
	internal, hits := internalListener(t)
	for _, store := range []string{internal.URL + "/internal", "https://127.0.0.1/", "https://10.0.0.8/shop",
		"https://169.254.169.254/latest", "https://[::1]/", "https://[fc00::1]/", "https://0.0.0.0/", "https://localhost/shop"} {
		req, _ := http.NewRequest(http.MethodGet, v.app.URL+"/auth/woocommerce?store="+url.QueryEscape(store), nil)
		req.Header.Set("Authorization", "Bearer "+v.apiKey)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body.Error, "not allowed") {
			t.Errorf("store %s: %d %q, want 400 saying the address is not allowed", store, resp.StatusCode, body.Error)
		}
		// Were a state handed out, the callback would make the server
		// fetch the store with the posted keys.
		if state, _ := url.Parse(resp.Header.Get("Location")); state != nil && state.Query().Get("user_id") != "" {
			v.postGrant(t, state.Query().Get("user_id"))
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal listener received %d requests", n)
	}
}

// A store whose WordPress home names an internal address is not followed
// there: the connection is refused with a 400 and nothing reaches it.
func TestWooCommerceStoreHomeAtInternalAddress(t *testing.T) {
	v := newWooEnv(t)
	internal, hits := internalListener(t)
	shop, err := v.sb.AddStore(sandbox.StoreConfig{URL: v.sbURL + "/moving", Home: internal.URL + "/internal", Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(v.authorize(shop.URL(), v.apiKey).Header.Get("Location"))
	key, secret := shop.AddKey("read_write")
	b, _ := json.Marshal(map[string]any{"key_id": 7, "user_id": loc.Query().Get("user_id"),
		"consumer_key": key, "consumer_secret": secret, "key_permissions": "read_write"})
	resp, err := http.Post(v.app.URL+"/auth/woocommerce/callback", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), "not allowed") {
		t.Fatalf("callback: %d %s, want 400", resp.StatusCode, raw)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal listener received %d requests", n)
	}
	if _, err := v.store.ConnectionBySource(context.Background(), platforms.WooCommerce, internal.URL+"/internal"); err == nil {
		t.Fatal("a connection to the internal address was saved")
	}
}

// postGrant posts WooCommerce's key callback for state with made-up keys.
func (v *wooEnv) postGrant(t *testing.T, state string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"key_id": 1, "user_id": state, "consumer_key": "ck_x",
		"consumer_secret": "cs_x", "key_permissions": "read_write"})
	resp, err := http.Post(v.app.URL+"/auth/woocommerce/callback", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// connectLocalSandboxes connects the newcomer-mode Stripe, Paddle and
// WooCommerce sandboxes as the log says, as a newcomer would, and waits for
// their existing codes to be imported.
func connectLocalSandboxes(t *testing.T, p *proc, base, key string) {
	t.Helper()
	connectWooSandbox(t, p, base, key)
	for _, platform := range []string{"stripe", "paddle"} {
		entry := p.findLog(embeddedDefault, "what", platform)
		hint, _ := entry["connect"].(string) // POST /api/v1/connections/x {"api_key":"..."}
		_, body, ok := strings.Cut(hint, " {")
		if !ok {
			t.Fatalf("log gives no way to connect the %s sandbox: %v", platform, entry)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/connections/"+platform, strings.NewReader("{"+body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("connect %s sandbox: %v %v", platform, err, resp)
		}
		resp.Body.Close()
	}
	deadline := time.Now().Add(time.Minute)
	for {
		done := map[string]int{}
		var out struct {
			Data []struct {
				Platform    string `json:"platform"`
				ImportState string `json:"import_state"`
				ImportDone  int    `json:"import_done"`
			}
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/connections", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
		}
		for _, c := range out.Data {
			if c.ImportState == "done" {
				done[c.Platform] = c.ImportDone
			}
		}
		if done["stripe"] > 0 && done["paddle"] > 0 && done["woocommerce"] > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox imports not done: %+v", out.Data)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// connectWooSandbox connects newcomer mode's WooCommerce sandbox store as
// the log says, approving on its page, and checks that the app's other
// addresses cannot be named as a store.
func connectWooSandbox(t *testing.T, p *proc, base, key string) {
	t.Helper()
	store, _ := p.findLog(embeddedDefault, "what", "woocommerce")["sandbox_store"].(string)
	if store == "" {
		t.Fatal("log names no WooCommerce sandbox store")
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string, auth bool) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	appStore := strings.Replace(store, "/_sandbox/woocommerce/demo", "/api/v1", 1)
	if resp := get(base+"/auth/woocommerce?store="+url.QueryEscape(appStore), true); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("the app's own API as a store: %d, want 400", resp.StatusCode)
	}
	resp := get(base+"/auth/woocommerce?store="+url.QueryEscape(store), true)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("connect the WooCommerce sandbox: %d", resp.StatusCode)
	}
	if back := get(resp.Header.Get("Location"), false); back.StatusCode != http.StatusFound ||
		!strings.Contains(back.Header.Get("Location"), "success=1") {
		t.Fatalf("approval on the sandbox store: %d %q", back.StatusCode, back.Header.Get("Location"))
	}
}

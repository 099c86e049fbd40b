package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// Whatever the app (or anyone) posts to the GraphQL endpoint, the sandbox
// answers JSON and never panics; the seeds are the app's own operations.
func FuzzGraphQLRequest(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "graphql", "*.graphql"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), `{"first": 5, "codesFirst": 3, "id": "gid://shopify/DiscountCodeNode/450789471"}`)
	}
	f.Add(`{ a: shop { b: name } ...on QueryRoot { shop { email } } }`, `{}`)
	f.Add(`query { codeDiscountNodes(first: 1, after: "eyJsYXN0X2lkIjoxfQ==") { nodes { id } } }`, `null`)
	sb := New(Options{APIKey: testKey, APISecret: testSecret})
	f.Cleanup(sb.Close)
	sb.AddShop(testShop, "USD")
	if err := sb.SeedDiscounts(testShop, 30); err != nil {
		f.Fatal(err)
	}
	sb.mu.Lock()
	tok := sb.issueOffline(sb.shops[testShop], "read_discounts,write_discounts", false).AccessToken
	sb.mu.Unlock()
	h := sb.Handler()
	f.Fuzz(func(t *testing.T, query, vars string) {
		var v map[string]any
		_ = json.Unmarshal([]byte(vars), &v)
		body, _ := json.Marshal(map[string]any{"query": query, "variables": v})
		req := httptest.NewRequest(http.MethodPost, "https://"+testShop+"/admin/api/"+APIVersion+"/graphql.json", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Shopify-Access-Token", tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("status %d, body is not JSON: %q", w.Code, w.Body.String())
		}
	})
}

// Every delivered body verifies with the app secret and stops verifying
// when a byte changes; seeds are the recorded samples.
func FuzzWebhookSignature(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(7))
	}
	f.Fuzz(func(t *testing.T, body []byte, at uint16) {
		if len(body) == 0 {
			return
		}
		h := http.Header{"X-Shopify-Hmac-Sha256": {WebhookHMAC(body, testSecret)}}
		if !verify(h, body, testSecret) {
			t.Fatal("a signed body does not verify")
		}
		if verify(h, body, testSecret+"x") {
			t.Fatal("verifies with another secret")
		}
		altered := append([]byte(nil), body...)
		altered[int(at)%len(altered)] ^= 0x01
		if verify(h, altered, testSecret) {
			t.Fatal("an altered body verifies")
		}
	})
}

// Whatever state the app passes, the redirect's hmac verifies the way
// go-shopify (and Shopify's documentation) checks it.
func FuzzAuthorizeState(f *testing.F) {
	for _, s := range []string{"n0nce", "a b&c=d", "ü%20+", ""} {
		f.Add(s)
	}
	sb := New(Options{APIKey: testKey, APISecret: testSecret})
	f.Cleanup(sb.Close)
	sb.AddShop(testShop, "USD")
	h := sb.Handler()
	f.Fuzz(func(t *testing.T, state string) {
		q := url.Values{"client_id": {testKey}, "redirect_uri": {"https://app.example/cb"}, "state": {state}, "shop": {testShop}}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/admin/oauth/authorize?"+q.Encode(), nil))
		loc, err := url.Parse(w.Header().Get("Location"))
		if w.Code != http.StatusFound || err != nil {
			t.Fatalf("status %d, location %q", w.Code, w.Header().Get("Location"))
		}
		if loc.Query().Get("state") != state {
			t.Fatalf("state %q came back as %q", state, loc.Query().Get("state"))
		}
		if ok, _ := (goshopify.App{ApiSecret: testSecret}).VerifyAuthorizationURL(loc); !ok {
			t.Fatalf("hmac does not verify for state %q", state)
		}
	})
}

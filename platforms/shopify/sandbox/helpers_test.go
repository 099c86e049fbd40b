package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

const (
	testKey    = "test-api-key"
	testSecret = "test-api-secret"
	testShop   = "demo-store.myshopify.com"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a running sandbox with one shop, a fake clock and a client that
// reaches it the way the app does: requests addressed to the shop's own
// host, sent to the sandbox.
type env struct {
	sb     *Sandbox
	srv    *httptest.Server
	clock  *fakeClock
	client *http.Client
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	clock := newClock()
	opts := Options{APIKey: testKey, APISecret: testSecret, Clock: clock.Now, RetryBackoff: time.Millisecond}
	if mod != nil {
		mod(&opts)
	}
	sb := New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	sb.AddShop(testShop, "USD")
	base, _ := url.Parse(srv.URL)
	client := &http.Client{Transport: rebaseTransport{base: base}, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &env{sb: sb, srv: srv, clock: clock, client: client}
}

// rebaseTransport sends a request for https://shop/... to the sandbox,
// keeping the shop's domain in the Host header.
type rebaseTransport struct{ base *url.URL }

func (t rebaseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.Host = r.URL.Host
	u := *r.URL
	u.Scheme, u.Host = t.base.Scheme, t.base.Host
	out.URL = &u
	return http.DefaultTransport.RoundTrip(out)
}

// token installs the app on the shop with a non-expiring offline token.
func (e *env) token(t *testing.T) string {
	t.Helper()
	return e.grantCode(t, "read_discounts,write_discounts,read_orders", false).AccessToken
}

func (e *env) grantCode(t *testing.T, scope string, expiring bool) tokenResponse {
	t.Helper()
	q := url.Values{"client_id": {testKey}, "scope": {scope}, "redirect_uri": {"https://app.example/auth/shopify/callback"}, "state": {"nonce"}}
	resp, err := e.client.Get("https://" + testShop + "/admin/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{"client_id": {testKey}, "client_secret": {testSecret}, "code": {loc.Query().Get("code")}}
	if expiring {
		form.Set("expiring", "1")
	}
	var tok tokenResponse
	if status := e.postForm(t, form, &tok); status != http.StatusOK {
		t.Fatalf("code grant: status %d", status)
	}
	return tok
}

func (e *env) postForm(t *testing.T, form url.Values, out any) int {
	t.Helper()
	resp, err := e.client.PostForm("https://"+testShop+"/admin/oauth/access_token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// gqlResult is a decoded GraphQL answer.
type gqlResult struct {
	Status     int
	Data       map[string]any
	Errors     []gqlError
	Extensions struct {
		Cost struct {
			RequestedQueryCost int  `json:"requestedQueryCost"`
			ActualQueryCost    *int `json:"actualQueryCost"`
			ThrottleStatus     struct {
				MaximumAvailable   float64 `json:"maximumAvailable"`
				CurrentlyAvailable float64 `json:"currentlyAvailable"`
				RestoreRate        float64 `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	}
	Raw []byte
}

func (e *env) gql(t *testing.T, token, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, "https://"+testShop+"/admin/api/"+APIVersion+"/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := gqlResult{Status: resp.StatusCode, Raw: raw}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return res
}

// dig walks decoded JSON by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

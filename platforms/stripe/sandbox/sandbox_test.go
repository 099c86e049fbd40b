package sandbox_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms/stripe/sandbox"
)

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// world is a sandbox on a local server, with a clock and one account.
type world struct {
	t       *testing.T
	sb      *sandbox.Server
	srv     *httptest.Server
	clock   *clock
	account string
	key     string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	c := &clock{t: time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.Options{Now: c.Now})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	id, key := sb.CreateAccount("Sunny Shop", "owner@sunny.example", "usd")
	return &world{t: t, sb: sb, srv: srv, clock: c, account: id, key: key}
}

// call sends a form request as stripe-go does and decodes the JSON answer.
func (w *world) call(method, path, key string, form url.Values, header ...string) (int, map[string]any) {
	w.t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		path += "?" + form.Encode()
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Stripe-Version", stripe.APIVersion)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		w.t.Fatalf("%s %s: not JSON: %v", method, path, err)
	}
	return res.StatusCode, out
}

func errorOf(out map[string]any) map[string]any {
	e, _ := out["error"].(map[string]any)
	return e
}

func TestAuthentication(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		key    string
		header []string
		status int
	}{
		{"own restricted key", w.key, nil, 200},
		{"no key", "", nil, 401},
		{"unknown key", "rk_live_nope_000000000000", nil, 401},
		{"platform key alone reads the platform", sandbox.DefaultPlatformKey, nil, 200},
		{"platform key on an account not connected", sandbox.DefaultPlatformKey, []string{"Stripe-Account", w.account}, 403},
		{"restricted key with Stripe-Account", w.key, []string{"Stripe-Account", w.account}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := w.call(http.MethodGet, "/v1/account", tt.key, nil, tt.header...)
			if status != tt.status {
				t.Fatalf("status = %d, want %d (%v)", status, tt.status, out)
			}
			if status != 200 && (errorOf(out)["type"] != "invalid_request_error" || errorOf(out)["message"] == "") {
				t.Fatalf("error envelope = %v", out)
			}
		})
	}
	if _, out := w.call(http.MethodGet, "/v1/account", w.key, nil); out["id"] != w.account || out["default_currency"] != "usd" {
		t.Fatalf("account = %v", out)
	}
}

func TestPromotionCodePaging(t *testing.T) {
	w := newWorld(t)
	if _, err := w.sb.SeedPromotionCodes(w.account, 25); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var sizes []int
	after := ""
	for page := 0; page < 5; page++ {
		q := url.Values{"limit": {"10"}, "expand[]": {"data.promotion.coupon"}}
		if after != "" {
			q.Set("starting_after", after)
		}
		status, out := w.call(http.MethodGet, "/v1/promotion_codes", w.key, q)
		if status != 200 || out["object"] != "list" || out["url"] != "/v1/promotion_codes" {
			t.Fatalf("list = %d %v", status, out)
		}
		data := out["data"].([]any)
		sizes = append(sizes, len(data))
		for _, d := range data {
			p := d.(map[string]any)
			seen[p["id"].(string)] = true
			if _, ok := p["promotion"].(map[string]any)["coupon"].(map[string]any); !ok {
				t.Fatalf("coupon not expanded: %v", p)
			}
			after = p["id"].(string)
		}
		if out["has_more"] != true {
			break
		}
	}
	if fmt.Sprint(sizes) != "[10 10 5]" || len(seen) != 25 {
		t.Fatalf("pages %v, %d distinct codes", sizes, len(seen))
	}
	_, out := w.call(http.MethodGet, "/v1/promotion_codes", w.key, url.Values{"limit": {"1"}})
	first := out["data"].([]any)[0].(map[string]any)
	if first["code"] != "SEED0025" {
		t.Fatalf("lists are newest first; got %v", first["code"])
	}
	if _, ok := first["promotion"].(map[string]any)["coupon"].(string); !ok {
		t.Fatalf("an unexpanded coupon is an id: %v", first)
	}
}

func TestPromotionCodeUniqueness(t *testing.T) {
	w := newWorld(t)
	status, _ := w.call(http.MethodPost, "/v1/coupons", w.key, url.Values{"id": {"TEN"}, "percent_off": {"10.0000"}, "duration": {"once"}})
	if status != 200 {
		t.Fatalf("coupon: %d", status)
	}
	create := func(code string, active bool) (int, map[string]any) {
		return w.call(http.MethodPost, "/v1/promotion_codes", w.key, url.Values{"code": {code},
			"promotion[type]": {"coupon"}, "promotion[coupon]": {"TEN"}, "active": {fmt.Sprint(active)}})
	}
	if status, out := create("SAVE10", true); status != 200 || out["code"] != "SAVE10" || out["active"] != true {
		t.Fatalf("first code: %d %v", status, out)
	}
	status, out := create("save10", true)
	if status != 400 || errorOf(out)["message"] != "An active promotion code with `code: save10` already exists." ||
		errorOf(out)["type"] != "invalid_request_error" {
		t.Fatalf("duplicate: %d %v", status, out)
	}
	if status, _ := create("SAVE10", false); status != 200 {
		t.Fatalf("an inactive code may share the text: %d", status)
	}
	if status, out := create("BAD CODE!", true); status != 400 || errorOf(out)["param"] != "code" {
		t.Fatalf("invalid characters: %d %v", status, out)
	}
	status, out = w.call(http.MethodPost, "/v1/coupons", w.key, url.Values{"id": {"TEN"}, "percent_off": {"10"}, "duration": {"once"}})
	if status != 400 || errorOf(out)["code"] != "resource_already_exists" {
		t.Fatalf("duplicate coupon: %d %v", status, out)
	}
	status, out = w.call(http.MethodPost, "/v1/promotion_codes", w.key, url.Values{"code": {"X1"},
		"promotion[type]": {"coupon"}, "promotion[coupon]": {"NOPE"}})
	if status != 404 || errorOf(out)["code"] != "resource_missing" {
		t.Fatalf("unknown coupon: %d %v", status, out)
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	w := newWorld(t)
	other, otherKey := w.sb.CreateAccount("Other", "o@example.com", "eur")
	_ = other
	w.sb.SetRateLimit(3)
	for i := 0; i < 3; i++ {
		if status, _ := w.call(http.MethodGet, "/v1/account", w.key, nil); status != 200 {
			t.Fatalf("request %d: %d", i+1, status)
		}
	}
	status, out := w.call(http.MethodGet, "/v1/account", w.key, nil)
	if status != 429 || errorOf(out)["code"] != "rate_limit" {
		t.Fatalf("4th request in the second: %d %v", status, out)
	}
	if status, _ := w.call(http.MethodGet, "/v1/account", otherKey, nil); status != 200 {
		t.Fatalf("another account is not throttled: %d", status)
	}
	w.clock.Add(time.Second)
	if status, _ := w.call(http.MethodGet, "/v1/account", w.key, nil); status != 200 {
		t.Fatalf("next second: %d", status)
	}
}

func TestWebhookEndpointsAndVersion(t *testing.T) {
	w := newWorld(t)
	status, out := w.call(http.MethodPost, "/v1/webhook_endpoints", w.key, url.Values{"url": {"https://app.example/webhooks/stripe?c=x"},
		"enabled_events[0]": {"invoice.paid"}, "enabled_events[1]": {"refund.created"}})
	if status != 200 || !strings.HasPrefix(fmt.Sprint(out["secret"]), "whsec_") || out["api_version"] != stripe.APIVersion {
		t.Fatalf("create: %d %v", status, out)
	}
	if fmt.Sprint(out["enabled_events"]) != "[invoice.paid refund.created]" {
		t.Fatalf("events: %v", out["enabled_events"])
	}
	_, list := w.call(http.MethodGet, "/v1/webhook_endpoints", w.key, nil)
	if ep := list["data"].([]any)[0].(map[string]any); ep["secret"] != nil {
		t.Fatalf("a listed endpoint shows no secret: %v", ep)
	}
	if status, del := w.call(http.MethodDelete, "/v1/webhook_endpoints/"+out["id"].(string), w.key, nil); status != 200 || del["deleted"] != true {
		t.Fatalf("delete: %d %v", status, del)
	}
	if status, _ := w.call(http.MethodGet, "/v1/account", w.key, nil, "Stripe-Version", "2020-08-27"); status != 400 {
		t.Fatalf("another API version: %d", status)
	}
	if status, out := w.call(http.MethodGet, "/v1/charges", w.key, nil); status != 404 || errorOf(out)["message"] == "" {
		t.Fatalf("unknown route: %d %v", status, out)
	}
}

func TestOAuth(t *testing.T) {
	w := newWorld(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "scope": {"read_write"},
		"state": {"s1"}, "redirect_uri": {"https://app.example/auth/stripe/callback"}}
	w.sb.ConnectNext(w.account)
	res, err := noRedirect.Get(w.srv.URL + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != 302 || loc.Host != "app.example" || loc.Query().Get("state") != "s1" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %s", res.StatusCode, loc)
	}
	token := func(secret string) (int, map[string]any) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "client_secret": {secret}}
		res, err := http.PostForm(w.srv.URL+"/oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	if status, out := token("sk_wrong"); status != 401 || out["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, out)
	}
	if status, out := token(sandbox.DefaultPlatformKey); status != 200 || out["stripe_user_id"] != w.account || out["token_type"] != "bearer" {
		t.Fatalf("token: %d %v", status, out)
	}
	if status, out := token(sandbox.DefaultPlatformKey); status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("a code is used once: %d %v", status, out)
	}
	if status, _ := w.call(http.MethodGet, "/v1/account", sandbox.DefaultPlatformKey, nil, "Stripe-Account", w.account); status != 200 {
		t.Fatalf("the platform now acts on the account: %d", status)
	}
}

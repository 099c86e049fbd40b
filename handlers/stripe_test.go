package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// stripeWorld is the app's Stripe routes on a real store, with the
// sandbox as Stripe.
type stripeWorld struct {
	*testApp
	sb     *sandbox.Server
	apiKey string
	acct   *models.Account
	client *http.Client // the merchant's browser: keeps cookies, does not follow redirects
}

func newStripeWorld(t *testing.T) *stripeWorld {
	t.Helper()
	w := &stripeWorld{testApp: newTestApp(t), sb: sandbox.New(sandbox.Options{}), client: browser()}
	stripeSrv := httptest.NewServer(w.sb)
	t.Cleanup(stripeSrv.Close)
	adapter := stripe.New(stripe.Config{ClientID: sandbox.DefaultClientID, SecretKey: sandbox.DefaultPlatformKey,
		WebhookSecret: "whsec_platform", AppURL: w.app.URL, BaseURL: stripeSrv.URL, HTTPClient: stripeSrv.Client()})
	w.register(Deps{Stripe: adapter, AppURL: w.app.URL})
	w.acct, w.apiKey = w.merchant("Sunny", "owner@sunny.example", "USD")
	return w
}

// browser is an HTTP client with its own cookies that does not follow
// redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request to the app with the merchant's API key ("" = none).
func (w *stripeWorld) do(method, target, key, body string) (*http.Response, map[string]any) {
	w.t.Helper()
	return w.doFrom(w.client, method, target, key, body)
}

// doFrom is do from the given browser.
func (w *stripeWorld) doFrom(client *http.Client, method, target, key, body string) (*http.Response, map[string]any) {
	w.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = w.app.URL + target
	}
	req, _ := http.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res, out
}

func TestConnectStripeKey(t *testing.T) {
	w := newStripeWorld(t)
	stripeAcct, key := w.sb.CreateAccount("Sunny Shop", "owner@sunny.example", "usd")
	tests := []struct {
		name    string
		auth    string
		body    string
		status  int
		message string
	}{
		{"no API key", "", `{"api_key":"` + key + `"}`, 401, ""},
		{"no Stripe key", w.apiKey, `{}`, 400, "api_key is required"},
		{"a key Stripe refuses", w.apiKey, `{"api_key":"rk_live_not_a_real_key_00000"}`, 400, "Stripe refused"},
		{"a publishable key", w.apiKey, `{"api_key":"pk_live_123"}`, 400, "rk_"},
		{"a good key", w.apiKey, `{"api_key":"` + key + `"}`, 201, ""},
		{"the same key again", w.apiKey, `{"api_key":"` + key + `"}`, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, out := w.do(http.MethodPost, "/api/v1/connections/stripe", tt.auth, tt.body)
			if res.StatusCode != tt.status || !strings.Contains(stripeText(out["error"]), tt.message) {
				t.Fatalf("status %d %v, want %d %q", res.StatusCode, out, tt.status, tt.message)
			}
			if tt.status == 201 && (out["external_id"] != stripeAcct || out["platform"] != "stripe" || out["currency"] != "USD") {
				t.Fatalf("connection %v", out)
			}
		})
	}
	conn, err := w.store.ConnectionBySource(context.Background(), platforms.Stripe, stripeAcct)
	if err != nil || conn.AccountID != w.acct.ID {
		t.Fatalf("connection %+v, %v", conn, err)
	}
	creds, err := w.store.ReadCredentials(conn)
	if err != nil || creds[stripe.CredMode] != stripe.ModeKey || creds[stripe.CredAPIKey] != key ||
		!strings.HasPrefix(creds[stripe.CredWebhookSecret], "whsec_") {
		t.Fatalf("credentials %v, %v", creds, err)
	}
	if eps := w.sb.Endpoints(stripeAcct); len(eps) != 1 || eps[0] != w.app.URL+"/webhooks/stripe?c="+stripeAcct {
		t.Fatalf("endpoints %v", eps)
	}
	if len(w.jobs.Imports()) != 2 || w.jobs.Imports()[0] != conn.ID {
		t.Fatalf("imports %v", w.jobs.Imports())
	}
	// Another merchant pasting the same key gets a 409; the first keeps working.
	other, err := w.store.CreateAccount(context.Background(), "Other", "o@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := w.store.CreateAPIKey(context.Background(), other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res, out := w.do(http.MethodPost, "/api/v1/connections/stripe", otherKey, `{"api_key":"`+key+`"}`); res.StatusCode != 409 {
		t.Fatalf("another merchant: %d %v", res.StatusCode, out)
	}
	conn, _ = w.store.ConnectionBySource(context.Background(), platforms.Stripe, stripeAcct)
	if after, _ := w.store.ReadCredentials(conn); after[stripe.CredWebhookSecret] != creds[stripe.CredWebhookSecret] ||
		conn.AccountID != w.acct.ID {
		t.Fatalf("the first merchant's connection changed: %v", after)
	}
}

func TestConnectStripeOAuth(t *testing.T) {
	w := newStripeWorld(t)
	stripeAcct, _ := w.sb.CreateAccount("Moon Shop", "owner@moon.example", "eur")
	w.sb.ConnectNext(stripeAcct)
	if res, _ := w.do(http.MethodGet, "/auth/stripe", "", ""); res.StatusCode != 401 {
		t.Fatalf("without an API key: %d", res.StatusCode)
	}
	res, _ := w.do(http.MethodGet, "/auth/stripe", w.apiKey, "")
	toStripe := res.Header.Get("Location")
	if res.StatusCode != 302 || !strings.Contains(toStripe, "/oauth/authorize?") {
		t.Fatalf("authorize: %d %s", res.StatusCode, toStripe)
	}
	res, _ = w.do(http.MethodGet, toStripe, "", "")
	callback := res.Header.Get("Location")
	if !strings.HasPrefix(callback, w.app.URL+"/auth/stripe/callback?") {
		t.Fatalf("stripe sent the merchant to %s", callback)
	}
	res, _ = w.do(http.MethodGet, callback, "", "")
	if res.StatusCode != 302 || res.Header.Get("Location") != w.app.URL+"/admin/" {
		t.Fatalf("callback: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	conn, err := w.store.ConnectionBySource(context.Background(), platforms.Stripe, stripeAcct)
	if err != nil || conn.AccountID != w.acct.ID || conn.Currency != "EUR" {
		t.Fatalf("connection %+v, %v", conn, err)
	}
	creds, _ := w.store.ReadCredentials(conn)
	if creds[stripe.CredMode] != stripe.ModeConnect || creds[stripe.CredStripeUserID] != stripeAcct {
		t.Fatalf("credentials %v", creds)
	}
	if res, out := w.do(http.MethodGet, callback, "", ""); res.StatusCode != 400 || !strings.Contains(stripeText(out["error"]), "state") {
		t.Fatalf("a used state: %d %v", res.StatusCode, out)
	}
	u, _ := url.Parse(callback)
	q := u.Query()
	q.Set("state", "999."+strings.SplitN(q.Get("state"), ".", 2)[1])
	// Not the state this browser started: refused before anything else.
	if res, _ := w.do(http.MethodGet, "/auth/stripe/callback?"+q.Encode(), "", ""); res.StatusCode != 403 {
		t.Fatalf("a state naming another account: %d, want 403", res.StatusCode)
	}
}

// A Connect flow started in one browser cannot be finished from another
// (a merchant's link forwarded to someone, or an attacker's state sent to
// a merchant): refused, nothing connected, the state still good for the
// browser that started it.
func TestConnectStripeStateBoundToBrowser(t *testing.T) {
	w := newStripeWorld(t)
	stripeAcct, _ := w.sb.CreateAccount("Moon Shop", "owner@moon.example", "eur")
	w.sb.ConnectNext(stripeAcct)
	res, _ := w.do(http.MethodGet, "/auth/stripe", w.apiKey, "")
	res, _ = w.do(http.MethodGet, res.Header.Get("Location"), "", "")
	callback := res.Header.Get("Location")
	if !strings.HasPrefix(callback, w.app.URL+"/auth/stripe/callback?") {
		t.Fatalf("stripe sent the merchant to %s", callback)
	}
	for name, client := range map[string]*http.Client{"another browser": browser(), "no cookies": {
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}} {
		res, out := w.doFrom(client, http.MethodGet, callback, "", "")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(stripeText(out["error"]), "another browser") {
			t.Fatalf("%s finishing the flow: %d %v, want 403", name, res.StatusCode, out)
		}
		if _, err := w.store.ConnectionBySource(context.Background(), platforms.Stripe, stripeAcct); err == nil {
			t.Fatalf("%s finishing the flow connected the account", name)
		}
	}
	res, out := w.do(http.MethodGet, callback, "", "")
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != w.app.URL+"/admin/" {
		t.Fatalf("the browser that started: %d %v", res.StatusCode, out)
	}
	if conn, err := w.store.ConnectionBySource(context.Background(), platforms.Stripe, stripeAcct); err != nil || conn.AccountID != w.acct.ID {
		t.Fatalf("connection %+v, %v", conn, err)
	}
}

func TestConnectStripeDeclined(t *testing.T) {
	w := newStripeWorld(t)
	res, out := w.do(http.MethodGet, "/auth/stripe?format=json", w.apiKey, "")
	authorize, _ := url.Parse(stripeText(out["url"]))
	if res.StatusCode != 200 || authorize == nil || authorize.Query().Get("state") == "" {
		t.Fatalf("json authorize: %d %v", res.StatusCode, out)
	}
	q := url.Values{"error": {"access_denied"}, "error_description": {"The user denied your request"},
		"state": {authorize.Query().Get("state")}}
	res, _ = w.do(http.MethodGet, "/auth/stripe/callback?"+q.Encode(), "", "")
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != 302 || loc.Path != "/admin/" || loc.Query().Get("stripe_error") != "The user denied your request" {
		t.Fatalf("declined: %d %s", res.StatusCode, loc)
	}
}

func stripeText(v any) string {
	s, _ := v.(string)
	return s
}

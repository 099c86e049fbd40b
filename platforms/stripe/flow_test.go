package stripe_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

const platformSecret = "whsec_platform_sandbox"

// app plays the app's side: the adapter, and a webhook receiver that
// verifies each delivery with the connection's secret (or the platform's,
// for a Connect event) and keeps the parsed events.
type app struct {
	t       *testing.T
	adapter *stripe.Adapter
	sb      *sandbox.Server
	now     time.Time
	srv     *httptest.Server

	mu      sync.Mutex
	secrets map[string]string          // account → its endpoint's secret
	conns   map[string]*platforms.Conn // account → its connection, to enrich events
	got     []received
}

type received struct {
	webhook platforms.Webhook
	body    []byte
	events  []platforms.Event
}

func newApp(t *testing.T) *app {
	t.Helper()
	a := &app{t: t, now: time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC), secrets: map[string]string{},
		conns: map[string]*platforms.Conn{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.receive))
	t.Cleanup(a.srv.Close)
	a.sb = sandbox.New(sandbox.Options{Now: func() time.Time { return a.now },
		ConnectWebhookURL: a.srv.URL + "/webhooks/stripe", ConnectWebhookSecret: platformSecret})
	stripeSrv := httptest.NewServer(a.sb)
	t.Cleanup(stripeSrv.Close)
	a.adapter = stripe.New(stripe.Config{ClientID: sandbox.DefaultClientID, SecretKey: sandbox.DefaultPlatformKey,
		WebhookSecret: platformSecret, AppURL: a.srv.URL, BaseURL: stripeSrv.URL, HTTPClient: stripeSrv.Client()})
	return a
}

// receive is POST /webhooks/stripe, as the generic route does it.
func (a *app) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	source, err := a.adapter.WebhookSource(r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	secret, ok := a.secrets[source]
	a.mu.Unlock()
	if !ok {
		secret = platformSecret
	}
	wh, err := a.adapter.VerifyWebhook(r.Header, body, []byte(secret), a.now)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	body = a.enrich(wh.Topic, source, body)
	events, err := a.adapter.ParseWebhook(wh.Topic, body)
	if err != nil {
		a.t.Errorf("parse %s: %v", wh.Topic, err)
	}
	a.mu.Lock()
	a.got = append(a.got, received{webhook: wh, body: body, events: events})
	a.mu.Unlock()
}

// since returns what arrived after the first n deliveries.
func (a *app) since(n int) []received {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]received(nil), a.got[n:]...)
}

func (a *app) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.got)
}

// connectKey creates a Stripe account and connects it with its key.
func (a *app) connectKey(codes int) (*platforms.Conn, stripe.Connected) {
	a.t.Helper()
	id, key := a.sb.CreateAccount("Sunny Shop", "owner@sunny.example", "usd")
	if _, err := a.sb.SeedPromotionCodes(id, codes); err != nil {
		a.t.Fatal(err)
	}
	got, err := a.adapter.ConnectWithKey(context.Background(), key)
	if err != nil {
		a.t.Fatalf("ConnectWithKey: %v", err)
	}
	a.mu.Lock()
	a.secrets[got.AccountID] = got.Credentials[stripe.CredWebhookSecret]
	pc := &platforms.Conn{ExternalID: got.AccountID, Credentials: got.Credentials}
	a.conns[got.AccountID] = pc
	a.mu.Unlock()
	return pc, got
}

// importAll pages through ImportCodes.
func (a *app) importAll(c *platforms.Conn) ([]platforms.DiscountCode, int) {
	a.t.Helper()
	var all []platforms.DiscountCode
	cursor, pages := "", 0
	for {
		page, err := a.adapter.ImportCodes(context.Background(), c, cursor)
		if err != nil {
			a.t.Fatalf("ImportCodes(%q): %v", cursor, err)
		}
		pages++
		all = append(all, page.Codes...)
		if page.Next == "" {
			return all, pages
		}
		cursor = page.Next
	}
}

func TestConnectWithKey(t *testing.T) {
	a := newApp(t)
	_, got := a.connectKey(0)
	if got.Currency != "USD" || got.Name != "Sunny Shop" || got.Email != "owner@sunny.example" {
		t.Fatalf("connected %+v", got)
	}
	creds := got.Credentials
	if creds[stripe.CredMode] != stripe.ModeKey || !strings.HasPrefix(creds[stripe.CredWebhookSecret], "whsec_") ||
		creds[stripe.CredStripeUserID] != got.AccountID {
		t.Fatalf("credentials %v", creds)
	}
	want := a.srv.URL + "/webhooks/stripe?c=" + got.AccountID
	if eps := a.sb.Endpoints(got.AccountID); len(eps) != 1 || eps[0] != want {
		t.Fatalf("endpoints %v, want [%s]", eps, want)
	}
	// A Connect endpoint at the same URL hears about the affiliates' Express accounts.
	if eps := a.sb.ConnectEndpoints(got.AccountID); len(eps) != 1 || eps[0] != want ||
		!strings.HasPrefix(creds[stripe.CredConnectWebhookSecret], "whsec_") || creds[stripe.CredConnectWebhookSecret] == creds[stripe.CredWebhookSecret] {
		t.Fatalf("connect endpoints %v, want [%s] with a secret of its own", eps, want)
	}
	// Connecting again replaces our endpoint rather than adding one.
	again, err := a.adapter.ConnectWithKey(context.Background(), creds[stripe.CredAPIKey])
	if err != nil {
		t.Fatal(err)
	}
	if eps := a.sb.Endpoints(got.AccountID); len(eps) != 1 || again.Credentials[stripe.CredWebhookSecret] == creds[stripe.CredWebhookSecret] {
		t.Fatalf("after a second connect: endpoints %v", eps)
	}
	if eps := a.sb.ConnectEndpoints(got.AccountID); len(eps) != 1 || again.Credentials[stripe.CredConnectWebhookSecret] == creds[stripe.CredConnectWebhookSecret] {
		t.Fatalf("after a second connect: connect endpoints %v", eps)
	}
	for _, key := range []string{"rk_live_unknown_key_0000000", "pk_live_publishable"} {
		_, err := a.adapter.ConnectWithKey(context.Background(), key)
		var rej *platforms.RejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("ConnectWithKey(%s) = %v, want a RejectedError", key, err)
		}
	}
}

func TestConnectOAuth(t *testing.T) {
	a := newApp(t)
	id, _ := a.sb.CreateAccount("Moon Shop", "owner@moon.example", "eur")
	a.sb.ConnectNext(id)
	u := a.adapter.AuthorizeURL("state-1")
	for _, part := range []string{"/oauth/authorize?", "response_type=code", "client_id=" + sandbox.DefaultClientID, "scope=read_write", "state=state-1"} {
		if !strings.Contains(u, part) {
			t.Fatalf("AuthorizeURL %s lacks %s", u, part)
		}
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	back := res.Header.Get("Location")
	if !strings.HasPrefix(back, a.srv.URL+"/auth/stripe/callback?") {
		t.Fatalf("redirected to %s", back)
	}
	cb, _ := url.Parse(back)
	code := cb.Query().Get("code")
	if cb.Query().Get("state") != "state-1" {
		t.Fatalf("the state comes back: %s", back)
	}
	got, err := a.adapter.ExchangeCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccountID != id || got.Currency != "EUR" || got.Credentials[stripe.CredMode] != stripe.ModeConnect ||
		got.Credentials[stripe.CredAPIKey] != "" || got.Credentials[stripe.CredWebhookSecret] != "" {
		t.Fatalf("connected %+v", got)
	}
	var rej *platforms.RejectedError
	if _, err := a.adapter.ExchangeCode(context.Background(), code); !errors.As(err, &rej) {
		t.Fatalf("a used code: %v, want a RejectedError", err)
	}
	// The connected account's events reach the platform endpoint, naming it.
	conn := &platforms.Conn{ExternalID: got.AccountID, Credentials: got.Credentials}
	if _, err := a.adapter.CreateCode(context.Background(), conn, platforms.NewCode{Code: "MOON10",
		DiscountType: "percentage", DiscountValue: 1000}); err != nil {
		t.Fatal(err)
	}
	if codes, _ := a.importAll(conn); len(codes) != 1 || codes[0].Code != "MOON10" {
		t.Fatalf("the platform key imports the connected account's codes: %+v", codes)
	}
	if _, err := a.sb.Checkout(id, "MOON10", 3000, "eur", "c@example.com"); err != nil {
		t.Fatal(err)
	}
	r := a.since(0)
	if len(r) != 1 || r[0].webhook.Source != id || r[0].events[0].Order.Subtotal != 2700 {
		t.Fatalf("received %+v", r)
	}
}

// STRIPE_BASE_URL may carry a path: the sandbox mounted inside the app.
func TestBaseURLWithAPath(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/stripe/", http.StripPrefix("/_sandbox/stripe", sb))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	id, key := sb.CreateAccount("Shop", "o@example.com", "gbp")
	a := stripe.New(stripe.Config{ClientID: sandbox.DefaultClientID, SecretKey: sandbox.DefaultPlatformKey,
		AppURL: "https://app.example", BaseURL: srv.URL + "/_sandbox/stripe/", HTTPClient: srv.Client()})
	got, err := a.ConnectWithKey(context.Background(), key)
	if err != nil || got.AccountID != id || got.Currency != "GBP" {
		t.Fatalf("ConnectWithKey: %+v, %v", got, err)
	}
	u := a.AuthorizeURL("s")
	if !strings.HasPrefix(u, srv.URL+"/_sandbox/stripe/oauth/authorize?") {
		t.Fatalf("AuthorizeURL %s", u)
	}
	sb.ConnectNext(id)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := url.Parse(res.Header.Get("Location"))
	if c, err := a.ExchangeCode(context.Background(), back.Query().Get("code")); err != nil || c.AccountID != id {
		t.Fatalf("ExchangeCode through the base path: %+v, %v", c, err)
	}
}

// enrich adds to a subscription event what the worker's enrichment adds
// (its discounts and their coupons) before the event is parsed; other
// events are parsed as delivered.
func (a *app) enrich(topic, source string, body []byte) []byte {
	a.mu.Lock()
	pc := a.conns[source]
	a.mu.Unlock()
	if pc == nil || !strings.HasPrefix(topic, "customer.subscription.") {
		return body
	}
	out, err := a.adapter.EnrichWebhook(context.Background(), pc, topic, body)
	if err != nil {
		a.t.Errorf("enrich %s: %v", topic, err)
		return body
	}
	return out
}

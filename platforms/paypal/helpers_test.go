package paypal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	sb     *sandbox.Server
	url    string
	clock  *clock
	client *paypal.Client
}

// newEnv starts a sandbox with a test clock and a client for it.
func newEnv(t testing.TB, opts sandbox.Options) *env {
	t.Helper()
	clk := &clock{now: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	opts.Clock = clk.Now
	opts.SettleAfter = time.Minute
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	e := &env{sb: sb, url: srv.URL, clock: clk}
	e.client = e.newClient(t, sandbox.DefaultSecret)
	return e
}

func (e *env) newClient(t testing.TB, secret string) *paypal.Client {
	t.Helper()
	c, err := paypal.New(paypal.Config{ClientID: sandbox.DefaultClientID, Secret: secret, BaseURL: e.url,
		WebhookID: e.sb.WebhookID(), Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// settle moves the sandbox on by n steps and delivers the webhooks.
func (e *env) settle(n int) {
	for range n {
		e.clock.Add(time.Minute)
		e.sb.Tick(context.Background())
	}
}

func payout(id, email string, minor int64, cur string) paypal.Payout {
	return paypal.Payout{SenderItemID: id, Email: email, Amount: minor, Currency: cur, Note: "Commission"}
}

func decodeJSON(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

package stripe_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	stripego "github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// TestRequestShapesAgainstStripeMock sends the adapter's requests to
// stripe-mock (github.com/stripe/stripe-mock), Stripe's stateless mock,
// which checks every request against Stripe's OpenAPI spec and answers 400
// to an unknown, missing or malformed parameter. The sandbox of the other
// tests is ours and so shares our idea of the API; this test is where a
// request shape Stripe would refuse shows up. stripe-mock keeps no state
// (a created object is a fixture with some of the request reflected in it),
// so only the shapes are checked here, not the flows.
//
// The binary is STRIPE_MOCK_BIN, else stripe-mock on PATH; .ci/stripe-mock
// installs it and prints its path.
func TestRequestShapesAgainstStripeMock(t *testing.T) {
	base := startStripeMock(t)
	rec := &recorder{}
	a := stripe.New(stripe.Config{
		SecretKey:  "sk_test_123",
		AppURL:     "https://codecredit.example",
		BaseURL:    base,
		HTTPClient: &http.Client{Transport: rec, Timeout: 5 * time.Second},
		Logger:     slog.New(slog.DiscardHandler),
		// stripe-mock accepts test keys only.
		AllowTestKeys: true,
	})
	const connected = "acct_1CodecreditConnected"
	keyConn := func() *platforms.Conn {
		return &platforms.Conn{Credentials: map[string]string{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "sk_test_123"}}
	}
	connectConn := func() *platforms.Conn {
		return &platforms.Conn{ExternalID: connected,
			Credentials: map[string]string{stripe.CredMode: stripe.ModeConnect, stripe.CredStripeUserID: connected}}
	}
	ctx := func(t *testing.T) context.Context {
		c, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		t.Cleanup(cancel)
		return c
	}

	var account stripe.Connected
	t.Run("LookupKey", func(t *testing.T) {
		got, err := a.LookupKey(ctx(t), "sk_test_123")
		rec.expect(t, "GET /v1/account")
		if err != nil {
			t.Fatalf("LookupKey: %v", err)
		}
		if !strings.HasPrefix(got.AccountID, "acct_") || got.Credentials[stripe.CredStripeUserID] != got.AccountID {
			t.Errorf("account id %q, credentials %v", got.AccountID, got.Credentials)
		}
		if got.Credentials[stripe.CredMode] != stripe.ModeKey || got.Credentials[stripe.CredAPIKey] != "sk_test_123" {
			t.Errorf("credentials %v", got.Credentials)
		}
		if len(got.Currency) != 3 || got.Currency != strings.ToUpper(got.Currency) {
			t.Errorf("currency %q, want an upper-case ISO code", got.Currency)
		}
		account = got
	})

	// stripe-mock's webhook endpoint fixture has no secret (Stripe returns
	// it only from the create call, and the fixture is the retrieved
	// object), so the adapter, which cannot work without the secret, fails
	// after a successful exchange with its own error. What is checked is
	// that stripe-mock accepted the list and the create (2xx, no Stripe
	// error) and that nothing was kept.
	t.Run("CreateWebhookEndpoint", func(t *testing.T) {
		if account.AccountID == "" {
			t.Skip("LookupKey failed")
		}
		err := a.CreateWebhookEndpoint(ctx(t), &account)
		calls := rec.expect(t, "GET /v1/webhook_endpoints", "POST /v1/webhook_endpoints")
		var se *stripego.Error
		if errors.As(err, &se) {
			t.Fatalf("Stripe refused the webhook endpoint: %v", err)
		}
		const noSecret = "stripe: the new webhook endpoint came without a signing secret"
		if err == nil || err.Error() != noSecret {
			t.Fatalf("CreateWebhookEndpoint: %v, want the adapter's own %q (stripe-mock's fixture has no secret)", err, noSecret)
		}
		if _, ok := account.Credentials[stripe.CredWebhookSecret]; ok {
			t.Errorf("credentials %v keep a webhook secret", account.Credentials)
		}
		if len(calls) == 2 {
			for _, want := range []string{"url=https://codecredit.example/webhooks/stripe?c=" + account.AccountID,
				"api_version=" + stripego.APIVersion, "enabled_events[0]=checkout.session.completed"} {
				if !strings.Contains(calls[1].body, want) {
					t.Errorf("the create request %q lacks %q", calls[1].body, want)
				}
			}
		}
	})

	importCases := []struct {
		name, cursor string
		conn         func() *platforms.Conn
		account      string // the Stripe-Account header expected
	}{
		{"ImportCodes/key", "", keyConn, ""},
		{"ImportCodes/key/next page", "promo_1Previous", keyConn, ""},
		{"ImportCodes/connect", "", connectConn, connected},
	}
	for _, tc := range importCases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := a.ImportCodes(ctx(t), tc.conn(), tc.cursor)
			calls := rec.expect(t, "GET /v1/promotion_codes")
			if err != nil {
				t.Fatalf("ImportCodes: %v", err)
			}
			if len(calls) == 1 {
				c := calls[0]
				if c.account != tc.account {
					t.Errorf("Stripe-Account %q, want %q", c.account, tc.account)
				}
				want := []string{"limit=100", "expand[0]=data.promotion.coupon"}
				if tc.cursor != "" {
					want = append(want, "starting_after="+tc.cursor)
				}
				for _, w := range want {
					if !strings.Contains(c.query, w) {
						t.Errorf("query %q lacks %q", c.query, w)
					}
				}
			}
			if page.Total != -1 || len(page.Codes) == 0 {
				t.Fatalf("page %+v, want codes and Total -1", page)
			}
			for _, dc := range page.Codes {
				// The fixture's coupon comes expanded, so its terms are read.
				if !strings.HasPrefix(dc.PlatformCodeID, "promo_") || dc.Code == "" || dc.PlatformID == "" ||
					(dc.DiscountType != "percentage" && dc.DiscountType != "fixed_amount") || dc.DiscountValue <= 0 {
					t.Errorf("code %+v: want a promo_ id, a code, a coupon id and the coupon's discount", dc)
				}
			}
		})
	}

	createCases := []struct {
		name    string
		conn    func() *platforms.Conn
		account string
		code    platforms.NewCode
		coupon  string   // the coupon id the adapter derives from the terms
		form    []string // what the coupon create request must carry
	}{
		{"CreateCode/percentage", keyConn, "",
			platforms.NewCode{Code: "ALICE15", Title: "Alice", DiscountType: "percentage", DiscountValue: 1550, OncePerCustomer: true},
			"codecredit_pct_1550", []string{"percent_off=15.5", "duration=once", "id=codecredit_pct_1550"}},
		{"CreateCode/fixed amount", keyConn, "",
			platforms.NewCode{Code: "BOB5", DiscountType: "fixed_amount", DiscountValue: 500, Currency: "USD"},
			"codecredit_off_500_usd", []string{"amount_off=500", "currency=usd", "duration=once"}},
		{"CreateCode/connect", connectConn, connected,
			platforms.NewCode{Code: "CAROL10", Title: "Carol", DiscountType: "fixed_amount", DiscountValue: 1000, Currency: "eur"},
			"codecredit_off_1000_eur", []string{"amount_off=1000", "currency=eur"}},
	}
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.CreateCode(ctx(t), tc.conn(), tc.code)
			// Exactly these two: a refused create would send the adapter
			// to its fallbacks (retrieve the coupon, list the codes).
			calls := rec.expect(t, "POST /v1/coupons", "POST /v1/promotion_codes")
			if err != nil {
				t.Fatalf("CreateCode: %v", err)
			}
			for _, c := range calls {
				if c.account != tc.account {
					t.Errorf("%s %s: Stripe-Account %q, want %q", c.method, c.path, c.account, tc.account)
				}
			}
			if len(calls) == 2 {
				for _, w := range tc.form {
					if !strings.Contains(calls[0].body, w) {
						t.Errorf("coupon request %q lacks %q", calls[0].body, w)
					}
				}
				if !strings.Contains(calls[1].body, "code="+tc.code.Code) {
					t.Errorf("promotion code request %q lacks the code", calls[1].body)
				}
			}
			// stripe-mock reflects the request into its fixture: the code
			// and the coupon id come back (the coupon unexpanded, so its
			// terms are not read: DiscountType stays "other").
			if !strings.HasPrefix(got.PlatformCodeID, "promo_") || got.Code != tc.code.Code || got.PlatformID != tc.coupon {
				t.Errorf("created %+v, want a promo_ id, code %q on coupon %q", got, tc.code.Code, tc.coupon)
			}
			if got.OncePerCustomer != tc.code.OncePerCustomer {
				t.Errorf("OncePerCustomer %v, want %v", got.OncePerCustomer, tc.code.OncePerCustomer)
			}
		})
	}
}

// exchange is one request the adapter sent and stripe-mock's answer.
// Query and body are URL-decoded, to be read and searched.
type exchange struct {
	method, path, query, body string
	account                   string // the Stripe-Account header
	status                    int
	answer                    string // the response body, kept for an error
}

// recorder is the adapter's transport: it sends each request on and keeps
// the exchange.
type recorder struct {
	mu    sync.Mutex
	calls []exchange
}

// RoundTrip sends r and records it with the status (and body of an error).
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{method: req.Method, path: req.URL.Path, query: unescape(req.URL.RawQuery),
		account: req.Header.Get("Stripe-Account")}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		x.body = unescape(string(b))
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		x.status = resp.StatusCode
		if resp.StatusCode >= 300 {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			x.answer = string(b)
			resp.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, x)
	r.mu.Unlock()
	return resp, err
}

// unescape is a form or query string decoded, for reading.
func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// expect takes the exchanges recorded since the last call and fails the
// test unless they are exactly these requests ("METHOD /path"), each
// answered 2xx. It returns them.
func (r *recorder) expect(t *testing.T, want ...string) []exchange {
	t.Helper()
	r.mu.Lock()
	calls := r.calls
	r.calls = nil
	r.mu.Unlock()
	var got []string
	for _, c := range calls {
		got = append(got, c.method+" "+c.path)
		if c.status < 200 || c.status >= 300 {
			t.Errorf("stripe-mock refused %s %s (status %d)\n  query: %s\n  body:  %s\n  answer: %s",
				c.method, c.path, c.status, c.query, c.body, strings.TrimSpace(c.answer))
		}
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("requests %q, want %q", got, want)
	}
	return calls
}

// startStripeMock runs stripe-mock on free loopback ports until the test
// ends and returns its HTTP base URL. Without the binary the test fails
// under CI and is skipped elsewhere.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("STRIPE_MOCK_BIN")
	if bin == "" {
		bin, _ = exec.LookPath("stripe-mock")
	}
	if bin == "" {
		const how = "stripe-mock not found: set STRIPE_MOCK_BIN to its path, or put it on PATH " +
			"(export STRIPE_MOCK_BIN=$(bash .ci/stripe-mock), which runs " +
			"GOBIN=$(go env GOPATH)/bin go install github.com/stripe/stripe-mock@v0.203.0)"
		if os.Getenv("CI") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("stripe-mock: %v", err)
	}

	// Port 0 lets the system choose free ports, which stripe-mock prints.
	// The HTTPS address must be given too: with only an HTTP address it
	// would also listen for HTTPS on its default :12112.
	out := &watcher{found: make(chan string, 1)}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	deadline := time.After(8 * time.Second)
	var addr string
	select {
	case addr = <-out.found:
	case err := <-exited:
		exited <- err // for the cleanup
		t.Fatalf("stripe-mock exited (%v):\n%s", err, out.text())
	case <-deadline:
		t.Fatalf("stripe-mock did not start listening within 8s:\n%s", out.text())
	}
	base := "http://" + addr

	// Wait until it answers (any HTTP status will do).
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(base + "/v1/account")
		if err == nil {
			resp.Body.Close()
			return base
		}
		select {
		case <-deadline:
			t.Fatalf("stripe-mock at %s does not answer: %v\n%s", base, err, out.text())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// watcher keeps stripe-mock's output and sends the HTTP address it reports
// listening on ("Listening for HTTP at address: 127.0.0.1:NNNN").
type watcher struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	found chan string
	sent  bool
}

var listeningHTTP = regexp.MustCompile(`Listening for HTTP at address: (\S+)\n`)

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		if m := listeningHTTP.FindSubmatch(w.buf.Bytes()); m != nil {
			w.found <- string(m[1])
			w.sent = true
		}
	}
	return len(p), nil
}

func (w *watcher) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

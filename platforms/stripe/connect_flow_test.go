package stripe_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// payRig is the sandbox served under a path, as the app mounts it, an
// adapter pointed at it, and the platform's Connect webhook endpoint,
// which keeps the verified account.updated events.
type payRig struct {
	sb      *sandbox.Server
	a       *stripe.Adapter
	now     time.Time
	browser *http.Client // follows no redirects

	mu      sync.Mutex
	updates []stripe.ConnectedAccount
}

func newPayRig(t testing.TB) *payRig {
	t.Helper()
	r := &payRig{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		browser: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	hooks := httptest.NewServer(http.HandlerFunc(r.receive))
	t.Cleanup(hooks.Close)
	r.sb = sandbox.New(sandbox.Options{Now: func() time.Time { return r.now },
		ConnectWebhookURL: hooks.URL, ConnectWebhookSecret: platformSecret})
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/stripe/", http.StripPrefix("/_sandbox/stripe", r.sb))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r.a = stripe.New(stripe.Config{ClientID: sandbox.DefaultClientID, SecretKey: sandbox.DefaultPlatformKey,
		WebhookSecret: platformSecret, AppURL: "https://cc.example", BaseURL: srv.URL + "/_sandbox/stripe",
		HTTPClient: srv.Client()})
	return r
}

// receive is the platform's Connect endpoint: a delivery with a bad
// signature is refused, account.updated is read.
func (r *payRig) receive(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	wh, err := r.a.VerifyWebhook(req.Header, body, []byte(platformSecret), r.now)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if wh.Topic == stripe.EventAccountUpdated {
		acct, err := stripe.ParseAccountUpdated(body)
		if err != nil || wh.Source != acct.ID {
			http.Error(w, "unreadable account.updated", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.updates = append(r.updates, acct)
		r.mu.Unlock()
	}
}

func (r *payRig) lastUpdate(t *testing.T) stripe.ConnectedAccount {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.updates) == 0 {
		t.Fatal("no account.updated was delivered")
	}
	return r.updates[len(r.updates)-1]
}

// onboarded creates an Express account on the platform and completes its
// onboarding through the link, as the affiliate's browser would.
func (r *payRig) onboarded(t *testing.T, payer *platforms.Conn, email string) stripe.ConnectedAccount {
	t.Helper()
	ctx := context.Background()
	acct, err := r.a.CreateExpressAccount(ctx, payer, stripe.NewExpressAccount{Email: email, Metadata: map[string]string{"affiliate": email}})
	if err != nil {
		t.Fatalf("CreateExpressAccount: %v", err)
	}
	link, _, err := r.a.OnboardingLink(ctx, payer, acct.ID, "https://cc.example/portal/stripe/refresh", "https://cc.example/portal/stripe/done")
	if err != nil {
		t.Fatalf("OnboardingLink: %v", err)
	}
	if loc := r.follow(t, http.MethodPost, link); loc != "https://cc.example/portal/stripe/done" {
		t.Fatalf("completing onboarding went to %q, want the return URL", loc)
	}
	return acct
}

// follow requests a link as a browser and returns where it redirects.
func (r *payRig) follow(t *testing.T, method, link string) string {
	t.Helper()
	req, _ := http.NewRequest(method, link, nil)
	resp, err := r.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// An affiliate's Express account starts unable to receive transfers, with
// requirements due; the onboarding link shows a page, completing it sends
// the browser to the return URL and account.updated to the platform, and
// the account then reads as ready. A used link leads to the refresh URL.
func TestExpressOnboarding(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	acct, err := r.a.CreateExpressAccount(ctx, nil, stripe.NewExpressAccount{Email: "ann@example.com", Country: "gb"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(acct.ID, "acct_") || acct.CanReceiveTransfers() || acct.PayoutsEnabled ||
		len(acct.CurrentlyDue) == 0 || acct.Currency != "GBP" || acct.Email != "ann@example.com" {
		t.Fatalf("new account %+v: want one that cannot be paid yet, with requirements due", acct)
	}
	link, expires, err := r.a.OnboardingLink(ctx, nil, acct.ID, "https://cc.example/refresh", "https://cc.example/done")
	if err != nil || !strings.Contains(link, "/_sandbox/stripe/setup/e/"+acct.ID+"/") || !expires.After(r.now) {
		t.Fatalf("OnboardingLink = %q (expires %v), %v", link, expires, err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Complete onboarding") {
		t.Fatalf("the onboarding page: %d %s", resp.StatusCode, page)
	}
	if loc := r.follow(t, http.MethodPost, link); loc != "https://cc.example/done" {
		t.Fatalf("completing went to %q", loc)
	}
	if got := r.lastUpdate(t); got.ID != acct.ID || !got.CanReceiveTransfers() || !got.PayoutsEnabled || len(got.CurrentlyDue) != 0 {
		t.Errorf("account.updated says %+v, want the account ready", got)
	}
	read, err := r.a.ExpressAccount(ctx, nil, acct.ID)
	if err != nil || !read.CanReceiveTransfers() || !read.DetailsSubmitted || read.Metadata == nil {
		t.Errorf("ExpressAccount = %+v, %v", read, err)
	}
	if loc := r.follow(t, http.MethodGet, link); loc != "https://cc.example/refresh" {
		t.Errorf("a used link went to %q, want the refresh URL", loc)
	}
	r.now = r.now.Add(10 * time.Minute)
	stale, _, _ := r.a.OnboardingLink(ctx, nil, acct.ID, "https://cc.example/refresh", "https://cc.example/done")
	r.now = r.now.Add(6 * time.Minute)
	if loc := r.follow(t, http.MethodGet, stale); loc != "https://cc.example/refresh" {
		t.Errorf("an expired link went to %q, want the refresh URL", loc)
	}
}

// A transfer sent again with the same key and parameters is the same
// transfer and moves the money once; the key with another amount is
// refused and moves nothing.
func TestTransferIdempotency(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	acct := r.onboarded(t, nil, "bob@example.com")
	platform := r.sb.PlatformAccount()
	r.sb.SetBalance(platform, "USD", 10000)
	in := stripe.NewTransfer{Amount: 2500, Currency: "USD", Destination: acct.ID, TransferGroup: "run_7",
		Metadata: map[string]string{"payout": "p_1"}, IdempotencyKey: "payout-p_1-attempt-1"}
	first, err := r.a.CreateTransfer(ctx, nil, in)
	if err != nil || !strings.HasPrefix(first.ID, "tr_") || first.Amount != 2500 || first.Currency != "USD" ||
		first.Destination != acct.ID || first.TransferGroup != "run_7" || first.Metadata["payout"] != "p_1" || first.Replayed {
		t.Fatalf("CreateTransfer = %+v, %v", first, err)
	}
	again, err := r.a.CreateTransfer(ctx, nil, in)
	if err != nil || again.ID != first.ID || !again.Replayed {
		t.Fatalf("the same request again = %+v, %v; want %s replayed", again, err, first.ID)
	}
	other := in
	other.Amount = 3000
	if _, err := r.a.CreateTransfer(ctx, nil, other); !errors.Is(err, stripe.ErrIdempotencyKeyReused) {
		t.Fatalf("the key with another amount: %v, want ErrIdempotencyKeyReused", err)
	}
	if got := r.sb.Transfers(platform); len(got) != 1 || got[0].ID != first.ID {
		t.Errorf("transfers made: %+v, want only %s", got, first.ID)
	}
	if p, x := r.sb.Balance(platform, "usd"), r.sb.Balance(acct.ID, "usd"); p != 7500 || x != 2500 {
		t.Errorf("balances platform %d, affiliate %d; want 7500 and 2500", p, x)
	}
	read, err := r.a.GetTransfer(ctx, nil, first.ID)
	if err != nil || read.Amount != 2500 || read.AmountReversed != 0 {
		t.Errorf("GetTransfer = %+v, %v", read, err)
	}
	if avail, err := r.a.AvailableBalance(ctx, nil, "usd"); err != nil || avail != 7500 {
		t.Errorf("AvailableBalance = %d, %v; want 7500", avail, err)
	}
}

package shopify_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

const (
	apiKey    = "sandbox-app-key"
	apiSecret = "sandbox-app-secret"
	shopName  = "alice-goods.myshopify.com"
)

// clock is a manual clock shared by the sandbox and the adapter, so token
// expiry and the throttle's restore rate move only when a test says so.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type rig struct {
	sb    *sandbox.Sandbox
	a     *shopify.Adapter
	clock *clock
	base  string
}

// newRig starts a sandbox with one shop and an adapter pointed at it
// through its base URL: the same client code as against Shopify.
func newRig(t *testing.T, currency string) *rig {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.Options{APIKey: apiKey, APISecret: apiSecret, Clock: clk.Now,
		AppURL: "http://127.0.0.1:1"})
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	sb.AddShop(shopName, currency)
	a := shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: base, HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: clk.Now})
	return &rig{sb: sb, a: a, clock: clk, base: base}
}

// approve follows the authorize URL as the merchant's browser would and
// returns the callback query Shopify redirects to.
func (r *rig) approve(t *testing.T, state string) url.Values {
	t.Helper()
	return r.approveAt(t, r.a.AuthorizeURL(shopName, state))
}

// approveAt follows an authorize URL and returns the callback query.
func (r *rig) approveAt(t *testing.T, authorize string) url.Values {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), "https://cc.example.com/auth/shopify/callback?") {
		t.Fatalf("authorize redirected to %q", resp.Header.Get("Location"))
	}
	return loc.Query()
}

// install runs the authorization code grant and returns the connection.
func (r *rig) install(t *testing.T) *platforms.Conn {
	t.Helper()
	return r.installAt(t, r.a.AuthorizeURL(shopName, "state-1"))
}

// installAt runs the grant from an authorize URL with state "state-1".
func (r *rig) installAt(t *testing.T, authorize string) *platforms.Conn {
	t.Helper()
	q := r.approveAt(t, authorize)
	shop, err := r.a.VerifyCallback(q, r.clock.Now())
	if err != nil || shop != shopName || q.Get("state") != "state-1" {
		t.Fatalf("VerifyCallback = %q, %v (state %q)", shop, err, q.Get("state"))
	}
	conn, err := r.a.ExchangeCode(context.Background(), shop, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestInstallWithCodeGrant(t *testing.T) {
	r := newRig(t, "EUR")
	ctx := context.Background()
	conn := r.install(t)
	c := conn.Credentials
	if c[shopify.CredAccessToken] == "" || c[shopify.CredRefreshToken] == "" || !conn.Changed {
		t.Fatalf("credentials %v: want an expiring offline token with a refresh token", c)
	}
	if want := r.clock.Now().Add(time.Hour).Format(time.RFC3339); c[shopify.CredAccessExpiresAt] != want {
		t.Errorf("access token expires %s, want %s", c[shopify.CredAccessExpiresAt], want)
	}
	if !strings.Contains(c[shopify.CredScope], "write_discounts") {
		t.Errorf("scope %q", c[shopify.CredScope])
	}
	name, email, currency, err := r.a.ShopInfo(ctx, conn)
	if err != nil || name == "" || !strings.Contains(email, "@") || currency != "EUR" {
		t.Fatalf("ShopInfo = %q %q %q, %v", name, email, currency, err)
	}
	for i, want := range []int{len(shopify.Topics), 0} { // installing again adds nothing
		n, err := r.a.EnsureWebhooks(ctx, conn, shopify.Topics, r.a.WebhookCallbackURL())
		if err != nil || n != want {
			t.Fatalf("EnsureWebhooks #%d = %d, %v; want %d", i+1, n, err, want)
		}
	}
	// A code is good for one exchange only.
	q := r.approve(t, "state-2")
	if _, err := r.a.ExchangeCode(ctx, shopName, q.Get("code")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.a.ExchangeCode(ctx, shopName, q.Get("code")); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("second use of a code: %v, want ErrUnauthorized", err)
	}
}

func TestTokenExchangeThenRefreshBeforeExpiry(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	st := r.sb.MintSessionToken(shopName, time.Minute)
	shop, err := r.a.VerifySessionToken(st, r.clock.Now())
	if err != nil || shop != shopName {
		t.Fatalf("VerifySessionToken = %q, %v", shop, err)
	}
	conn, err := r.a.ExchangeSessionToken(ctx, shop, st)
	if err != nil {
		t.Fatal(err)
	}
	first := copyCreds(conn.Credentials)
	conn.Changed = false

	r.clock.Advance(50 * time.Minute) // 10 minutes left: no refresh yet
	if _, _, _, err := r.a.ShopInfo(ctx, conn); err != nil || conn.Changed {
		t.Fatalf("ShopInfo at 50 min: %v, changed %v; want the same token", err, conn.Changed)
	}
	r.clock.Advance(6 * time.Minute) // 4 minutes left: refreshed first
	if _, _, _, err := r.a.ShopInfo(ctx, conn); err != nil {
		t.Fatal(err)
	}
	c := conn.Credentials
	if !conn.Changed || c[shopify.CredAccessToken] == first[shopify.CredAccessToken] ||
		c[shopify.CredRefreshToken] == first[shopify.CredRefreshToken] {
		t.Fatalf("after refresh: changed %v, creds %v; want both tokens rotated", conn.Changed, c)
	}
	if want := r.clock.Now().Add(time.Hour).Format(time.RFC3339); c[shopify.CredAccessExpiresAt] != want {
		t.Errorf("new token expires %s, want %s", c[shopify.CredAccessExpiresAt], want)
	}
	// Shopify keeps the replaced refresh token usable until its replacement
	// is used (https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens);
	// after the next refresh the first one is dead.
	second := copyCreds(c)
	r.clock.Advance(56 * time.Minute)
	if _, _, _, err := r.a.ShopInfo(ctx, conn); err != nil || conn.Credentials[shopify.CredRefreshToken] == second[shopify.CredRefreshToken] {
		t.Fatalf("second refresh: %v, creds %v", err, conn.Credentials)
	}
	stale := &platforms.Conn{ExternalID: shopName, Credentials: first}
	if _, _, _, err := r.a.ShopInfo(ctx, stale); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("refresh with a used refresh token: %v, want ErrUnauthorized", err)
	}
}

func TestRevokedTokenIsUnauthorized(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := r.install(t)
	r.sb.RevokeTokens(shopName) // as an uninstall does
	if _, _, _, err := r.a.ShopInfo(ctx, conn); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("ShopInfo with a revoked token: %v", err)
	}
	if _, err := r.a.ImportCodes(ctx, conn, ""); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("ImportCodes with a revoked token: %v", err)
	}
	r.clock.Advance(58 * time.Minute) // the refresh is refused too
	if _, err := r.a.CreateCode(ctx, conn, platforms.NewCode{Code: "X1", DiscountType: "percentage", DiscountValue: 500}); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("CreateCode needing a refresh of a revoked token: %v", err)
	}
}

func copyCreds(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

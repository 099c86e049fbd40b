package handlers_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/platforms"
)

// browser is a cookie jar in front of the app: what one browser sends.
type browser struct {
	cookies map[string]*http.Cookie
}

func newBrowser() *browser { return &browser{cookies: map[string]*http.Cookie{}} }

func (b *browser) get(e *echo.Echo, target string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, ck := range b.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		b.cookies[ck.Name] = ck
	}
	return rec
}

// signInEnv is the app as Register wires it for a standalone Shopify
// (the sandbox), with merchant sessions, and demoShops if given.
func newSignInEnv(t *testing.T, demoShops map[string]uint64, store *models.Store) (*shopifyEnv, *echo.Echo) {
	t.Helper()
	v := newShopifyEnv(t)
	if store != nil {
		v.store = store
	}
	sessions, err := handlers.NewMerchantSessions(v.store, false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: v.store, Logger: slog.New(slog.DiscardHandler), Shopify: v.adapter,
		Nonces: v.nonces, Sessions: sessions, DemoShops: demoShops, AppURL: sbAppURL})
	return v, e
}

// startInstall opens the install in b and lets the sandbox merchant
// approve it, returning the callback's URL.
func startInstall(t *testing.T, e *echo.Echo, b *browser) string {
	t.Helper()
	rec := b.get(e, "/auth/shopify?shop="+sbShop)
	if rec.Code != http.StatusFound {
		t.Fatalf("install: %d %s", rec.Code, rec.Body.String())
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != "/auth/shopify/callback" {
		t.Fatalf("merchant sent to %q", resp.Header.Get("Location"))
	}
	return loc.RequestURI()
}

type connectionsView struct {
	Data []struct {
		ID        uint64 `json:"id"`
		AccountID uint64 `json:"account_id"`
		Platform  string `json:"platform"`
		Name      string `json:"name"`
	} `json:"data"`
	Sandbox *handlers.Sandboxes `json:"sandbox"`
}

func listConnections(t *testing.T, e *echo.Echo, b *browser) (int, connectionsView) {
	t.Helper()
	rec := b.get(e, "/api/v1/connections")
	var out connectionsView
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// The browser that installs the shop outside Shopify's admin ends signed
// in to the shop's account and lands on Get started.
func TestShopifyInstallSignsInTheInstallingBrowser(t *testing.T) {
	_, e := newSignInEnv(t, nil, nil)
	b := newBrowser()
	rec := b.get(e, startInstall(t, e, b))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/admin/" {
		t.Fatalf("callback: %d → %q, want 302 to /admin/", rec.Code, rec.Header().Get("Location"))
	}
	if ck := b.cookies[handlers.SessionCookie]; ck == nil || ck.Value == "" || !ck.HttpOnly {
		t.Fatalf("no merchant session cookie after the install: %v", b.cookies)
	}
	code, conns := listConnections(t, e, b)
	if code != http.StatusOK || len(conns.Data) != 1 || conns.Data[0].Platform != platforms.Shopify {
		t.Fatalf("GET /api/v1/connections with the session: %d %+v", code, conns)
	}
	if conns.Data[0].Name != "Bobs Bikes" {
		t.Errorf("store shown as %q, want the shop's name Bobs Bikes", conns.Data[0].Name)
	}
	if conns.Sandbox != nil {
		t.Errorf("sandbox links shown outside newcomer mode: %+v", conns.Sandbox)
	}
}

// A callback URL opened in another browser (sent to a victim, say) still
// completes the install it belongs to, but signs no one in there.
func TestShopifyInstallCallbackInAnotherBrowserDoesNotSignIn(t *testing.T) {
	v, e := newSignInEnv(t, nil, nil)
	attacker, victim := newBrowser(), newBrowser()
	callback := startInstall(t, e, attacker)
	victim.cookies["cc_shopify_state"] = &http.Cookie{Name: "cc_shopify_state", Value: "0123abcd"}
	rec := victim.get(e, callback)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != v.adapter.AppHomeURL(sbShop) {
		t.Fatalf("callback in another browser: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	if ck := victim.cookies[handlers.SessionCookie]; ck != nil && ck.Value != "" {
		t.Fatalf("the other browser was signed in: %+v", ck)
	}
	if code, _ := listConnections(t, e, victim); code != http.StatusUnauthorized {
		t.Fatalf("the other browser calls the API: %d, want 401", code)
	}
	v.connection() // installed all the same
	// Replayed in the browser that started it, the used state signs no one in.
	if rec := attacker.get(e, callback); rec.Code != http.StatusBadRequest || attacker.cookies[handlers.SessionCookie] != nil {
		t.Fatalf("replayed callback: %d, cookies %v", rec.Code, attacker.cookies)
	}
}

// In newcomer mode the demo shop's install joins the demo account (the
// one whose API key the log prints) instead of making a second one.
func TestShopifyDemoShopJoinsTheDemoAccount(t *testing.T) {
	v := newShopifyEnv(t)
	demo, err := v.store.CreateAccount(context.Background(), "Demo Store", "demo@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	key, err := v.store.CreateAPIKey(context.Background(), demo.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, e := newSignInEnv(t, map[string]uint64{sbShop: demo.ID}, v.store)
	b := newBrowser()
	if rec := b.get(e, startInstall(t, e, b)); rec.Header().Get("Location") != "/admin/" {
		t.Fatalf("callback → %q", rec.Header().Get("Location"))
	}
	conn, err := v.store.ConnectionBySource(context.Background(), platforms.Shopify, sbShop)
	if err != nil || conn.AccountID != demo.ID {
		t.Fatalf("shop installed on account %v (%v), want the demo account %d", conn, err, demo.ID)
	}
	_, conns := listConnections(t, e, b)
	if len(conns.Data) != 1 || conns.Data[0].AccountID != demo.ID {
		t.Fatalf("signed in to %+v, want the demo account %d", conns, demo.ID)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/connections", nil)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+key)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var byKey connectionsView
	_ = json.Unmarshal(rec.Body.Bytes(), &byKey)
	if len(byKey.Data) != 1 || byKey.Data[0].ID != conn.ID {
		t.Fatalf("the demo API key sees %s, want the shop", rec.Body.String())
	}
}

// Connections made before names were kept show a readable name.
func TestConnectionNamesFallBack(t *testing.T) {
	for _, tt := range []struct {
		conn models.Connection
		want string
	}{
		{models.Connection{Platform: platforms.Shopify, ExternalID: "bobs-bikes.myshopify.com"}, "bobs-bikes"},
		{models.Connection{Platform: platforms.Shopify, ExternalID: "bobs-bikes.myshopify.com", Name: "Bob's Bikes"}, "Bob's Bikes"},
		{models.Connection{Platform: platforms.WooCommerce, ExternalID: "https://shop.example.com/"}, "shop.example.com"},
		{models.Connection{Platform: platforms.Stripe, ExternalID: "acct_1Abc"}, "Stripe account"},
		{models.Connection{Platform: platforms.Paddle, ExternalID: "cc_xyz"}, "Paddle account"},
	} {
		if got := tt.conn.DisplayName(); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.conn.Platform, tt.conn.ExternalID, got, tt.want)
		}
	}
}

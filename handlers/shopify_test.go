package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

const (
	sbKey    = "handler-app-key"
	sbSecret = "handler-app-secret"
	sbShop   = "bobs-bikes.myshopify.com"
	sbAppURL = "https://cc.example.com"
)

// shopifyEnv is the app with its install routes, on a Shopify sandbox.
type shopifyEnv struct {
	*env
	sb      *sandbox.Sandbox
	adapter *shopify.Adapter
	nonces  *handlers.MemNonces
	offset  time.Duration // added to the wall clock, for token expiry
	mu      sync.Mutex
}

func (v *shopifyEnv) now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return time.Now().Add(v.offset)
}

func (v *shopifyEnv) advance(d time.Duration) { v.mu.Lock(); v.offset += d; v.mu.Unlock() }

// newShopifyEnv wires the install handlers to a Shopify sandbox and a
// fresh PostgreSQL schema, with the routes as routes.go lists them.
func newShopifyEnv(t *testing.T) *shopifyEnv {
	t.Helper()
	v := &shopifyEnv{nonces: &handlers.MemNonces{}}
	v.sb = sandbox.New(sandbox.Options{APIKey: sbKey, APISecret: sbSecret, Clock: v.now, AppURL: "http://127.0.0.1:1"})
	base, err := v.sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.sb.Close)
	v.sb.AddShop(sbShop, "EUR")
	v.adapter = shopify.New(shopify.Config{APIKey: sbKey, APISecret: sbSecret, AppURL: sbAppURL, BaseURL: base, Clock: v.now})
	v.env = newEnvFrom(t, testdb.Postgres(t), handlers.Deps{Jobs: &handlers.FakeJobs{}, Shopify: v.adapter, Nonces: v.nonces})
	return v
}

func (v *shopifyEnv) get(target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, vals := range header {
		req.Header[k] = vals
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return rec
}

// approve starts the install and lets the sandbox merchant approve it,
// returning the callback query.
func (v *shopifyEnv) approve() url.Values {
	v.t.Helper()
	rec := v.get("/auth/shopify?shop="+sbShop, nil)
	if rec.Code != http.StatusFound {
		v.t.Fatalf("install: %d %s", rec.Code, rec.Body.String())
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(rec.Header().Get("Location"))
	if err != nil {
		v.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != "/auth/shopify/callback" {
		v.t.Fatalf("merchant sent to %q", resp.Header.Get("Location"))
	}
	return loc.Query()
}

func (v *shopifyEnv) callback(q url.Values) *httptest.ResponseRecorder {
	return v.get("/auth/shopify/callback?"+q.Encode(), nil)
}

func (v *shopifyEnv) connection() *models.Connection {
	v.t.Helper()
	conn, err := v.store.ConnectionBySource(context.Background(), platforms.Shopify, sbShop)
	if err != nil {
		v.t.Fatal(err)
	}
	return conn
}

func shopifyErrorOf(rec *httptest.ResponseRecorder) string {
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return body.Error
}

func TestShopifyInstallRejectsBadShops(t *testing.T) {
	v := newShopifyEnv(t)
	for _, shop := range []string{"", "evil.com", "bobs-bikes.myshopify.com.evil.com", "https://bobs-bikes.myshopify.com",
		"bobs-bikes.myshopify.com/admin", "-bikes.myshopify.com", "bobs bikes.myshopify.com"} {
		rec := v.get("/auth/shopify?shop="+url.QueryEscape(shop), nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(shopifyErrorOf(rec), "myshopify.com") {
			t.Errorf("shop %q: %d %s; want 400", shop, rec.Code, rec.Body.String())
		}
	}
	if len(v.nonces.Keys()) != 0 {
		t.Errorf("nonces stored for refused shops: %v", v.nonces.Keys())
	}
}

func TestShopifyInstallCodeGrant(t *testing.T) {
	v := newShopifyEnv(t)
	q := v.approve()
	for k, ttl := range v.nonces.Keys() {
		if ttl != 10*time.Minute || !strings.HasSuffix(k, q.Get("state")) {
			t.Errorf("nonce %q kept for %s; want the state for 10 minutes", k, ttl)
		}
	}
	rec := v.callback(q)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != sbAppURL+"/admin/?shop="+sbShop {
		t.Fatalf("callback: %d %s → %q", rec.Code, rec.Body.String(), rec.Header().Get("Location"))
	}
	conn := v.connection()
	acct, err := v.store.GetAccount(context.Background(), conn.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if conn.Status != models.ConnectionActive || conn.Currency != "EUR" || acct.Currency != "EUR" || acct.Email == "" {
		t.Fatalf("connection %+v, account %+v", conn, acct)
	}
	creds, err := v.store.ReadCredentials(conn)
	if err != nil || creds[shopify.CredAccessToken] == "" || creds[shopify.CredRefreshToken] == "" {
		t.Fatalf("stored credentials %v, %v", creds, err)
	}
	if got := v.queue.Imports(); len(got) != 1 || got[0] != conn.ID {
		t.Fatalf("imports started %v, want [%d]", got, conn.ID)
	}
	pc := &platforms.Conn{ExternalID: sbShop, Credentials: creds}
	if n, err := v.adapter.EnsureWebhooks(context.Background(), pc, shopify.Topics, sbAppURL+"/webhooks/shopify"); err != nil || n != 0 {
		t.Fatalf("webhooks left to subscribe after install: %d, %v", n, err)
	}

	// The callback cannot be replayed: its state is used up.
	if rec := v.callback(q); rec.Code != http.StatusBadRequest || !strings.Contains(shopifyErrorOf(rec), "state") {
		t.Fatalf("replayed callback: %d %s", rec.Code, rec.Body.String())
	}
	// Installing again reuses the account and the connection.
	if rec := v.callback(v.approve()); rec.Code != http.StatusFound {
		t.Fatalf("reinstall: %d %s", rec.Code, rec.Body.String())
	}
	if again := v.connection(); again.ID != conn.ID || again.AccountID != conn.AccountID {
		t.Fatalf("reinstall made connection %d/account %d, want %d/%d", again.ID, again.AccountID, conn.ID, conn.AccountID)
	}
}

func TestShopifyCallbackRefusals(t *testing.T) {
	v := newShopifyEnv(t)
	tests := []struct {
		name string
		edit func(q url.Values) url.Values
	}{
		{"unknown state", func(q url.Values) url.Values {
			q.Set("state", "made-up")
			q.Set("hmac", sandbox.QueryHMAC(q, sbSecret))
			return q
		}},
		{"altered code", func(q url.Values) url.Values { q.Set("code", "deadbeef"); return q }},
		{"wrong secret", func(q url.Values) url.Values { q.Set("hmac", sandbox.QueryHMAC(q, "other")); return q }},
		{"stale", func(q url.Values) url.Values {
			q.Set("timestamp", "1700000000")
			q.Set("hmac", sandbox.QueryHMAC(q, sbSecret))
			return q
		}},
		{"another shop", func(q url.Values) url.Values {
			q.Set("shop", "mallory.myshopify.com")
			q.Set("hmac", sandbox.QueryHMAC(q, sbSecret))
			return q
		}},
		{"bad shop", func(q url.Values) url.Values {
			q.Set("shop", "mallory.example.com")
			q.Set("hmac", sandbox.QueryHMAC(q, sbSecret))
			return q
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := v.callback(tt.edit(v.approve()))
			if rec.Code != http.StatusBadRequest || shopifyErrorOf(rec) == "" {
				t.Fatalf("%d %s; want 400 with a reason", rec.Code, rec.Body.String())
			}
		})
	}
	if _, err := v.store.ConnectionBySource(context.Background(), platforms.Shopify, sbShop); err == nil {
		t.Fatal("a refused callback installed the shop")
	}
}

func (v *shopifyEnv) session(token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/auth/shopify/session", nil)
	if token != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return rec
}

func TestShopifyTokenExchange(t *testing.T) {
	v := newShopifyEnv(t)
	for name, tok := range map[string]string{"none": "", "garbage": "abc.def.ghi",
		"other app": shopify.MintSessionToken("other-key", sbSecret, sbShop, v.now(), time.Minute)} {
		rec := v.session(tok)
		if rec.Code != http.StatusUnauthorized || rec.Header().Get("X-Shopify-Retry-Invalid-Session-Request") != "1" {
			t.Errorf("%s token: %d %v", name, rec.Code, rec.Header())
		}
	}

	rec := v.session(v.sb.MintSessionToken(sbShop, time.Minute))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"installed":true`) ||
		!strings.Contains(rec.Body.String(), sbShop) {
		t.Fatalf("first session: %d %s", rec.Code, rec.Body.String())
	}
	conn := v.connection()
	first, _ := v.store.ReadCredentials(conn)
	if got := v.queue.Imports(); len(got) != 1 || got[0] != conn.ID {
		t.Fatalf("imports %v after a token-exchange install", got)
	}

	// A valid token needs nothing more.
	if rec := v.session(v.sb.MintSessionToken(sbShop, time.Minute)); rec.Code != http.StatusOK {
		t.Fatalf("second session: %d %s", rec.Code, rec.Body.String())
	}
	if again, _ := v.store.ReadCredentials(v.connection()); again[shopify.CredAccessToken] != first[shopify.CredAccessToken] {
		t.Fatal("a still-valid token was exchanged again")
	}

	// Four minutes from expiry the token is replaced; nothing is re-imported.
	v.advance(56 * time.Minute)
	if rec := v.session(v.sb.MintSessionToken(sbShop, time.Minute)); rec.Code != http.StatusOK {
		t.Fatalf("session near expiry: %d %s", rec.Code, rec.Body.String())
	}
	renewed, _ := v.store.ReadCredentials(v.connection())
	if renewed[shopify.CredAccessToken] == first[shopify.CredAccessToken] || v.adapter.TokenExpiring(renewed) {
		t.Fatalf("token not renewed: %v", renewed)
	}
	if got := v.queue.Imports(); len(got) != 1 {
		t.Fatalf("imports %v; renewing a token must not import again", got)
	}

	// After an uninstall, opening the app installs it again.
	if err := v.store.UninstallConnection(context.Background(), conn.ID); err != nil {
		t.Fatal(err)
	}
	if rec := v.session(v.sb.MintSessionToken(sbShop, time.Minute)); rec.Code != http.StatusOK {
		t.Fatalf("session after uninstall: %d %s", rec.Code, rec.Body.String())
	}
	if c := v.connection(); c.Status != models.ConnectionActive || c.ID != conn.ID || len(v.queue.Imports()) != 2 {
		t.Fatalf("after reopening: %+v, imports %v", c, v.queue.Imports())
	}
}

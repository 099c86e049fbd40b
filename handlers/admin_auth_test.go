package handlers

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

const (
	testAPIKey    = "test-api-key"
	testAPISecret = "test-api-secret"
)

// mint signs a session token like App Bridge's, edited by change.
func mint(t *testing.T, secret, shop string, change func(c *sessionClaims)) string {
	t.Helper()
	now := time.Now()
	c := sessionClaims{Dest: "https://" + shop, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: "https://" + shop + "/admin", Audience: jwt.ClaimStrings{testAPIKey}, Subject: "42",
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), ID: "jti-1",
	}}
	if change != nil {
		change(&c)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// adminEnv is an Echo whose API is behind AdminAuth, with two shops.
type adminEnv struct {
	t        *testing.T
	store    *models.Store
	e        *echo.Echo
	sessions *MerchantSessions
	a, b     *models.Account
	keyA     string
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	v := &adminEnv{t: t, store: testdb.Postgres(t), e: echo.New()}
	sessions, err := NewMerchantSessions(v.store, false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v.sessions = sessions
	v.e.HTTPErrorHandler = errorHandler(slog.New(slog.DiscardHandler))
	api := v.e.Group("/api/v1", apiHeaders(), AdminAuth(v.store, NewShopifySessionVerifier(testAPIKey, testAPISecret), sessions))
	aff := &affiliateHandlers{store: v.store}
	api.GET("/affiliates", aff.ListAffiliates)
	api.POST("/affiliates", aff.CreateAffiliate)
	api.GET("/affiliates/:id", aff.GetAffiliate)
	v.a = v.install("shop-a.myshopify.com", "Shop A")
	v.b = v.install("shop-b.myshopify.com", "Shop B")
	if v.keyA, err = v.store.CreateAPIKey(context.Background(), v.a.ID); err != nil {
		t.Fatal(err)
	}
	return v
}

// install connects a shop as Shopify does and returns its account.
func (v *adminEnv) install(shop, name string) *models.Account {
	v.t.Helper()
	ctx := context.Background()
	conn, err := v.store.InstallConnection(ctx, models.Install{Platform: platforms.Shopify, ExternalID: shop,
		Credentials: models.Credentials{"access_token": "x"}, Currency: "USD", ShopName: name, Email: "owner@" + shop})
	if err != nil {
		v.t.Fatal(err)
	}
	acct, err := v.store.GetAccount(ctx, conn.AccountID)
	if err != nil {
		v.t.Fatal(err)
	}
	_, err = v.store.CreateAffiliate(ctx, acct.ID, models.NewAffiliate{Name: name + " partner", Email: "partner@" + shop})
	if err != nil {
		v.t.Fatal(err)
	}
	return acct
}

// do sends a request with an Authorization bearer (none when empty).
func (v *adminEnv) do(method, path, bearer string, edit func(r *http.Request)) *httptest.ResponseRecorder {
	v.t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"name":"New One","email":"new@example.com"}`)
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	if bearer != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+bearer)
	}
	if edit != nil {
		edit(req)
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return rec
}

// affiliateNames lists the affiliates a caller sees.
func affiliateNames(t *testing.T, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("list affiliates: %d %s", rec.Code, rec.Body.String())
	}
	var page struct{ Data []models.Affiliate }
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range page.Data {
		names = append(names, a.Name)
	}
	return names
}

func TestSessionTokenSeesOnlyItsShop(t *testing.T) {
	v := newAdminEnv(t)
	tokenA := mint(t, testAPISecret, "shop-a.myshopify.com", nil)
	if got := affiliateNames(t, v.do("GET", "/api/v1/affiliates", tokenA, nil)); len(got) != 1 || got[0] != "Shop A partner" {
		t.Fatalf("shop A's token lists %v, want only Shop A's partner", got)
	}
	tokenB := mint(t, testAPISecret, "shop-b.myshopify.com", nil)
	if got := affiliateNames(t, v.do("GET", "/api/v1/affiliates", tokenB, nil)); len(got) != 1 || got[0] != "Shop B partner" {
		t.Fatalf("shop B's token lists %v, want only Shop B's partner", got)
	}
	affsB, _, err := v.store.ListAffiliates(context.Background(), v.b.ID, models.AffiliateFilter{Page: 1, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	rec := v.do("GET", "/api/v1/affiliates/"+itoa(affsB[0].ID), tokenA, nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("shop A's token on shop B's affiliate: %d %s, want 404", rec.Code, rec.Body.String())
	}
	rec = v.do("POST", "/api/v1/affiliates", tokenA, nil)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create with a session token: %d %s", rec.Code, rec.Body.String())
	}
	if got := affiliateNames(t, v.do("GET", "/api/v1/affiliates", tokenB, nil)); len(got) != 1 {
		t.Fatalf("shop A's new affiliate shows up for shop B: %v", got)
	}
}

func itoa(n uint64) string { b, _ := json.Marshal(n); return string(b) }

func TestSessionTokenRefused(t *testing.T) {
	v := newAdminEnv(t)
	shop := "shop-a.myshopify.com"
	ago := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(time.Now().Add(-d)) }
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"dest": "https://" + shop,
		"aud": testAPIKey, "exp": time.Now().Add(time.Minute).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		want  int
		retry bool
	}{
		{"valid", mint(t, testAPISecret, shop, nil), http.StatusOK, false},
		{"expired within the leeway", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.ExpiresAt = ago(5 * time.Second) }), http.StatusOK, false},
		{"forged with another secret", mint(t, "not-the-secret", shop, nil), http.StatusUnauthorized, true},
		{"expired", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.ExpiresAt = ago(time.Minute) }), http.StatusUnauthorized, true},
		{"no expiry", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.ExpiresAt = nil }), http.StatusUnauthorized, true},
		{"not yet valid", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.NotBefore = ago(-time.Minute) }), http.StatusUnauthorized, true},
		{"wrong audience", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.Audience = jwt.ClaimStrings{"other-app"} }), http.StatusUnauthorized, true},
		{"dest not a shop", mint(t, testAPISecret, "evil.example.com", nil), http.StatusUnauthorized, true},
		{"dest over http", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.Dest = "http://" + shop }), http.StatusUnauthorized, true},
		{"issuer of another shop", mint(t, testAPISecret, shop, func(c *sessionClaims) { c.Issuer = "https://shop-b.myshopify.com/admin" }), http.StatusUnauthorized, true},
		{"unsigned", none, http.StatusUnauthorized, true},
		{"garbage", "not.a.jwt", http.StatusUnauthorized, true},
		{"shop never installed", mint(t, testAPISecret, "shop-c.myshopify.com", nil), http.StatusForbidden, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := v.do("GET", "/api/v1/affiliates", tc.token, nil)
			if rec.Code != tc.want {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body.String(), tc.want)
			}
			if got := rec.Header().Get(HeaderRetryInvalidSession) == "1"; got != tc.retry {
				t.Fatalf("retry header present = %v, want %v", got, tc.retry)
			}
			if tc.want != http.StatusOK && strings.Contains(rec.Body.String(), "partner") {
				t.Fatalf("a refused token saw data: %s", rec.Body.String())
			}
		})
	}
}

func TestUninstalledShopIsRefused(t *testing.T) {
	v := newAdminEnv(t)
	conn, err := v.store.ConnectionBySource(context.Background(), platforms.Shopify, "shop-a.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.store.UninstallConnection(context.Background(), conn.ID); err != nil {
		t.Fatal(err)
	}
	rec := v.do("GET", "/api/v1/affiliates", mint(t, testAPISecret, "shop-a.myshopify.com", nil), nil)
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "partner") {
		t.Fatalf("uninstalled shop: %d %s, want 403", rec.Code, rec.Body.String())
	}
}

func TestAPIKeysStillWork(t *testing.T) {
	v := newAdminEnv(t)
	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"API key", "Bearer " + v.keyA, http.StatusOK},
		{"unknown API key", "Bearer cc_0000", http.StatusUnauthorized},
		{"no credentials", "", http.StatusUnauthorized},
		{"not a bearer", "Basic " + v.keyA, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := v.do("GET", "/api/v1/affiliates", "", func(r *http.Request) {
				if tc.header != "" {
					r.Header.Set(echo.HeaderAuthorization, tc.header)
				}
			})
			if rec.Code != tc.want {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body.String(), tc.want)
			}
			if tc.want == http.StatusOK {
				if got := affiliateNames(t, rec); len(got) != 1 || got[0] != "Shop A partner" {
					t.Fatalf("API key of shop A lists %v", got)
				}
			}
		})
	}
}

// sessionCookie is a merchant session cookie for the account, issued now+shift.
func (v *adminEnv) sessionCookie(accountID uint64, shift time.Duration) *http.Cookie {
	v.t.Helper()
	v.store.SetClock(func() time.Time { return time.Now().UTC().Add(shift) })
	defer v.store.SetClock(func() time.Time { return time.Now().UTC() })
	c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	if err := v.sessions.Issue(c, accountID); err != nil {
		v.t.Fatal(err)
	}
	ck, err := http.ParseSetCookie(c.Response().Header().Get("Set-Cookie"))
	if err != nil {
		v.t.Fatal(err)
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		v.t.Fatalf("session cookie is not HttpOnly and SameSite=Lax: %+v", ck)
	}
	return ck
}

func TestMerchantSessionCookie(t *testing.T) {
	v := newAdminEnv(t)
	good := v.sessionCookie(v.b.ID, 0)
	forged := *good
	forged.Value = good.Value[:len(good.Value)-4] + "AAAA"
	tests := []struct {
		name   string
		method string
		cookie *http.Cookie
		csrf   bool
		want   int
	}{
		{"read", "GET", good, false, http.StatusOK},
		{"write with the header", "POST", good, true, http.StatusCreated},
		{"write without the header", "POST", good, false, http.StatusForbidden},
		{"expired", "GET", v.sessionCookie(v.b.ID, -2*time.Hour), false, http.StatusUnauthorized},
		{"forged", "GET", &forged, false, http.StatusUnauthorized},
		{"no cookie", "GET", nil, false, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := v.do(tc.method, "/api/v1/affiliates", "", func(r *http.Request) {
				if tc.cookie != nil {
					r.AddCookie(tc.cookie)
				}
				if tc.csrf {
					r.Header.Set(HeaderRequestedWith, "codecredit")
				}
			})
			if rec.Code != tc.want {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body.String(), tc.want)
			}
			if tc.want == http.StatusOK {
				if got := affiliateNames(t, rec); len(got) != 1 || got[0] != "Shop B partner" {
					t.Fatalf("shop B's session lists %v", got)
				}
			}
		})
	}
}

package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/frontend"
	"codecredit/models"
)

// fakeLinks remembers the emails asked for and redeems one token.
type fakeLinks struct {
	sent  []string
	token string
	id    uint64
}

func (f *fakeLinks) Send(_ context.Context, email string) error {
	f.sent = append(f.sent, email)
	return nil
}

func (f *fakeLinks) Redeem(ctx context.Context, token string) (uint64, error) {
	id, err := f.Check(ctx, token)
	if err == nil {
		f.token = "" // single use
	}
	return id, err
}

// Check reads the link without using it up.
func (f *fakeLinks) Check(_ context.Context, token string) (uint64, error) {
	if token == "" || token != f.token {
		return 0, fmt.Errorf("%w: link", models.ErrNotFound)
	}
	return f.id, nil
}

// memSessions is a SessionStore in memory.
type memSessions struct {
	mu       sync.Mutex
	accounts map[string]uint64
}

func (m *memSessions) CreateMerchantSession(_ context.Context, accountID uint64, _ time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	secret := fmt.Sprintf("session-%d-%d", accountID, len(m.accounts))
	m.accounts[secret] = accountID
	return secret, nil
}

func (m *memSessions) MerchantSessionAccount(_ context.Context, secret string) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.accounts[secret]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("%w: session", models.ErrNotFound)
}

func (m *memSessions) EndMerchantSession(_ context.Context, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.accounts, secret)
	return nil
}

var testDist = fstest.MapFS{
	"index.html":               {Data: []byte("landing")},
	"admin/index.html":         {Data: []byte(`<html><head><!--app-bridge--><script type="module" src="/admin/assets/app-1a2b.js"></script></head></html>`)},
	"admin/assets/app-1a2b.js": {Data: []byte("console.log(1)")},
}

func newAdminSite(t *testing.T, apiKey string, links MerchantLinks) *echo.Echo {
	t.Helper()
	sessions, err := NewMerchantSessions(&memSessions{accounts: map[string]uint64{}}, true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := NewAdmin(testDist, apiKey, links, sessions, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.DiscardHandler))
	e.GET("/", admin.Root)
	e.GET("/admin", admin.Index)
	e.GET("/admin/*", admin.Serve)
	forms := sameSiteOnly()
	e.POST("/admin/login", admin.Login, forms)
	e.GET("/admin/auth", admin.ConfirmRedeem)
	e.HEAD("/admin/auth", admin.ConfirmRedeem)
	e.POST("/admin/auth", admin.Redeem, forms)
	e.POST("/admin/logout", admin.Logout, forms)
	return e
}

// postToken presses the confirm page's button: a form with the token.
func postToken(e *echo.Echo, token string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/admin/auth", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// confirmPageOf checks the page a sign-in link opens: the button posting
// its token, nothing loaded from outside, no cookie, no caching.
func confirmPageOf(t *testing.T, rec *httptest.ResponseRecorder, token string) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Sign in to Codecredit admin") ||
		!strings.Contains(body, `<form method="post" action="/admin/auth">`) ||
		!strings.Contains(body, `<input type="hidden" name="token" value="`+template.HTMLEscapeString(token)+`">`) {
		t.Fatalf("open the link: %d, want the confirm page\n%s", rec.Code, body)
	}
	csp := rec.Header().Get(echo.HeaderContentSecurityPolicy)
	if !strings.HasPrefix(csp, "frame-ancestors 'none'; default-src 'none';") || !strings.Contains(csp, "form-action 'self'") ||
		rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Set-Cookie") != "" ||
		rec.Header().Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("confirm page headers %v", rec.Header())
	}
	style := body[strings.Index(body, "<style>")+len("<style>") : strings.Index(body, "</style>")]
	sum := sha256.Sum256([]byte(style))
	if !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Fatalf("the CSP %q does not allow the page's style", csp)
	}
	for _, external := range []string{"<script", "src=", `href="http`, "@import", "url("} {
		if strings.Contains(body, external) {
			t.Fatalf("confirm page loads %q:\n%s", external, body)
		}
	}
}

func get(e *echo.Echo, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestAdminPages(t *testing.T) {
	e := newAdminSite(t, "key-123", nil)
	framed := "frame-ancestors https://demo.myshopify.com https://admin.shopify.com"
	tests := []struct {
		name, target string
		csp          string
		appBridge    bool
	}{
		{"embedded in Shopify", "/admin/?shop=demo.myshopify.com&host=abc&embedded=1", framed, true},
		{"a client route", "/admin/affiliates/7?shop=demo.myshopify.com", framed, true},
		{"no trailing slash", "/admin?shop=demo.myshopify.com", framed, true},
		{"standalone", "/admin/codes", "frame-ancestors 'none'", false},
		{"a shop that is not a shop", "/admin/?shop=evil.example.com", "frame-ancestors 'none'", false},
		{"a shop with a path", "/admin/?shop=demo.myshopify.com/x", "frame-ancestors 'none'", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(e, "GET", tc.target, "")
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "/admin/assets/app-1a2b.js") {
				t.Fatalf("%d %s, want the app's page", rec.Code, rec.Body.String())
			}
			if got := rec.Header().Get(echo.HeaderContentSecurityPolicy); got != tc.csp {
				t.Fatalf("CSP %q, want %q", got, tc.csp)
			}
			hasBridge := strings.Contains(rec.Body.String(), `<meta name="shopify-api-key" content="key-123"><script src="`+AppBridgeScript+`"></script>`)
			if hasBridge != tc.appBridge {
				t.Fatalf("App Bridge loaded = %v, want %v: %s", hasBridge, tc.appBridge, rec.Body.String())
			}
			if rec.Header().Get(echo.HeaderXFrameOptions) != "" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Fatalf("headers %v", rec.Header())
			}
		})
	}
}

func TestAdminAssetsAndRoot(t *testing.T) {
	e := newAdminSite(t, "", nil)
	rec := get(e, "GET", "/admin/assets/app-1a2b.js", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "console.log(1)" ||
		!strings.Contains(rec.Header().Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(rec.Header().Get(echo.HeaderContentType), "text/javascript") {
		t.Fatalf("asset: %d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
	if rec := get(e, "GET", "/admin/assets/missing.js", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("missing asset: %d, want 404 (not the page)", rec.Code)
	}
	if rec := get(e, "GET", "/admin/assets/../../index.html", ""); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "landing") {
		t.Fatalf("a path out of the admin served %q", rec.Body.String())
	}
	rec = get(e, "GET", "/admin/?shop=demo.myshopify.com", "")
	if strings.Contains(rec.Body.String(), "app-bridge.js") {
		t.Fatalf("App Bridge loaded without an API key")
	}
	rec = get(e, "GET", "/?shop=demo.myshopify.com&host=xyz", "")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/admin/?shop=demo.myshopify.com&host=xyz" {
		t.Fatalf("Shopify opening the app: %d %q, want the admin", rec.Code, rec.Header().Get("Location"))
	}
	rec = get(e, "GET", "/", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "landing" || rec.Header().Get(echo.HeaderContentSecurityPolicy) != "frame-ancestors 'none'" {
		t.Fatalf("root without Shopify: %d %q %v, want the landing page", rec.Code, rec.Body.String(), rec.Header())
	}
}

func TestMerchantSignIn(t *testing.T) {
	links := &fakeLinks{token: "tok-1", id: 9}
	e := newAdminSite(t, "", links)
	for _, email := range []string{"owner@example.com", "nobody@example.com"} {
		rec := get(e, "POST", "/admin/login", `{"email":"`+email+`"}`)
		if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), "If this email belongs") {
			t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body.String())
		}
	}
	if len(links.sent) != 2 || links.sent[0] != "owner@example.com" {
		t.Fatalf("links sent to %v", links.sent)
	}
	if rec := get(e, "POST", "/admin/login", `{"email":"not an email"}`); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad email: %d", rec.Code)
	}
	// Mail scanners open the link first (GET, HEAD): that uses nothing up.
	for range 2 {
		confirmPageOf(t, get(e, "GET", "/admin/auth?token=tok-1", ""), "tok-1")
	}
	if rec := get(e, "HEAD", "/admin/auth?token=tok-1", ""); rec.Header().Get("Set-Cookie") != "" || rec.Code != http.StatusOK {
		t.Fatalf("HEAD of the link: %d %v", rec.Code, rec.Header())
	}
	for _, header := range [][]string{{"Origin", "https://evil.example"}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}} {
		if rec := postToken(e, "tok-1", header...); rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("sign-in posted with %v: %d %v", header, rec.Code, rec.Header())
		}
	}
	rec := postToken(e, "tok-1", "Origin", "http://example.com", "Sec-Fetch-Site", "same-origin")
	ck, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/" || err != nil ||
		ck.Name != SessionCookie || !ck.Secure || !ck.HttpOnly || rec.Header().Get(echo.HeaderContentSecurityPolicy) != "frame-ancestors 'none'" {
		t.Fatalf("redeem: %d %v", rec.Code, rec.Header())
	}
	rec = postToken(e, "tok-1")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/?login=expired" || rec.Header().Get("Set-Cookie") != "" {
		t.Fatalf("second use of a link: %d %v", rec.Code, rec.Header())
	}
	for _, target := range []string{"/admin/auth?token=tok-1", "/admin/auth?token=made-up", "/admin/auth"} {
		rec = get(e, "GET", target, "")
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/admin/?login=expired" || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("open %s (used or unknown): %d %v", target, rec.Code, rec.Header())
		}
	}
	if rec = postToken(e, "made-up"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/?login=expired" {
		t.Fatalf("post a made-up token: %d %v", rec.Code, rec.Header())
	}
	rec = get(e, "POST", "/admin/logout", "")
	if ck, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie")); rec.Code != http.StatusNoContent || err != nil || ck.MaxAge >= 0 {
		t.Fatalf("logout: %d %v", rec.Code, rec.Header())
	}
}

// The token goes into the confirm page escaped, and the button's post
// uses it once.
func TestMerchantSignInTokenIsEscaped(t *testing.T) {
	links := &fakeLinks{token: `"><b>x`, id: 9}
	e := newAdminSite(t, "", links)
	confirmPageOf(t, get(e, "GET", "/admin/auth?token=%22%3E%3Cb%3Ex", ""), `"><b>x`)
	if rec := postToken(e, `"><b>x`); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/" {
		t.Fatalf("redeem: %d %v", rec.Code, rec.Header())
	}
	if rec := postToken(e, `"><b>x`); rec.Header().Get("Location") != "/admin/?login=expired" {
		t.Fatalf("second use: %d %v", rec.Code, rec.Header())
	}
}

func TestSignInOffWithoutLinks(t *testing.T) {
	e := newAdminSite(t, "", nil)
	if rec := get(e, "POST", "/admin/login", `{"email":"owner@example.com"}`); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("login without links: %d", rec.Code)
	}
	if rec := get(e, "GET", "/admin/auth?token=tok-1", ""); rec.Header().Get("Location") != "/admin/?login=unavailable" {
		t.Fatalf("open a link without links: %d %v", rec.Code, rec.Header())
	}
	if rec := postToken(e, "tok-1"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/?login=unavailable" {
		t.Fatalf("redeem without links: %d %v", rec.Code, rec.Header())
	}
}

func TestBuiltAdminIsEmbedded(t *testing.T) {
	if _, err := NewAdmin(frontend.Dist(), "key", nil, nil, nil); err != nil {
		t.Fatalf("the embedded build cannot be served: %v", err)
	}
}

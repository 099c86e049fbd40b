package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models/testdb"
)

// signedInSite is every route, with a merchant who has a sign-in link.
func signedInSite(t *testing.T) (*echo.Echo, *http.Cookie) {
	t.Helper()
	store := testdb.Postgres(t)
	acct, err := store.CreateAccount(context.Background(), "Demo Shop", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := NewMerchantSessions(store, true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	admin, err := NewAdmin(testDist, "", &fakeLinks{token: "tok-1", id: acct.ID}, sessions, log)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	Register(e, Deps{Store: store, Admin: admin, Sessions: sessions, Logger: log})
	rec := postToken(e, "tok-1", "Sec-Fetch-Site", "same-origin")
	ck, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if rec.Code != http.StatusSeeOther || err != nil || ck.Name != SessionCookie {
		t.Fatalf("sign in: %d %v", rec.Code, rec.Header())
	}
	return e, ck
}

// callWith sends a request with the cookie and headers in pairs.
func callWith(e *echo.Echo, method, target string, ck *http.Cookie, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.AddCookie(ck)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// Signing out ends the session on the server: the old cookie, replayed,
// is refused. Another site cannot sign the merchant out.
func TestLogoutEndsTheSession(t *testing.T) {
	e, ck := signedInSite(t)
	if rec := callWith(e, "GET", "/api/v1/affiliates", ck); rec.Code != http.StatusOK {
		t.Fatalf("signed in: %d %s", rec.Code, rec.Body)
	}
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		if rec := callWith(e, "POST", "/admin/logout", ck, h...); rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("logout from another site (%v): %d %v, want 403", h, rec.Code, rec.Header())
		}
	}
	if rec := callWith(e, "GET", "/api/v1/affiliates", ck); rec.Code != http.StatusOK {
		t.Fatalf("after a cross-site logout: %d %s, want the session alive", rec.Code, rec.Body)
	}
	rec := callWith(e, "POST", "/admin/logout", ck, "Sec-Fetch-Site", "same-origin", HeaderRequestedWith, "codecredit")
	if cleared, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie")); rec.Code != http.StatusNoContent || err != nil || cleared.MaxAge >= 0 {
		t.Fatalf("logout: %d %v", rec.Code, rec.Header())
	}
	for _, method := range []string{"GET", "POST"} {
		if rec := callWith(e, method, "/api/v1/affiliates", ck, HeaderRequestedWith, "codecredit"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("%s with the old cookie: %d %s, want 401", method, rec.Code, rec.Body)
		}
	}
}

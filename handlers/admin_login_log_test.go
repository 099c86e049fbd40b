package handlers

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Without a mail server the sign-in link goes to the server's log, and
// the answer says so instead of "check your inbox".
func TestMerchantSignInSaysTheLinkIsInTheLog(t *testing.T) {
	sessions, err := NewMerchantSessions(&memSessions{accounts: map[string]uint64{}}, true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := NewAdmin(testDist, "", &fakeLinks{token: "tok-1", id: 9}, sessions, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	admin.LinksLogged = true
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.DiscardHandler))
	e.POST("/admin/login", admin.Login, sameSiteOnly())
	rec := get(e, "POST", "/admin/login", `{"email":"owner@example.com"}`)
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), "No email is configured: the link is in the server's log") ||
		!strings.Contains(rec.Body.String(), `"delivery":"log"`) {
		t.Fatalf("login without mail: %d %s", rec.Code, rec.Body.String())
	}
}

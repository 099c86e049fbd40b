package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestLandingPageSaysHowToStart(t *testing.T) {
	e := echo.New()
	Register(e, Deps{})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Codecredit is running") ||
		!strings.Contains(rec.Body.String(), "/api/v1/") {
		t.Fatalf("GET / = %d %s", rec.Code, rec.Body.String())
	}
}

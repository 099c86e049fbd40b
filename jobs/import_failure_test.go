package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
)

// apiConnections reads GET /api/v1/connections as the merchant.
func apiConnections(t *testing.T, e *echo.Echo, key string) []models.Connection {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/connections", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var out struct{ Data []models.Connection }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("GET /api/v1/connections: %d %s", rec.Code, rec.Body)
	}
	return out.Data
}

// An import that keeps failing shows as failed, with the store's error,
// on the connection the admin reads, while asynq retries it.
func TestFailingImportShowsOnTheConnection(t *testing.T) {
	sh, fake, client, conn := catalogWorld(t, 250, 0)
	ctx := context.Background()
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: sh.store})
	key, err := sh.store.CreateAPIKey(ctx, sh.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	fake.breakWith("store answered HTTP 500")
	if err := client.EnqueueImport(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "failed import shown", func() (bool, string) {
		for _, c := range apiConnections(t, e, key) {
			if c.ID == conn.ID {
				return c.ImportState == models.ImportFailed && strings.Contains(c.LastError, "store answered HTTP 500"),
					fmt.Sprintf("import_state %q, last_error %q", c.ImportState, c.LastError)
			}
		}
		return false, "connection not listed"
	})
}

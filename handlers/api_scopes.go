package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// apiAreas maps the first segment of an /api/v1 path to the scope area
// (models.APIScopeAreas) a key needs for it. A segment missing here is
// reached only with the read, write or full scopes.
var apiAreas = map[string]string{
	"affiliates": "affiliates", "codes": "codes", "links": "links",
	"conversions": "conversions", "adjustments": "conversions", "commissions": "conversions",
	"orders": "orders", "refunds": "orders", "subscriptions": "orders", "events": "orders",
	"payouts": "payouts", "balances": "payouts", "ledger": "payouts",
	"reports": "reports", "summary": "reports",
	"settings": "settings", "commission-rules": "settings", "commission-tiers": "settings", "catalog": "settings",
	"connections": "connections", "privacy": "connections",
	"experiments":       "links",
	"emails":            "emails",
	"webhook-endpoints": "webhooks", "webhook-event-types": "webhooks",
	"api-keys": models.AreaKeys,
}

// readOnlyPosts are POST routes that change nothing (previews): a read
// scope is enough for them.
var readOnlyPosts = map[string]bool{
	"/api/v1/codes/preview":                          true,
	"/api/v1/commission-rules/preview":               true,
	"/api/v1/settings/email-templates/:kind/preview": true,
}

// routeScope is the area and access a route needs: its path as registered
// (c.Path()) and its method. Install routes outside /api/v1 that take the
// API's authentication (/auth/stripe, /auth/woocommerce) are connections.
func routeScope(method, path string) (area string, write bool) {
	write = method != http.MethodGet && method != http.MethodHead && !readOnlyPosts[path]
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return "connections", write
	}
	seg, _, _ := strings.Cut(rest, "/")
	return apiAreas[seg], write
}

// checkScope refuses (403) a key without the scope the request's route
// needs, naming the scope to add.
func checkScope(c echo.Context, k *models.APIKey) error {
	area, write := routeScope(c.Request().Method, c.Path())
	if k.Allows(area, write) {
		return nil
	}
	need := "read"
	if write {
		need = "write"
	}
	fine := ""
	if area != "" {
		fine = fmt.Sprintf(" or %s:%s", area, need)
	}
	if area == models.AreaKeys {
		need = models.ScopeFull
	}
	return echo.NewHTTPError(http.StatusForbidden, fmt.Sprintf("API key %q (scopes: %s) may not %s %s: it needs the scope %s%s",
		k.Name, strings.Join(k.ScopeList(), " "), c.Request().Method, c.Path(), need, fine))
}

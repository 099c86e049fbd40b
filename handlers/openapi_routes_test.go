package handlers

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// loadOpenAPI loads and validates the embedded document, its examples
// included.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDocument)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.json is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	return doc
}

// everyAPIRoute is every /api/v1 route Register installs when every
// optional part (Paddle, Stripe, WooCommerce, installs) is configured, as
// "METHOD /path/{param}".
func everyAPIRoute(t *testing.T) map[string]*echo.Route {
	t.Helper()
	e := echo.New()
	Register(e, Deps{Jobs: &FakeJobs{}, Nonces: &MemNonces{}, Paddle: struct{ PaddleConnector }{},
		Stripe: routeOnlyStripe{}, WooCommerce: struct{ WooCommerceConnector }{}})
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	out := map[string]*echo.Route{}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || (r.Path != "/api/v1" && !strings.HasPrefix(r.Path, "/api/v1/")) {
			continue
		}
		out[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = r
	}
	return out
}

// routeOnlyStripe is a Stripe connector good for registering routes only.
type routeOnlyStripe struct{ StripeConnector }

func (routeOnlyStripe) OAuthConfigured() bool { return false }

// TestOpenAPIListsEveryRoute fails when a route under /api/v1 is missing
// from openapi.json, or the document names one the router does not have.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	routes := everyAPIRoute(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var missing, extra []string
	for k := range routes {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if routes[k] == nil {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from handlers/openapi.json (add one entry per path):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("handlers/openapi.json names routes the router does not have:\n  %s", strings.Join(extra, "\n  "))
	}
	if len(routes) < 90 {
		t.Fatalf("only %d /api/v1 routes found: the walk is broken", len(routes))
	}
}

// TestOpenAPIScopesMatchTheCheck: each operation lists, as its apiKey
// security requirement, the scopes routeScope lets through.
func TestOpenAPIScopesMatchTheCheck(t *testing.T) {
	doc := loadOpenAPI(t)
	for k, r := range everyAPIRoute(t) {
		if r.Path == "/api/v1/openapi.json" {
			continue
		}
		method, path, _ := strings.Cut(k, " ")
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			continue // TestOpenAPIListsEveryRoute says so
		}
		area, write := routeScope(method, r.Path)
		need := map[bool]string{false: "read", true: "write"}[write]
		want := []string{need}
		if area == "keys" {
			want[0] = "full"
		}
		if area != "" {
			want = append(want, area+":"+need)
		}
		op := item.GetOperation(method)
		var got []string
		if op.Security != nil && len(*op.Security) > 0 {
			got = (*op.Security)[0]["apiKey"]
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the document lists scopes %v, the check lets %v through", k, got, want)
		}
		if !strings.Contains(op.Description, fmt.Sprintf("API key scope: %s.", strings.Join(want, " or "))) {
			t.Errorf("%s: the description does not name the scopes %v", k, want)
		}
	}
}

package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
)

func TestMetricsCountWebhooks(t *testing.T) {
	h := newHookEnv(t)
	h.deliver(delivery{platform: "appwide", store: "a.example", topic: "orders/paid", event: "m1", secret: "app-secret", body: `{}`})
	h.deliver(delivery{platform: "appwide", store: "a.example", topic: "orders/paid", event: "m2", secret: "forged", body: `{}`})
	rec := serve(h.env, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`codecredit_webhooks_received_total{duplicate="false",platform="appwide"}`,
		`codecredit_webhooks_rejected_total{platform="appwide",status="401"}`,
		`codecredit_http_request_duration_seconds_count{method="POST",route="/webhooks/:platform",status="200"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// metricValue reads one sample from the /metrics text (0 when absent).
func metricValue(t *testing.T, v *env, series string) float64 {
	t.Helper()
	rec := serve(v, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

// A model's not found reaches the client as a 404 and is counted as one.
func TestMetricsCountTheStatusSent(t *testing.T) {
	v := newEnv(t)
	key := v.tenant("Acme").key
	series := func(status string) string {
		return `codecredit_http_request_duration_seconds_count{method="GET",route="/api/v1/affiliates/:id",status="` + status + `"}`
	}
	before404, before500 := metricValue(t, v, series("404")), metricValue(t, v, series("500"))
	v.must(http.StatusNotFound, http.MethodGet, "/api/v1/affiliates/987654321", key, nil, nil)
	if got := metricValue(t, v, series("404")) - before404; got != 1 {
		t.Errorf("404s counted: %v, want 1", got)
	}
	if got := metricValue(t, v, series("500")) - before500; got != 0 {
		t.Errorf("a 404 was counted as a 500 (%v)", got)
	}
}

// METRICS_TOKEN closes /metrics, on the web process and on the worker's
// probe listener alike; without it /metrics stays open.
func TestMetricsToken(t *testing.T) {
	const token = "0123456789abcdef-metrics"
	v := newEnv(t)
	web := echo.New()
	handlers.Register(web, handlers.Deps{Store: v.store, MetricsToken: token})
	worker := echo.New()
	handlers.RegisterProbes(worker, nil, nil, token)
	open := echo.New()
	handlers.RegisterProbes(open, nil, nil, "")
	get := func(e *echo.Echo, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if auth != "" {
			req.Header.Set(echo.HeaderAuthorization, auth)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	for name, e := range map[string]*echo.Echo{"web": web, "worker": worker} {
		for _, auth := range []string{"", "Bearer wrong-token-of-some-length", "Bearer " + token + "x", "Basic " + token, token} {
			rec := get(e, auth)
			if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"error"`) ||
				strings.Contains(rec.Body.String(), "codecredit_") {
				t.Errorf("%s /metrics with %q: %d %.80s, want a 401 JSON error", name, auth, rec.Code, rec.Body.String())
			}
		}
		if rec := get(e, "Bearer "+token); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "codecredit_") {
			t.Errorf("%s /metrics with the token: %d", name, rec.Code)
		}
	}
	if rec := get(open, ""); rec.Code != http.StatusOK {
		t.Errorf("/metrics without METRICS_TOKEN: %d, want 200", rec.Code)
	}
	if rec := get(web, ""); rec.Header().Get(echo.HeaderWWWAuthenticate) == "" {
		t.Errorf("401 without WWW-Authenticate")
	}
}

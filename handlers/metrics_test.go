package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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

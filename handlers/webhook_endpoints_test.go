package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"codecredit/models"
)

// endpointBody is an endpoint as the API answers it.
type endpointBody struct {
	ID      uint64   `json:"id"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Enabled bool     `json:"enabled"`
	Secret  string   `json:"secret"`
}

// A merchant registers an endpoint and sees its secret once created and
// when opening it (never in the list), rotates it, disables it (a test
// event is then refused) and enables it again, sends a test event that the
// delivery log lists, and deletes it.
func TestWebhookEndpointLifecycle(t *testing.T) {
	v := newEnv(t)
	a := v.tenant("Shop A")
	var ep endpointBody
	v.must(http.StatusCreated, "POST", "/api/v1/webhook-endpoints", a.key,
		map[string]any{"url": "https://hooks.example.com/cc", "events": []string{"conversion.created", "payout.paid", "payout.paid"}}, &ep)
	if !strings.HasPrefix(ep.Secret, "whsec_") || !ep.Enabled || len(ep.Events) != 2 {
		t.Fatalf("created %+v, want enabled, two events, a whsec_ secret", ep)
	}
	path := fmt.Sprintf("/api/v1/webhook-endpoints/%d", ep.ID)
	rec := v.call("GET", "/api/v1/webhook-endpoints", a.key, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), ep.Secret) || !strings.Contains(rec.Body.String(), ep.URL) {
		t.Fatalf("list: %d %s, want the endpoint without its secret", rec.Code, rec.Body.String())
	}
	var got endpointBody
	v.must(http.StatusOK, "GET", path, a.key, nil, &got)
	if got.Secret != ep.Secret {
		t.Fatalf("opened endpoint shows secret %q, want %q", got.Secret, ep.Secret)
	}
	v.must(http.StatusOK, "POST", path+"/rotate-secret", a.key, nil, &got)
	if got.Secret == ep.Secret || !strings.HasPrefix(got.Secret, "whsec_") {
		t.Fatalf("rotated secret %q", got.Secret)
	}
	v.must(http.StatusOK, "PUT", path, a.key, map[string]any{"url": ep.URL, "events": ep.Events, "enabled": false}, &got)
	if got.Enabled {
		t.Fatal("endpoint still enabled after PUT enabled=false")
	}
	if rec := v.call("POST", path+"/test", a.key, nil); rec.Code != http.StatusConflict {
		t.Fatalf("test event to a disabled endpoint: %d %s, want 409", rec.Code, rec.Body.String())
	}
	v.must(http.StatusOK, "PUT", path, a.key, map[string]any{"url": ep.URL, "events": ep.Events, "enabled": true}, nil)
	var d models.WebhookDelivery
	v.must(http.StatusAccepted, "POST", path+"/test", a.key, nil, &d)
	var log listOf[struct {
		EventID   string `json:"event_id"`
		EventType string `json:"event_type"`
		Status    string `json:"status"`
		Payload   string `json:"payload"`
	}]
	v.must(http.StatusOK, "GET", path+"/deliveries", a.key, nil, &log)
	if log.Total != 1 || log.Data[0].EventType != "webhook.test" || log.Data[0].Status != "pending" ||
		log.Data[0].EventID != d.EventID || !json.Valid([]byte(log.Data[0].Payload)) {
		t.Fatalf("delivery log %+v, want the pending test event", log)
	}
	v.must(http.StatusAccepted, "POST", fmt.Sprintf("%s/deliveries/%d/redeliver", path, d.ID), a.key, nil, nil)
	v.must(http.StatusNoContent, "DELETE", path, a.key, nil, nil)
	if rec := v.call("GET", path, a.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("deleted endpoint: %d, want 404", rec.Code)
	}
}

// Bad endpoints are refused with a 400 naming the field, and nothing is
// saved: not https, internal addresses (loopback, private, link-local,
// metadata), unknown or missing event types.
func TestWebhookEndpointRefusesBadInput(t *testing.T) {
	v := newEnv(t)
	a := v.tenant("Shop A")
	for _, tc := range []struct {
		url    string
		events []string
		field  string
	}{
		{"http://hooks.example.com/cc", []string{"payout.paid"}, "url"},
		{"http://127.0.0.1:8080/cc", []string{"payout.paid"}, "url"},
		{"https://localhost/cc", []string{"payout.paid"}, "url"},
		{"https://10.1.2.3/cc", []string{"payout.paid"}, "url"},
		{"https://169.254.169.254/latest", []string{"payout.paid"}, "url"},
		{"https://[::1]/cc", []string{"payout.paid"}, "url"},
		{"ftp://hooks.example.com", []string{"payout.paid"}, "url"},
		{"", []string{"payout.paid"}, "url"},
		{"https://hooks.example.com/cc", []string{"order.shipped"}, "events"},
		{"https://hooks.example.com/cc", nil, "events"},
	} {
		rec := v.call("POST", "/api/v1/webhook-endpoints", a.key, map[string]any{"url": tc.url, "events": tc.events})
		var body struct{ Error, Field string }
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusBadRequest || body.Field != tc.field || body.Error == "" {
			t.Errorf("%q %v: %d %s, want 400 on %s", tc.url, tc.events, rec.Code, rec.Body.String(), tc.field)
		}
	}
	var n int64
	v.store.DB().Model(&models.WebhookEndpoint{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d endpoints saved from bad input", n)
	}
}

// The event names before the commission.* ones are refused with a 400
// that lists the valid types, creating or replacing an endpoint.
func TestWebhookEndpointRefusesOldEventNames(t *testing.T) {
	v := newEnv(t)
	a := v.tenant("Shop A")
	var ep endpointBody
	v.must(http.StatusCreated, "POST", "/api/v1/webhook-endpoints", a.key,
		map[string]any{"url": "https://hooks.example.com/a", "events": []string{"commission.reversed", "code.assigned"}}, &ep)
	for _, old := range []string{"conversion.reversed", "conversion.approved"} {
		for _, req := range []struct{ method, path string }{
			{"POST", "/api/v1/webhook-endpoints"}, {"PUT", "/api/v1/webhook-endpoints/" + strconv.FormatUint(ep.ID, 10)},
		} {
			rec := v.call(req.method, req.path, a.key, map[string]any{"url": "https://hooks.example.com/a", "events": []string{old}})
			var body struct{ Error, Field string }
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != http.StatusBadRequest || body.Field != "events" || !strings.Contains(body.Error, "commission.reversed, commission.approved") ||
				!strings.Contains(body.Error, "code.assigned") {
				t.Errorf("%s %s with %s: %d %s, want 400 listing the valid types", req.method, req.path, old, rec.Code, rec.Body.String())
			}
		}
	}
	var n int64
	v.store.DB().Model(&models.WebhookEndpoint{}).Where("events LIKE ?", "%conversion.%").Count(&n)
	if n != 0 {
		t.Fatalf("%d endpoints saved with an old event name", n)
	}
}

// Another account can neither see nor touch an account's endpoint, its
// secret or its deliveries: every route answers 404 and changes nothing.
func TestWebhookEndpointWrongTenant(t *testing.T) {
	v := newEnv(t)
	a, b := v.tenant("Shop A"), v.tenant("Shop B")
	var ep endpointBody
	v.must(http.StatusCreated, "POST", "/api/v1/webhook-endpoints", a.key,
		map[string]any{"url": "https://hooks.example.com/a", "events": []string{"conversion.created"}}, &ep)
	var d models.WebhookDelivery
	path := fmt.Sprintf("/api/v1/webhook-endpoints/%d", ep.ID)
	v.must(http.StatusAccepted, "POST", path+"/test", a.key, nil, &d)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", path, nil},
		{"PUT", path, map[string]any{"url": "https://evil.example.com/", "events": []string{"payout.paid"}, "enabled": false}},
		{"DELETE", path, nil},
		{"POST", path + "/rotate-secret", nil},
		{"POST", path + "/test", nil},
		{"GET", path + "/deliveries", nil},
		{"POST", fmt.Sprintf("%s/deliveries/%d/redeliver", path, d.ID), nil},
	} {
		if rec := v.call(tc.method, tc.path, b.key, tc.body); rec.Code != http.StatusNotFound {
			t.Errorf("B %s %s: %d %s, want 404", tc.method, tc.path, rec.Code, rec.Body.String())
		}
	}
	rec := v.call("GET", "/api/v1/webhook-endpoints", b.key, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "hooks.example.com") {
		t.Fatalf("B's list: %d %s", rec.Code, rec.Body.String())
	}
	var got endpointBody
	v.must(http.StatusOK, "GET", path, a.key, nil, &got)
	if got.URL != ep.URL || got.Secret != ep.Secret || !got.Enabled {
		t.Fatalf("A's endpoint after B's calls: %+v", got)
	}
	var log listOf[models.WebhookDelivery]
	v.must(http.StatusOK, "GET", path+"/deliveries", a.key, nil, &log)
	if log.Total != 1 {
		t.Fatalf("A's deliveries after B's calls: %d, want 1", log.Total)
	}
}

package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// hmacPlatform signs like Shopify and WooCommerce: base64 HMAC-SHA256 of the
// body in X-Test-Hmac; the store in X-Test-Store, topic and event id in headers.
type hmacPlatform struct{ name string }

func (p hmacPlatform) Name() string { return p.name }

func (p hmacPlatform) WebhookSource(r *http.Request, _ []byte) (string, error) {
	return r.Header.Get("X-Test-Store"), nil
}

func (p hmacPlatform) VerifyWebhook(h http.Header, body, secret []byte, _ time.Time) (platforms.Webhook, error) {
	got, err := base64.StdEncoding.DecodeString(h.Get("X-Test-Hmac"))
	if err != nil || !hmac.Equal(got, sign(secret, body)) {
		return platforms.Webhook{}, platforms.ErrSignature
	}
	return platforms.Webhook{Source: h.Get("X-Test-Store"), Topic: h.Get("X-Test-Topic"), EventID: h.Get("X-Test-Event")}, nil
}

func (p hmacPlatform) ParseWebhook(topic string, _ []byte) ([]platforms.Event, error) {
	if topic == "shop/redact" {
		return []platforms.Event{{Kind: platforms.KindPrivacy, Privacy: &platforms.PrivacyRequest{Action: "shop_redact"}}}, nil
	}
	return nil, nil
}

func sign(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

type hookEnv struct {
	*env
	conn *models.Connection
}

// newHookEnv has an app-wide-secret platform ("appwide", secret "app-secret")
// and a per-connection one ("perconn"), each with one connected store.
func newHookEnv(t *testing.T) *hookEnv {
	v := newEnvFrom(t, testdb.Postgres(t), handlers.Deps{Jobs: &handlers.FakeJobs{},
		Platforms: map[string]platforms.Platform{"appwide": hmacPlatform{"appwide"}, "perconn": hmacPlatform{"perconn"},
			platforms.API: api.Platform{}},
		AppSecrets: map[string][]byte{"appwide": []byte("app-secret")}})
	ctx := context.Background()
	conn, err := v.store.InstallConnection(ctx, models.Install{Platform: "appwide", ExternalID: "a.example", ShopName: "A", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.store.InstallConnection(ctx, models.Install{AccountID: conn.AccountID, Platform: "perconn",
		ExternalID: "p.example", Credentials: models.Credentials{"webhook_secret": "conn-secret"}}); err != nil {
		t.Fatal(err)
	}
	return &hookEnv{env: v, conn: conn}
}

type delivery struct {
	platform, store, topic, event, secret, body string
	dropHmac                                    bool
}

func (h *hookEnv) deliver(d delivery) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/"+d.platform, strings.NewReader(d.body))
	req.Header.Set("X-Test-Store", d.store)
	req.Header.Set("X-Test-Topic", d.topic)
	req.Header.Set("X-Test-Event", d.event)
	if !d.dropHmac {
		req.Header.Set("X-Test-Hmac", base64.StdEncoding.EncodeToString(sign([]byte(d.secret), []byte(d.body))))
	}
	return serve(h.env, req)
}

func (h *hookEnv) stored() int64 {
	var n int64
	h.store.DB().Model(&models.WebhookEvent{}).Count(&n)
	return n
}

func TestWebhookSignatureTable(t *testing.T) {
	h := newHookEnv(t)
	valid := delivery{platform: "appwide", store: "a.example", topic: "orders/paid", event: "e1", secret: "app-secret", body: `{"id":1}`}
	cases := []struct {
		name   string
		mutate func(d *delivery)
		want   int
	}{
		{"wrong secret", func(d *delivery) { d.secret = "guess" }, 401},
		{"missing signature", func(d *delivery) { d.dropHmac = true }, 401},
		{"empty body signed for another", func(d *delivery) { d.body = ""; d.secret = "x" }, 401},
		{"unknown platform", func(d *delivery) { d.platform = "nope" }, 404},
		{"platform whose events are not webhooks", func(d *delivery) { d.platform = platforms.API }, 404},
		{"no store named", func(d *delivery) { d.store = "" }, 401},
		{"unknown store, valid app signature", func(d *delivery) { d.store = "b.example" }, 404},
		{"per-connection platform, app secret", func(d *delivery) { d.platform, d.store = "perconn", "p.example" }, 401},
		{"per-connection platform, unknown store", func(d *delivery) { d.platform, d.store, d.secret = "perconn", "zz", "conn-secret" }, 401},
		{"oversize body", func(d *delivery) { d.body = `{"x":"` + strings.Repeat("a", 1<<20) + `"}` }, 413},
	}
	for _, c := range cases {
		d := valid
		c.mutate(&d)
		if rec := h.deliver(d); rec.Code != c.want || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: %d %s, want %d with an error message", c.name, rec.Code, rec.Body.String(), c.want)
		}
	}
	if n := h.stored(); n != 0 || len(h.queue.Events()) != 0 {
		t.Fatalf("rejected deliveries stored %d events, queued %v", n, h.queue.Events())
	}

	// The valid delivery is stored once and queued once; a redelivery is a no-op.
	for i, wantDup := range []bool{false, true} {
		rec := h.deliver(valid)
		var out struct{ Duplicate bool }
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code != 200 || out.Duplicate != wantDup {
			t.Fatalf("delivery %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	per := delivery{platform: "perconn", store: "p.example", topic: "order.created", event: "e1", secret: "conn-secret", body: `{}`}
	if rec := h.deliver(per); rec.Code != 200 {
		t.Fatalf("per-connection secret: %d %s", rec.Code, rec.Body.String())
	}
	if n := h.stored(); n != 2 || len(h.queue.Events()) != 2 {
		t.Fatalf("stored %d events, queued %v; want 2 and 2", n, h.queue.Events())
	}
	var ev models.WebhookEvent
	h.store.DB().Where("platform = ?", "appwide").Take(&ev)
	if string(ev.Body) != `{"id":1}` || ev.Topic != "orders/paid" || ev.ConnectionID != h.conn.ID {
		t.Fatalf("stored event %+v", ev)
	}
}

func TestWebhookPrivacyForGoneStoreIsAcknowledged(t *testing.T) {
	h := newHookEnv(t)
	d := delivery{platform: "appwide", store: "erased.example", topic: "shop/redact", event: "r1", secret: "app-secret", body: `{}`}
	if rec := h.deliver(d); rec.Code != 200 {
		t.Fatalf("shop/redact for an erased store: %d %s", rec.Code, rec.Body.String())
	}
	if h.stored() != 0 {
		t.Fatal("stored an event for a store that does not exist")
	}
}

func TestWebhookDatabaseDownAsksForRetry(t *testing.T) {
	h := newHookEnv(t)
	sqlDB, _ := h.store.DB().DB()
	sqlDB.Close()
	d := delivery{platform: "appwide", store: "a.example", topic: "orders/paid", event: "e9", secret: "app-secret", body: `{}`}
	if rec := h.deliver(d); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("database down: %d %s, want 503 so the platform retries", rec.Code, rec.Body.String())
	}
}

// A store connected again gets a new webhook secret: its deliveries are
// accepted at once, although the store's connection was just looked up
// for a delivery signed with the old one, which is now refused.
func TestWebhookNewSecretTakesEffectAtOnce(t *testing.T) {
	h := newHookEnv(t)
	d := delivery{platform: "perconn", store: "p.example", topic: "order.created", event: "e1", secret: "conn-secret", body: `{}`}
	if rec := h.deliver(d); rec.Code != 200 {
		t.Fatalf("old secret before the change: %d %s", rec.Code, rec.Body.String())
	}
	conn, err := h.store.ConnectionBySource(context.Background(), "perconn", "p.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SaveCredentials(context.Background(), conn.ID, models.Credentials{"webhook_secret": "rotated"}); err != nil {
		t.Fatal(err)
	}
	d.event, d.secret = "e2", "rotated"
	if rec := h.deliver(d); rec.Code != 200 {
		t.Fatalf("new secret: %d %s", rec.Code, rec.Body.String())
	}
	d.event, d.secret = "e3", "conn-secret"
	if rec := h.deliver(d); rec.Code != 401 {
		t.Fatalf("old secret after the change: %d %s, want 401", rec.Code, rec.Body.String())
	}
	if n := h.stored(); n != 2 {
		t.Fatalf("stored %d events, want 2", n)
	}
}

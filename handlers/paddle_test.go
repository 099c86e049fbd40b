package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/paddle"
	"codecredit/platforms/paddle/sandbox"
)

// paddleEnv is the whole app with the sandbox Paddle account it connects
// to and that sends it webhooks.
type paddleEnv struct {
	*testApp
	sb   *sandbox.Server
	key  string
	acct *models.Account
}

func newPaddleEnv(t *testing.T) *paddleEnv {
	t.Helper()
	v := &paddleEnv{testApp: newTestApp(t), sb: sandbox.New(sandbox.Options{RequestsPerMinute: -1})}
	paddleSrv := httptest.NewServer(v.sb)
	t.Cleanup(paddleSrv.Close)
	adapter := paddle.New(paddle.Config{BaseURL: paddleSrv.URL, AppURL: v.app.URL})
	v.register(Deps{Paddle: adapter, Platforms: map[string]platforms.Platform{platforms.Paddle: adapter}})
	v.acct, v.key = v.merchant("Merchant", "m@example.com", "EUR")
	return v
}

// post sends a JSON request to the app.
func (v *paddleEnv) post(path, key, body string) (int, []byte) {
	v.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, v.app.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestConnectPaddle(t *testing.T) {
	v := newPaddleEnv(t)
	status, body := v.post("/api/v1/connections/paddle", v.key, `{"api_key":"`+sandbox.DefaultAPIKey+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("connect: %d %s", status, body)
	}
	var conn models.Connection
	json.Unmarshal(body, &conn)
	if conn.Platform != platforms.Paddle || conn.AccountID != v.acct.ID || !strings.HasPrefix(conn.ExternalID, "cc_") ||
		conn.Currency != "EUR" || bytes.Contains(body, []byte(sandbox.DefaultAPIKey)) {
		t.Fatalf("connection = %s", body)
	}
	stored, err := v.store.ConnectionBySource(context.Background(), platforms.Paddle, conn.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	creds, _ := v.store.ReadCredentials(stored)
	ns := v.sb.NotificationSettings()
	if len(ns) != 1 || ns[0].Destination != v.app.URL+"/webhooks/paddle?c="+conn.ExternalID ||
		creds[paddle.CredWebhookSecret] != ns[0].EndpointSecretKey || creds[paddle.CredAPIKey] != sandbox.DefaultAPIKey {
		t.Fatalf("destination %+v, credentials %v", ns, creds)
	}
	if len(v.jobs.Imports()) != 1 || v.jobs.Imports()[0] != conn.ID {
		t.Errorf("imports queued = %v, want the new connection's", v.jobs.Imports())
	}
}

func TestConnectPaddleAgain(t *testing.T) {
	v := newPaddleEnv(t)
	body := `{"api_key":"` + sandbox.DefaultAPIKey + `"}`
	var ids []uint64
	for range 2 {
		status, raw := v.post("/api/v1/connections/paddle", v.key, body)
		var conn models.Connection
		json.Unmarshal(raw, &conn)
		if status != http.StatusCreated {
			t.Fatalf("connect: %d %s", status, raw)
		}
		ids = append(ids, conn.ID)
	}
	if ids[0] != ids[1] || len(v.sb.NotificationSettings()) != 1 {
		t.Fatalf("connecting twice made connections %v and %d destinations; want one of each", ids, len(v.sb.NotificationSettings()))
	}
	other, err := v.store.CreateAccount(context.Background(), "Other", "o@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _ := v.store.CreateAPIKey(context.Background(), other.ID)
	if status, raw := v.post("/api/v1/connections/paddle", otherKey, body); status != http.StatusConflict ||
		!strings.Contains(string(raw), "already connected to another") {
		t.Errorf("another account connecting the same Paddle account: %d %s, want 409", status, raw)
	}
}

func TestConnectPaddleRefusals(t *testing.T) {
	v := newPaddleEnv(t)
	tests := []struct {
		name    string
		setup   func()
		key     string
		body    string
		status  int
		message string
	}{
		{"no API key of ours", nil, "", `{"api_key":"x"}`, 401, "missing API key"},
		{"no Paddle key", nil, v.key, `{"api_key":"  "}`, 400, "api_key is required"},
		{"unknown field", nil, v.key, `{"apikey":"x"}`, 400, "unknown field"},
		{"a key Paddle refuses", nil, v.key, `{"api_key":"pdl_sdbx_apikey_revoked"}`, 400, "Paddle refused this API key"},
		{"Paddle throttling", func() { v.sb.ThrottleNext(1, 30*time.Second) }, v.key, `{"api_key":"` + sandbox.DefaultAPIKey + `"}`, 502, "Paddle is busy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			status, body := v.post("/api/v1/connections/paddle", tt.key, tt.body)
			if status != tt.status || !strings.Contains(string(body), tt.message) {
				t.Fatalf("%d %s, want %d %q", status, body, tt.status, tt.message)
			}
		})
	}
	conns, _ := v.store.ListConnections(context.Background(), v.acct.ID)
	if len(conns) != 0 || len(v.sb.NotificationSettings()) != 0 || len(v.jobs.Imports()) != 0 {
		t.Errorf("a refused connect left connections %v / destinations / imports %v", conns, v.jobs.Imports())
	}
}

func TestPaddleWebhooksReachTheApp(t *testing.T) {
	v := newPaddleEnv(t)
	if status, body := v.post("/api/v1/connections/paddle", v.key, `{"api_key":"`+sandbox.DefaultAPIKey+`"}`); status != 201 {
		t.Fatalf("connect: %d %s", status, body)
	}
	v.sb.AddDiscount(sandbox.Discount{Status: "active", Description: "x", Type: "percentage", Amount: "20",
		Code: paddlePtr("BOB20"), EnabledForCheckout: true})
	txn, err := v.sb.CompleteTransaction(context.Background(), "bob20",
		[]sandbox.Item{{Name: "Plan", UnitPrice: 4900, Quantity: 1}}, "EUR", "c@example.com")
	if err != nil {
		t.Fatalf("delivery to the app failed: %v", err)
	}
	d := v.sb.Deliveries()
	if len(d) != 1 || d[0].Status != http.StatusOK {
		t.Fatalf("deliveries = %+v", d)
	}
	var ev models.WebhookEvent
	if err := v.store.DB().Where("external_event_id = ?", d[0].EventID).Take(&ev).Error; err != nil {
		t.Fatalf("stored event: %v", err)
	}
	if ev.Platform != platforms.Paddle || ev.Topic != paddle.TopicTransactionCompleted || len(v.jobs.Events()) != 1 {
		t.Fatalf("event = %+v, queued %v", ev, v.jobs.Events())
	}
	events, err := paddle.New(paddle.Config{}).ParseWebhook(ev.Topic, ev.Body)
	if err != nil || events[0].Order.ExternalID != txn.ID || events[0].Order.Subtotal != 3920 { // 4900 − 20%
		t.Fatalf("stored body parses to %+v, %v", events, err)
	}

	// A redelivery (signed again) is a no-op; a forged one is refused.
	path := strings.TrimPrefix(d[0].Destination, v.app.URL)
	for _, tc := range []struct {
		sig    string
		status int
	}{{sandbox.Signature(v.sb.NotificationSettings()[0].EndpointSecretKey, time.Now().Unix(), d[0].Body), 200},
		{sandbox.Signature("pdl_ntfset_forged", time.Now().Unix(), d[0].Body), 401}} {
		req, _ := http.NewRequest(http.MethodPost, v.app.URL+path, bytes.NewReader(d[0].Body))
		req.Header.Set(paddle.SignatureHeader, tc.sig)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("redelivery with %s: %d, want %d", tc.sig, res.StatusCode, tc.status)
		}
	}
	var n int64
	v.store.DB().Model(&models.WebhookEvent{}).Count(&n)
	if n != 1 || len(v.jobs.Events()) != 1 {
		t.Errorf("%d events stored, %d queued after the redeliveries; want 1 and 1", n, len(v.jobs.Events()))
	}
}

func paddlePtr[T any](v T) *T { return &v }

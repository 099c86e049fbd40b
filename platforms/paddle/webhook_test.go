package paddle

import (
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

// fixture reads a recorded sample from testdata (sources in testdata/README.md).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyWebhookSignatures(t *testing.T) {
	// The body is Paddle's documented transaction.completed sample; the
	// header format is https://developer.paddle.com/webhooks/signature-verification
	body := fixture(t, "transaction_completed.json")
	secret := []byte("pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI")
	other := []byte("pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_someoneelsessecretkey00000000")
	now := time.Date(2024, 4, 12, 10, 18, 50, 0, time.UTC)
	sig := func(at time.Time, b []byte, keys ...[]byte) string { return SignatureHeaderValue(at, b, keys...) }
	altered := append([]byte(nil), body...)
	altered[len(altered)-10] = 'x'
	tests := []struct {
		name   string
		header string
		body   []byte
		secret []byte
		want   error
	}{
		{"valid", sig(now, body, secret), body, secret, nil},
		{"valid, timestamp 5 s old", sig(now.Add(-5*time.Second), body, secret), body, secret, nil},
		{"valid, sender clock 5 s ahead", sig(now.Add(5*time.Second), body, secret), body, secret, nil},
		{"wrong secret", sig(now, body, other), body, secret, platforms.ErrSignature},
		{"missing header", "", body, secret, platforms.ErrSignature},
		{"altered body", sig(now, body, secret), altered, secret, platforms.ErrSignature},
		{"empty body, signed for the real one", sig(now, body, secret), []byte{}, secret, platforms.ErrSignature},
		{"empty body, signed as empty", sig(now, []byte{}, secret), []byte{}, secret, platforms.ErrPayload},
		{"stale timestamp", sig(now.Add(-6*time.Second), body, secret), body, secret, platforms.ErrSignature},
		{"timestamp from the future", sig(now.Add(time.Minute), body, secret), body, secret, platforms.ErrSignature},
		{"several h1, rotated secret first", sig(now, body, other, secret), body, secret, nil},
		{"several h1, none matching", sig(now, body, other, other), body, secret, platforms.ErrSignature},
		{"no secret configured", sig(now, body, secret), body, nil, platforms.ErrSignature},
		{"h1 without ts", "h1=" + hex.EncodeToString(Sign(secret, "1712917130", body)), body, secret, platforms.ErrSignature},
		{"ts without h1", "ts=" + strconv.FormatInt(now.Unix(), 10), body, secret, platforms.ErrSignature},
		{"h1 not hex", "ts=" + strconv.FormatInt(now.Unix(), 10) + ";h1=zz", body, secret, platforms.ErrSignature},
		{"two ts", sig(now, body, secret) + ";ts=1", body, secret, platforms.ErrSignature},
		{"garbage", "not a signature", body, secret, platforms.ErrSignature},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set(SignatureHeader, tt.header)
			}
			wh, err := a.VerifyWebhook(h, tt.body, tt.secret, now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("VerifyWebhook error = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (wh.Topic != TopicTransactionCompleted || wh.EventID != "evt_01hv8x2acma2gz1my8rdhw6fkp") {
				t.Errorf("webhook = %+v, want the sample's topic and event id", wh)
			}
		})
	}
}

// The worked example of the Paddle Go SDK's documentation
// (ExampleWebhookVerifier_Verify): a price.created notification, its
// destination's secret key and the Paddle-Signature it came with.
func TestVerifyWebhookDocumentedExample(t *testing.T) {
	const (
		header = "ts=1710929255;h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8"
		body   = `{"data":{"id":"pri_01hsdn96k2hxjzsq5yerecdj9j","name":null,"status":"active","quantity":{"maximum":999999,"minimum":1},"tax_mode":"account_setting","product_id":"pro_01hsdn8qp7yydry3x1yeg6a9rv","unit_price":{"amount":"1000","currency_code":"USD"},"custom_data":null,"description":"testing","import_meta":null,"trial_period":null,"billing_cycle":{"interval":"month","frequency":1},"unit_price_overrides":[]},"event_id":"evt_01hsdn97563968dy0szkmgjwh3","event_type":"price.created","occurred_at":"2024-03-20T10:07:35.590857Z","notification_id":"ntf_01hsdn977e920kbgzt6r6c9rqc"}`
		secret = "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr"
	)
	signedAt := time.Unix(1710929255, 0)
	tests := []struct {
		name   string
		header string
		body   string
		secret string
		now    time.Time
		want   error
	}{
		{"as documented", header, body, secret, signedAt, nil},
		{"received 5 s later", header, body, secret, signedAt.Add(5 * time.Second), nil},
		{"received 6 s later", header, body, secret, signedAt.Add(6 * time.Second), platforms.ErrSignature},
		{"another destination's secret", header, body, "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_someoneelse", signedAt, platforms.ErrSignature},
		{"amount changed", header, strings.Replace(body, `"1000"`, `"1"`, 1), secret, signedAt, platforms.ErrSignature},
		{"timestamp changed", strings.Replace(header, "1710929255", "1710929256", 1), body, secret, signedAt, platforms.ErrSignature},
		{"beside the h1 of a rotated secret", header + ";h1=" + strings.Repeat("ab", 32), body, secret, signedAt, nil},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{SignatureHeader: {tt.header}}
			wh, err := a.VerifyWebhook(h, []byte(tt.body), []byte(tt.secret), tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("VerifyWebhook error = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (wh.Topic != "price.created" || wh.EventID != "evt_01hsdn97563968dy0szkmgjwh3") {
				t.Errorf("webhook = %+v, want the example's topic and event id", wh)
			}
		})
	}
}

func TestVerifyWebhookRepeatsEventIDOnRedelivery(t *testing.T) {
	body := fixture(t, "adjustment_updated_approved.json")
	secret := []byte("pdl_ntfset_secret")
	a := New(Config{})
	first := time.Unix(1713171250, 0)
	var ids []string
	for _, at := range []time.Time{first, first.Add(time.Hour)} { // Paddle re-signs each attempt
		h := http.Header{SignatureHeader: {SignatureHeaderValue(at, body, secret)}}
		wh, err := a.VerifyWebhook(h, body, secret, at)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, wh.EventID)
	}
	if ids[0] != ids[1] || ids[0] != "evt_01hvgfdrzm0cw2n9k6hrm8gd3x" {
		t.Errorf("event ids %v, want the same event_id both times", ids)
	}
}

func TestWebhookTolerance(t *testing.T) {
	body := fixture(t, "discount_created.json")
	secret := []byte("s")
	now := time.Unix(1712924600, 0)
	h := http.Header{SignatureHeader: {SignatureHeaderValue(now.Add(-2*time.Minute), body, secret)}}
	if _, err := New(Config{}).VerifyWebhook(h, body, secret, now); !errors.Is(err, platforms.ErrSignature) {
		t.Fatalf("2 minutes old with the default tolerance: %v, want ErrSignature", err)
	}
	if _, err := New(Config{Tolerance: 5 * time.Minute}).VerifyWebhook(h, body, secret, now); err != nil {
		t.Fatalf("2 minutes old with a 5 minute tolerance: %v", err)
	}
}

func TestWebhookSource(t *testing.T) {
	a := New(Config{AppURL: "https://app.example/"})
	url := a.WebhookURL("cc_abc123")
	if url != "https://app.example/webhooks/paddle?c=cc_abc123" {
		t.Fatalf("WebhookURL = %q", url)
	}
	tests := []struct {
		target string
		want   string
	}{
		{"/webhooks/paddle?c=cc_abc123", "cc_abc123"},
		{"/webhooks/paddle?c=cc_abc123&x=1", "cc_abc123"},
		{"/webhooks/paddle", ""},
		{"/webhooks/paddle?c=", ""},
	}
	for _, tt := range tests {
		got, err := a.WebhookSource(httptest.NewRequest(http.MethodPost, tt.target, nil), nil)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("WebhookSource(%s) = %q, %v; want %q", tt.target, got, err, tt.want)
		}
	}
}

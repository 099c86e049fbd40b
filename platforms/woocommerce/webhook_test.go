package woocommerce_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

const secret = "0d5f3b9c8a7e6d5c4b3a29180f7e6d5c"

// The signature table: only the exact body signed with the secret verifies.
func TestVerifyWebhook(t *testing.T) {
	body := fixture(t, "order_created.json")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		header  func() http.Header
		body    []byte
		secret  string
		wantErr error
	}{
		{"valid", func() http.Header { return deliveryHeader("order.created", body, secret) }, body, secret, nil},
		{"wrong secret", func() http.Header { return deliveryHeader("order.created", body, "other") }, body, secret, platforms.ErrSignature},
		{"missing signature header", func() http.Header {
			h := deliveryHeader("order.created", body, secret)
			h.Del(woocommerce.HeaderSignature)
			return h
		}, body, secret, platforms.ErrSignature},
		{"altered body", func() http.Header { return deliveryHeader("order.created", body, secret) },
			[]byte(strings.Replace(string(body), `"total":"27.42"`, `"total":"2742.00"`, 1)), secret, platforms.ErrSignature},
		{"empty body", func() http.Header { return deliveryHeader("order.created", nil, secret) }, nil, secret, platforms.ErrSignature},
		{"empty secret", func() http.Header { return deliveryHeader("order.created", body, "") }, body, "", platforms.ErrSignature},
		{"signature not base64", func() http.Header {
			h := deliveryHeader("order.created", body, secret)
			h.Set(woocommerce.HeaderSignature, "not base64 !")
			return h
		}, body, secret, platforms.ErrSignature},
		{"two signature headers, one valid", func() http.Header {
			h := deliveryHeader("order.created", body, secret)
			h.Add(woocommerce.HeaderSignature, sign(body, "other"))
			return h
		}, body, secret, platforms.ErrSignature},
		// The scheme has no timestamp: an old delivery still verifies and
		// is deduplicated by its event id instead.
		{"old delivery (no timestamp in the scheme)", func() http.Header { return deliveryHeader("order.created", body, secret) }, body, secret, nil},
		{"no topic", func() http.Header {
			h := deliveryHeader("order.created", body, secret)
			h.Del(woocommerce.HeaderTopic)
			return h
		}, body, secret, platforms.ErrPayload},
	}
	a := newAdapter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh, err := a.VerifyWebhook(tt.header(), tt.body, []byte(tt.secret), now)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			want := platforms.Webhook{Source: "https://shop.example", Topic: "order.created",
				EventID: woocommerce.EventID("order.created", body)}
			if wh != want {
				t.Fatalf("webhook = %+v, want %+v", wh, want)
			}
		})
	}
}

// The source names the connection; the creation ping is recognised.
func TestWebhookSource(t *testing.T) {
	tests := []struct {
		name    string
		header  map[string]string
		body    string
		want    string
		wantErr error
	}{
		{"store URL normalised", map[string]string{woocommerce.HeaderSource: "https://Shop.Example:443/", woocommerce.HeaderTopic: "order.created", woocommerce.HeaderSignature: "x"}, "{}", "https://shop.example", nil},
		{"store in a subdirectory", map[string]string{woocommerce.HeaderSource: "https://example.com/shop/", woocommerce.HeaderTopic: "order.created"}, "{}", "https://example.com/shop", nil},
		{"creation ping", nil, string(fixture(t, "ping.txt")), "", woocommerce.ErrPing},
		{"creation ping as JSON", nil, `{"webhook_id":142}`, "", woocommerce.ErrPing},
		{"no source header", map[string]string{woocommerce.HeaderTopic: "order.created"}, "{}", "", platforms.ErrSignature},
		{"plain http store", map[string]string{woocommerce.HeaderSource: "http://shop.example/"}, "{}", "", platforms.ErrSignature},
		{"ping body with a signature is no ping", map[string]string{woocommerce.HeaderSignature: "abc"}, "webhook_id=1", "", platforms.ErrSignature},
	}
	a := newAdapter()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/webhooks/woocommerce", strings.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			got, err := a.WebhookSource(r, []byte(tt.body))
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("WebhookSource = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// The event id names the state of an order: a redelivery or a read-back of
// the same state is the same event; a new state is a new event.
func TestEventIDs(t *testing.T) {
	created := fixture(t, "order_created.json")
	refunded := fixture(t, "order_updated_refund.json")
	a := newAdapter()
	verify := func(topic string, body []byte, delivery string) string {
		h := deliveryHeader(topic, body, secret)
		h.Set(woocommerce.HeaderDeliveryID, delivery)
		wh, err := a.VerifyWebhook(h, body, []byte(secret), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return wh.EventID
	}
	first := verify("order.created", created, "1")
	tests := []struct {
		name string
		id   string
		same bool
	}{
		{"same delivery again with a new delivery id", verify("order.created", created, "2"), true},
		{"order.updated reporting the same state", verify("order.updated", created, "3"), true},
		{"read back by reconciliation", woocommerce.EventID(woocommerce.TopicOrderUpdated, created), true},
		{"after a refund", verify("order.updated", refunded, "4"), false},
		{"cancelled", verify("order.updated", fixture(t, "order_cancelled.json"), "5"), false},
	}
	for _, tt := range tests {
		if (tt.id == first) != tt.same {
			t.Errorf("%s: id %q vs %q, same = %v, want %v", tt.name, tt.id, first, tt.id == first, tt.same)
		}
	}
	if got := woocommerce.EventID("coupon.deleted", fixture(t, "coupon_deleted.json")); got != "coupon:719:deleted" {
		t.Errorf("coupon deleted event id = %q", got)
	}
	if a, b := woocommerce.EventID("coupon.created", fixture(t, "coupon_created.json")),
		woocommerce.EventID("coupon.updated", fixture(t, "coupon_updated.json")); a == b {
		t.Errorf("a changed coupon kept its event id %q", a)
	}
}

// One spelling per store, https only (http on loopback for the sandbox).
func TestNormalizeStoreURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://shop.example", "https://shop.example"},
		{" HTTPS://Shop.EXAMPLE/ ", "https://shop.example"},
		{"https://shop.example:8443/wp/", "https://shop.example:8443/wp"},
		{"http://127.0.0.1:8080/s/demo", "http://127.0.0.1:8080/s/demo"},
		{"http://localhost/", "http://localhost"},
		{"http://shop.example", ""},
		{"ftp://shop.example", ""},
		{"https://user:pw@shop.example", ""},
		{"https://shop.example/?a=1", ""},
		{"shop.example", ""},
	}
	for _, tt := range tests {
		got, err := woocommerce.NormalizeStoreURL(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("NormalizeStoreURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzVerifyWebhook: a body signed with the secret verifies and yields a
// stable event id; the same body with another signature never verifies.
func FuzzVerifyWebhook(f *testing.F) {
	for _, name := range []string{"order_created.json", "order_updated_refund.json", "order_refunded.json",
		"coupon_created.json", "coupon_deleted.json", "ping.txt"} {
		f.Add(fixture(f, name), "order.updated", "")
		f.Add(fixture(f, name), "coupon.deleted", "AAAA")
	}
	a := newAdapter()
	f.Fuzz(func(t *testing.T, body []byte, topic, forged string) {
		h := deliveryHeader(topic, body, secret)
		wh, err := a.VerifyWebhook(h, body, []byte(secret), time.Now())
		switch {
		case len(body) == 0:
			if !errors.Is(err, platforms.ErrSignature) {
				t.Fatalf("empty body verified: %v", err)
			}
		case strings.TrimSpace(topic) == "" || strings.ContainsAny(topic, "\r\n"):
			if err == nil && wh.Topic == "" {
				t.Fatalf("verified without a topic")
			}
		case err != nil:
			t.Fatalf("signed body refused: %v", err)
		case wh.EventID == "" || wh.EventID != woocommerce.EventID(wh.Topic, body) && !strings.HasPrefix(wh.EventID, "delivery:"):
			t.Fatalf("event id %q unstable", wh.EventID)
		}
		if forged != h.Get(woocommerce.HeaderSignature) {
			h.Set(woocommerce.HeaderSignature, forged)
			if _, err := a.VerifyWebhook(h, body, []byte(secret), time.Now()); err == nil {
				t.Fatalf("forged signature %q verified", forged)
			}
		}
	})
}

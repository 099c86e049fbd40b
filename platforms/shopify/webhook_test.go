package shopify

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

const testSecret = "hush-its-the-app-secret"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign64(body []byte, secret string) string {
	return base64.StdEncoding.EncodeToString(Sign(body, []byte(secret)))
}

// deliveryHeaders are the headers Shopify sends with a delivery, per
// https://shopify.dev/docs/apps/build/webhooks/deliver-webhooks-through-https.
func deliveryHeaders(body []byte, secret string) http.Header {
	h := http.Header{}
	h.Set(HeaderHmac, sign64(body, secret))
	h.Set(HeaderTopic, TopicOrdersPaid)
	h.Set(HeaderShopDomain, "super-toys.myshopify.com")
	h.Set(HeaderAPIVersion, APIVersion)
	h.Set(HeaderWebhookID, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
	h.Set(HeaderEventID, "98880550-7158-44d4-b7cd-2c97c8a091b5")
	h.Set("X-Shopify-Triggered-At", "2026-11-02T15:15:02.123Z")
	return h
}

func TestVerifyWebhookSignature(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	body := readFixture(t, "orders_paid.json")
	now := time.Date(2026, 11, 2, 15, 15, 3, 0, time.UTC)
	tests := []struct {
		name   string
		secret string
		body   []byte
		edit   func(h http.Header)
		ok     bool
	}{
		{"valid", testSecret, body, nil, true},
		{"wrong secret", "another-secret", body, nil, false},
		{"no secret configured", "", body, nil, false},
		{"missing header", testSecret, body, func(h http.Header) { h.Del(HeaderHmac) }, false},
		{"altered body", testSecret, append([]byte(strings.Replace(string(body), "411.15", "911.15", 1)), '\n'), nil, false},
		{"empty body", testSecret, []byte{}, nil, false},
		{"signature of the empty body", testSecret, []byte{}, func(h http.Header) { h.Set(HeaderHmac, sign64(nil, testSecret)) }, false},
		// Shopify sends exactly one signature; a second header is refused
		// even when one of them is right.
		{"several signatures", testSecret, body, func(h http.Header) { h.Add(HeaderHmac, sign64([]byte("x"), testSecret)) }, false},
		{"hex instead of base64", testSecret, body, func(h http.Header) { h.Set(HeaderHmac, hex.EncodeToString(Sign(body, []byte(testSecret)))) }, false},
		{"truncated signature", testSecret, body, func(h http.Header) { h.Set(HeaderHmac, h.Get(HeaderHmac)[:20]) }, false},
		// The scheme signs no timestamp: an old X-Shopify-Triggered-At
		// (a retry hours later) still verifies, and the event id dedupes it.
		{"old delivery still verifies", testSecret, body, func(h http.Header) { h.Set("X-Shopify-Triggered-At", "2026-10-01T00:00:00Z") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := deliveryHeaders(body, testSecret)
			if tt.edit != nil {
				tt.edit(h)
			}
			wh, err := a.VerifyWebhook(h, tt.body, []byte(tt.secret), now)
			if tt.ok {
				want := platforms.Webhook{Source: "super-toys.myshopify.com", Topic: TopicOrdersPaid, EventID: "98880550-7158-44d4-b7cd-2c97c8a091b5"}
				if err != nil || wh != want {
					t.Fatalf("VerifyWebhook = %+v, %v; want %+v", wh, err, want)
				}
				return
			}
			if !errors.Is(err, platforms.ErrSignature) {
				t.Fatalf("VerifyWebhook error = %v, want ErrSignature", err)
			}
		})
	}
}

// Shopify's documentation shows how to compute the HMAC but no worked
// example; these are go-shopify's test vectors (secret "hush", the body a
// JSON string, quotes included), and the empty body's own HMAC.
func TestVerifyBodyKnownVectors(t *testing.T) {
	tests := []struct {
		name, sig, body string
		ok              bool
	}{
		{"known good", "hMTq0K2x7oyOjoBwGYeTj5oxfnaVYXzbanUG9aajpKI=", `"my secret message"`, true},
		{"known good, padded with spaces", " hMTq0K2x7oyOjoBwGYeTj5oxfnaVYXzbanUG9aajpKI= ", `"my secret message"`, true},
		{"another body", "hMTq0K2x7oyOjoBwGYeTj5oxfnaVYXzbanUG9aajpKI=", `"my invalid message"`, false},
		{"the empty body's signature", "Knm8rWjeSXNIt2H0AOMT7DQ8/YSy8sQi/pEjbuUmGMs=", "", false},
		{"not base64", "XXXXXaGVsbG8=", `"my secret message"`, false},
		{"too short", "YmxhaGJsYWgK", `"my secret message"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifyBody([]string{tt.sig}, []byte(tt.body), []byte("hush"))
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, platforms.ErrSignature)) {
				t.Fatalf("verifyBody = %v, want valid %v", err, tt.ok)
			}
			// ac3560a6... is the HMAC "my invalid message" should have had.
			if err != nil && strings.Contains(err.Error(), "ac3560a6") {
				t.Fatalf("the error names the HMAC the body should have had: %v", err)
			}
		})
	}
}

func TestWebhookEventIDIsStable(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	body := readFixture(t, "discounts_update.json")
	tests := []struct {
		name string
		edit func(h http.Header)
		want string
	}{
		{"event id wins", nil, "98880550-7158-44d4-b7cd-2c97c8a091b5"},
		{"webhook id when no event id", func(h http.Header) { h.Del(HeaderEventID) }, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"},
		{"digest when neither", func(h http.Header) { h.Del(HeaderEventID); h.Del(HeaderWebhookID) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			for range 2 { // a redelivery repeats the same headers and body
				h := deliveryHeaders(body, testSecret)
				if tt.edit != nil {
					tt.edit(h)
				}
				wh, err := a.VerifyWebhook(h, body, []byte(testSecret), time.Now())
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, wh.EventID)
			}
			if ids[0] != ids[1] || ids[0] == "" || (tt.want != "" && ids[0] != tt.want) {
				t.Fatalf("event ids = %q, want two equal ids %q", ids, tt.want)
			}
		})
	}
}

func TestWebhookSource(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	tests := []struct {
		header, want string
	}{
		{"super-toys.myshopify.com", "super-toys.myshopify.com"},
		{"Super-Toys.MyShopify.com", "super-toys.myshopify.com"},
		{"", ""},
		{"evil.com", ""},
		{"super-toys.myshopify.com.evil.com", ""},
		{"https://super-toys.myshopify.com", ""},
		{"-toys.myshopify.com", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/shopify", nil)
		r.Header.Set(HeaderShopDomain, tt.header)
		got, err := a.WebhookSource(r, nil)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("WebhookSource(%q) = %q, %v; want %q", tt.header, got, err, tt.want)
		}
	}
}

func TestVerifyWebhookNeedsTopicAndShop(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	body := readFixture(t, "orders_paid.json")
	h := deliveryHeaders(body, testSecret)
	h.Del(HeaderTopic)
	if _, err := a.VerifyWebhook(h, body, []byte(testSecret), time.Now()); !errors.Is(err, platforms.ErrPayload) {
		t.Fatalf("signed delivery without topic: err = %v, want ErrPayload", err)
	}
}

func TestParseWebhookIgnoresOtherTopics(t *testing.T) {
	events, err := ParseWebhook("products/update", []byte(`{"id":1}`))
	if err != nil || len(events) != 0 {
		t.Fatalf("ParseWebhook(products/update) = %v, %v; want nothing", events, err)
	}
}

func eventsEqual(t *testing.T, got, want []platforms.Event) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events differ\n got: %s\nwant: %s", describeEvents(got), describeEvents(want))
	}
}

func describeEvents(evs []platforms.Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "{%s", e.Kind)
		for _, v := range []any{e.Order, e.Refund, e.Code, e.Privacy} {
			if rv := reflect.ValueOf(v); !rv.IsNil() {
				fmt.Fprintf(&b, " %+v", rv.Elem().Interface())
			}
		}
		b.WriteString("} ")
	}
	return b.String()
}

package stripe

import (
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"codecredit/platforms"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Signatures as https://docs.stripe.com/webhooks#verify-manually documents:
// t=<unix>,v1=<hex HMAC-SHA256("<t>.<body>")>, any v1 may match, 5 minutes.
func TestVerifyWebhookSignatures(t *testing.T) {
	const secret = "whsec_right"
	body := fixture(t, "checkout_session_completed.json")
	now := time.Unix(1775124000, 0)
	sig := func(at time.Time, b []byte, secrets ...string) http.Header {
		return http.Header{SignatureHeader: {SignatureHeaderValue(at, b, secrets...)}}
	}
	altered := append([]byte(nil), body...)
	altered[len(altered)-3] ^= 1
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		secret string
		ok     bool
	}{
		{"valid", sig(now, body, secret), body, secret, true},
		{"wrong secret", sig(now, body, "whsec_wrong"), body, secret, false},
		{"missing header", http.Header{}, body, secret, false},
		{"altered body", sig(now, body, secret), altered, secret, false},
		{"empty body", sig(now, body, secret), []byte{}, secret, false},
		{"empty body signed", sig(now, []byte{}, secret), []byte{}, secret, false},
		{"stale timestamp", sig(now.Add(-Tolerance-time.Second), body, secret), body, secret, false},
		{"timestamp at the tolerance", sig(now.Add(-Tolerance), body, secret), body, secret, true},
		{"future timestamp", sig(now.Add(Tolerance+time.Second), body, secret), body, secret, false},
		{"several v1, one valid", sig(now, body, "whsec_old", secret), body, secret, true},
		{"several v1, none valid", sig(now, body, "whsec_old", "whsec_older"), body, secret, false},
		{"no configured secret", sig(now, body, ""), body, "", false},
		{"v0 only", http.Header{SignatureHeader: {"t=" + strconv.FormatInt(now.Unix(), 10) + ",v0=" +
			hex.EncodeToString(computeSignature(now, body, []byte(secret)))}}, body, secret, false},
		{"garbage header", http.Header{SignatureHeader: {"nonsense"}}, body, secret, false},
		{"bad timestamp", http.Header{SignatureHeader: {"t=abc,v1=00"}}, body, secret, false},
		// Stripe documents the scheme but no worked example; stripe-go's
		// own test signer stands in for a delivery from Stripe.
		{"signed by stripe-go", sdkSigned(now, body, secret), body, secret, true},
		{"signed by stripe-go, another secret", sdkSigned(now, body, "whsec_wrong"), body, secret, false},
		{"signed by stripe-go, stale", sdkSigned(now.Add(-Tolerance-time.Second), body, secret), body, secret, false},
		{"spaces after the commas", http.Header{SignatureHeader: {"t=" + strconv.FormatInt(now.Unix(), 10) + ", v1=" +
			hex.EncodeToString(computeSignature(now, body, []byte(secret)))}}, body, secret, true},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wh, err := a.VerifyWebhook(tt.header, tt.body, []byte(tt.secret), now)
			if tt.ok {
				if err != nil {
					t.Fatalf("VerifyWebhook: %v", err)
				}
				want := platforms.Webhook{Topic: "checkout.session.completed", EventID: "evt_sbx01"}
				if wh != want {
					t.Fatalf("webhook = %+v, want %+v", wh, want)
				}
				return
			}
			if err == nil {
				t.Fatal("a bad delivery was accepted")
			}
			if !errors.Is(err, platforms.ErrSignature) && !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("error %v is neither ErrSignature nor ErrPayload", err)
			}
		})
	}
}

// sdkSigned is the header stripe-go's webhook.GenerateTestSignedPayload
// makes for body at t under secret.
func sdkSigned(t time.Time, body []byte, secret string) http.Header {
	p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: t})
	return http.Header{SignatureHeader: {p.Header}}
}

func TestVerifyWebhookNamesTheConnectedAccount(t *testing.T) {
	body := fixture(t, "checkout_session_completed_connect.json")
	now := time.Unix(1775124000, 0)
	h := http.Header{SignatureHeader: {SignatureHeaderValue(now, body, "whsec_platform")}}
	wh, err := New(Config{}).VerifyWebhook(h, body, []byte("whsec_platform"), now)
	if err != nil {
		t.Fatal(err)
	}
	if wh.Source != "acct_sbxconnected01" || wh.EventID != "evt_sbx_connect" {
		t.Fatalf("webhook = %+v", wh)
	}
}

func TestWebhookSource(t *testing.T) {
	tests := []struct {
		name, url, fixture, want string
		fails                    bool
	}{
		{"connect event names its account", "/webhooks/stripe", "checkout_session_completed_connect.json", "acct_sbxconnected01", false},
		{"own endpoint names it in c", "/webhooks/stripe?c=acct_own", "checkout_session_completed.json", "acct_own", false},
		{"the event's account wins", "/webhooks/stripe?c=acct_own", "checkout_session_completed_connect.json", "acct_sbxconnected01", false},
		{"neither", "/webhooks/stripe", "checkout_session_completed.json", "", true},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.url, nil)
			got, err := a.WebhookSource(r, fixture(t, tt.fixture))
			if (err != nil) != tt.fails || got != tt.want {
				t.Fatalf("WebhookSource = %q, %v; want %q (fails %v)", got, err, tt.want, tt.fails)
			}
		})
	}
}

func TestSignedByApp(t *testing.T) {
	a := New(Config{})
	r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe?c=acct_own", nil)
	if !a.SignedByApp(r, fixture(t, "checkout_session_completed_connect.json")) {
		t.Error("a Connect event is signed with the platform secret")
	}
	if a.SignedByApp(r, fixture(t, "checkout_session_completed.json")) {
		t.Error("an own-endpoint event is signed with the connection's secret")
	}
}

// FuzzVerifyWebhook: whatever the header and body, verification never
// panics, and only a body signed with the secret passes.
func FuzzVerifyWebhook(f *testing.F) {
	now := time.Unix(1775124000, 0)
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".json" {
			continue
		}
		b := fixture(f, e.Name())
		f.Add(SignatureHeaderValue(now, b, "whsec_fuzz"), b)
	}
	f.Add("t=1775124000,v1=zz,v1=", []byte("{}"))
	f.Add("", []byte(nil))
	a := New(Config{})
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		h := http.Header{SignatureHeader: {header}}
		wh, err := a.VerifyWebhook(h, body, []byte("whsec_fuzz"), now)
		if err != nil {
			return
		}
		if len(body) > 0 {
			altered := append([]byte(nil), body...)
			altered[0] ^= 0x80
			if _, err := a.VerifyWebhook(h, altered, []byte("whsec_fuzz"), now); err == nil {
				t.Fatal("the same signature accepted an altered body")
			}
		}
		if _, err := a.VerifyWebhook(h, body, []byte("whsec_other"), now); err == nil {
			t.Fatal("another secret verified the delivery")
		}
		if wh.EventID == "" || wh.Topic == "" {
			t.Fatalf("accepted a delivery without event id or topic: %+v", wh)
		}
	})
}

package paddle

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
)

// envelope is the part of every Paddle notification the adapter reads
// first: https://developer.paddle.com/webhooks/overview
type envelope struct {
	EventID        string          `json:"event_id"`
	EventType      string          `json:"event_type"`
	OccurredAt     string          `json:"occurred_at"`
	NotificationID string          `json:"notification_id"`
	Data           json.RawMessage `json:"data"`
}

// WebhookSource reads the connection key from the destination URL's c
// parameter; nothing in the body names the merchant.
func (a *Adapter) WebhookSource(r *http.Request, _ []byte) (string, error) {
	key := strings.TrimSpace(r.URL.Query().Get(ConnectionParam))
	if key == "" {
		return "", fmt.Errorf("%w: the webhook URL has no %s parameter", platforms.ErrSignature, ConnectionParam)
	}
	return key, nil
}

// VerifyWebhook checks the Paddle-Signature header (ts=...;h1=...[;h1=...]),
// an HMAC-SHA256 in hex of ts + ":" + body keyed with the destination's
// secret, as https://developer.paddle.com/webhooks/signature-verification
// documents. Any one h1 may match (several appear while Paddle rotates a
// secret); ts must be within the tolerance of now either way. The event id
// is Paddle's event_id, which every retry of the event repeats.
func (a *Adapter) VerifyWebhook(h http.Header, body []byte, secret []byte, now time.Time) (platforms.Webhook, error) {
	if err := VerifySignature(h.Get(SignatureHeader), body, secret, now, a.cfg.Tolerance); err != nil {
		return platforms.Webhook{}, err
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return platforms.Webhook{}, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	if env.EventID == "" || env.EventType == "" {
		return platforms.Webhook{}, fmt.Errorf("%w: notification without event_id or event_type", platforms.ErrPayload)
	}
	return platforms.Webhook{Topic: env.EventType, EventID: env.EventID}, nil
}

// VerifySignature checks a Paddle-Signature header value against body.
// Every failure wraps platforms.ErrSignature. Each h1 is checked by the
// Paddle SDK's WebhookVerifier; what stays ours, and why:
//   - several h1: the SDK's verifier takes exactly "ts=...;h1=..." with one
//     h1, while Paddle sends one h1 per secret during a rotation, so it is
//     asked once per h1;
//   - the tolerance: the SDK measures it against the wall clock, we against
//     the time the delivery was received (now, which tests fix);
//   - the parsing, for errors that say what is wrong (the SDK answers
//     "invalid signature format" or a bare false).
//
// The SDK reads at most 2 MB of body; deliveries stop at 1 MB before this.
func VerifySignature(header string, body, secret []byte, now time.Time, tolerance time.Duration) error {
	if len(secret) == 0 {
		return fmt.Errorf("%w: no secret to check it with", platforms.ErrSignature)
	}
	ts, sigs, err := parseSignature(header)
	if err != nil {
		return err
	}
	sec, _ := strconv.ParseInt(ts, 10, 64)
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is %s away from now", platforms.ErrSignature, ts, d.Round(time.Second))
	}
	verifier := paddlesdk.NewWebhookVerifier(string(secret))
	for _, s := range sigs {
		if ok, err := verifier.Verify(signedRequest(ts, s, body)); ok && err == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: no h1 matches", platforms.ErrSignature)
}

// signedRequest is the delivery as the SDK's verifier reads it: body and a
// Paddle-Signature of ts and one h1.
func signedRequest(ts string, h1, body []byte) *http.Request {
	h := http.Header{}
	h.Set(SignatureHeader, "ts="+ts+";h1="+hex.EncodeToString(h1))
	return &http.Request{Method: http.MethodPost, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
}

// parseSignature splits "ts=...;h1=...;h1=..." into the timestamp and the
// decoded signatures. Unknown keys are ignored (room for new schemes).
func parseSignature(header string) (string, [][]byte, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return "", nil, fmt.Errorf("%w: no %s header", platforms.ErrSignature, SignatureHeader)
	}
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: malformed %s header", platforms.ErrSignature, SignatureHeader)
		}
		switch k {
		case "ts":
			if ts != "" || !allDigits(v) || len(v) > 12 {
				return "", nil, fmt.Errorf("%w: bad timestamp in %s", platforms.ErrSignature, SignatureHeader)
			}
			ts = v
		case "h1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return "", nil, fmt.Errorf("%w: bad h1 in %s", platforms.ErrSignature, SignatureHeader)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", nil, fmt.Errorf("%w: %s needs ts and h1", platforms.ErrSignature, SignatureHeader)
	}
	return ts, sigs, nil
}

// Sign is the h1 signature Paddle computes for body at timestamp ts, for
// SignatureHeaderValue (the SDK has a verifier but no signer).
func Sign(secret []byte, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte{':'})
	mac.Write(body)
	return mac.Sum(nil)
}

// SignatureHeaderValue is the Paddle-Signature value for body signed at t
// with each of secrets, as Paddle sends it.
func SignatureHeaderValue(t time.Time, body []byte, secrets ...[]byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b bytes.Buffer
	b.WriteString("ts=" + ts)
	for _, s := range secrets {
		b.WriteString(";h1=" + hex.EncodeToString(Sign(s, ts, body)))
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

package stripe

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"codecredit/platforms"
)

// SignatureHeader is the header Stripe signs deliveries in.
const SignatureHeader = "Stripe-Signature"

// Tolerance is how far a delivery's signed timestamp may be from now, the
// default of Stripe's own libraries (https://docs.stripe.com/webhooks#verify-manually).
const Tolerance = 5 * time.Minute

// envelope is the part of an event (https://docs.stripe.com/api/events/object)
// needed to route and verify it.
type envelope struct {
	ID         string `json:"id"`
	Object     string `json:"object"`
	Type       string `json:"type"`
	Account    string `json:"account"`
	APIVersion string `json:"api_version"`
	Livemode   bool   `json:"livemode"`
	Created    int64  `json:"created"`
	Data       struct {
		Object json.RawMessage `json:"object"`
	} `json:"data"`
}

// WebhookSource names the connected account of a delivery without trusting
// it: the event's "account" (a Connect event on the platform endpoint), else
// the "c" query parameter of the endpoint we created on a pasted-key account.
func (a *Adapter) WebhookSource(r *http.Request, body []byte) (string, error) {
	var ev struct {
		Account string `json:"account"`
	}
	_ = json.Unmarshal(body, &ev) // a body that is not JSON may still name ?c=
	if ev.Account != "" {
		return ev.Account, nil
	}
	if c := strings.TrimSpace(r.URL.Query().Get("c")); c != "" {
		return c, nil
	}
	return "", fmt.Errorf("%w: no account in the event and no c parameter", platforms.ErrPayload)
}

// SignedByApp reports whether a delivery is signed with the app-wide
// secret (STRIPE_WEBHOOK_SECRET): a Connect event on the platform endpoint,
// which names its account. A delivery to a pasted-key account's own
// endpoint (?c=...) is signed with that connection's webhook_secret.
func (a *Adapter) SignedByApp(r *http.Request, body []byte) bool {
	var ev struct {
		Account string `json:"account"`
	}
	return json.Unmarshal(body, &ev) == nil && ev.Account != ""
}

// VerifyWebhook checks the Stripe-Signature header (t=<unix>,v1=<hex>[,v1=...]):
// one v1 must be the HMAC-SHA256 of "<t>.<body>" under secret, and t within
// Tolerance of now. Source is the event's "account" ("" for an account's own
// endpoint), Topic its type and EventID its id, which redeliveries repeat.
func (a *Adapter) VerifyWebhook(h http.Header, body []byte, secret []byte, now time.Time) (platforms.Webhook, error) {
	if err := verifySignature(h.Get(SignatureHeader), body, secret, now); err != nil {
		return platforms.Webhook{}, err
	}
	var ev envelope
	if err := json.Unmarshal(body, &ev); err != nil {
		return platforms.Webhook{}, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	if ev.ID == "" || ev.Type == "" {
		return platforms.Webhook{}, fmt.Errorf("%w: an event needs an id and a type", platforms.ErrPayload)
	}
	return platforms.Webhook{Source: ev.Account, Topic: ev.Type, EventID: ev.ID}, nil
}

// verifySignature is the signature check alone. The HMAC comparison over
// every v1 (several while a secret rolls) is stripe-go's
// webhook.ValidatePayloadIgnoringTolerance. What stays ours, and why:
//   - the tolerance: stripe-go measures it against the wall clock and only
//     refuses timestamps in the past; we measure against the time the
//     delivery was received (now, which tests fix) and refuse both a stale
//     and a future timestamp;
//   - the header parsing, for errors that say what is wrong (stripe-go's
//     are four sentinels) and for the leniency we had (spaces after commas,
//     stray parts without "="), so the SDK gets a canonical header;
//   - not webhook.ConstructEvent*: it decodes into stripe.Event and refuses
//     events of another API version unless told not to, while ParseEvent
//     reads events of any version (see parse.go) and VerifyWebhook needs
//     only the id, type and account of our own envelope.
func verifySignature(header string, body, secret []byte, now time.Time) error {
	if len(secret) == 0 {
		return fmt.Errorf("%w: no signing secret configured", platforms.ErrSignature)
	}
	t, sigs, err := parseSignatureHeader(header)
	if err != nil {
		return err
	}
	if d := now.Sub(t); d > Tolerance || d < -Tolerance {
		return fmt.Errorf("%w: timestamp %d is outside the %s tolerance", platforms.ErrSignature, t.Unix(), Tolerance)
	}
	if err := webhook.ValidatePayloadIgnoringTolerance(body, canonicalHeader(t, sigs), string(secret)); err != nil {
		return fmt.Errorf("%w: no v1 signature matches", platforms.ErrSignature)
	}
	return nil
}

// canonicalHeader is "t=<unix>,v1=<hex>[,v1=...]" from parsed parts.
func canonicalHeader(t time.Time, sigs [][]byte) string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(t.Unix(), 10))
	for _, s := range sigs {
		b.WriteString(",v1=" + hex.EncodeToString(s))
	}
	return b.String()
}

// parseSignatureHeader reads t and every v1 of a Stripe-Signature header;
// other schemes (v0) are ignored, as Stripe documents.
func parseSignatureHeader(header string) (time.Time, [][]byte, error) {
	if header == "" {
		return time.Time{}, nil, fmt.Errorf("%w: missing %s header", platforms.ErrSignature, SignatureHeader)
	}
	var ts int64 = -1
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return time.Time{}, nil, fmt.Errorf("%w: bad timestamp", platforms.ErrSignature)
			}
			ts = n
		case "v1":
			if s, err := hex.DecodeString(v); err == nil && len(s) == sha256.Size {
				sigs = append(sigs, s)
			}
		}
	}
	if ts < 0 || len(sigs) == 0 {
		return time.Time{}, nil, fmt.Errorf("%w: the header needs t and v1", platforms.ErrSignature)
	}
	return time.Unix(ts, 0), sigs, nil
}

// computeSignature is Stripe's v1 signature of body at t.
func computeSignature(t time.Time, body, secret []byte) []byte {
	return webhook.ComputeSignature(t, body, string(secret))
}

// SignatureHeaderValue is the Stripe-Signature value Stripe would send for
// body at t under each of secrets (several during a secret roll), as the
// sandbox and tests sign their deliveries.
func SignatureHeaderValue(t time.Time, body []byte, secrets ...string) string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(t.Unix(), 10))
	for _, s := range secrets {
		b.WriteString(",v1=" + hex.EncodeToString(computeSignature(t, body, []byte(s))))
	}
	return b.String()
}

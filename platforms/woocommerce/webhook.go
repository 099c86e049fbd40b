package woocommerce

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"codecredit/platforms"
)

// Delivery headers WooCommerce adds to every webhook (WC_Webhook::deliver).
// https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
const (
	HeaderSource     = "X-WC-Webhook-Source"
	HeaderTopic      = "X-WC-Webhook-Topic"
	HeaderResource   = "X-WC-Webhook-Resource"
	HeaderEvent      = "X-WC-Webhook-Event"
	HeaderSignature  = "X-WC-Webhook-Signature"
	HeaderWebhookID  = "X-WC-Webhook-ID"
	HeaderDeliveryID = "X-WC-Webhook-Delivery-ID"
)

// ErrPing is returned by WebhookSource for the ping WooCommerce posts to a
// delivery URL when a webhook is created (WC_Webhook::deliver_ping: body
// "webhook_id=N", no signature, no topic). It names no store and carries
// nothing to act on: the receiver answers it 200 and stores nothing.
var ErrPing = fmt.Errorf("woocommerce: webhook ping; acknowledge it and store nothing: %w", platforms.ErrIgnore)

var pingBody = regexp.MustCompile(`^(webhook_id=\d+|\{\s*"webhook_id"\s*:\s*"?\d+"?\s*\})$`)

// IsPing reports whether a delivery is WooCommerce's creation ping.
func IsPing(h http.Header, body []byte) bool {
	return h.Get(HeaderSignature) == "" && h.Get(HeaderTopic) == "" &&
		pingBody.Match([]byte(strings.TrimSpace(string(body))))
}

// WebhookSource reads the store URL a delivery claims to come from
// (X-WC-Webhook-Source, normalised). The creation ping is ErrPing; a
// delivery without a usable source is platforms.ErrSignature.
func (a *Adapter) WebhookSource(r *http.Request, body []byte) (string, error) {
	if IsPing(r.Header, body) {
		return "", ErrPing
	}
	src := r.Header.Get(HeaderSource)
	if src == "" {
		return "", fmt.Errorf("%w: no %s header", platforms.ErrSignature, HeaderSource)
	}
	store, err := NormalizeStoreURL(src)
	if err != nil {
		return "", fmt.Errorf("%w: %v", platforms.ErrSignature, err)
	}
	return store, nil
}

// VerifyWebhook checks X-WC-Webhook-Signature, the base64 HMAC-SHA256 of
// the raw body keyed with the webhook's secret. The scheme has no
// timestamp, so now is unused: a replayed delivery verifies and is
// deduplicated by its event id. Exactly one signature header is accepted;
// an empty body or an empty secret never verifies.
func (a *Adapter) VerifyWebhook(h http.Header, body []byte, secret []byte, _ time.Time) (platforms.Webhook, error) {
	if err := checkSignature(h, body, secret); err != nil {
		return platforms.Webhook{}, err
	}
	topic := strings.TrimSpace(h.Get(HeaderTopic))
	if topic == "" {
		return platforms.Webhook{}, fmt.Errorf("%w: no %s header", platforms.ErrPayload, HeaderTopic)
	}
	wh := platforms.Webhook{Topic: topic, EventID: eventID(topic, h, body)}
	wh.Source, _ = NormalizeStoreURL(h.Get(HeaderSource))
	return wh, nil
}

// checkSignature is our own: WooCommerce has no Go SDK (its official
// clients are PHP, Node.js, Python and Ruby), so there is no library check
// to defer to. It follows WC_Webhook::generate_signature in WooCommerce's
// source: base64 of hash_hmac('sha256', payload, secret, true), the secret
// HTML-unescaped first (ours are hex, see NewWebhookSecret).
func checkSignature(h http.Header, body, secret []byte) error {
	sigs := h.Values(HeaderSignature)
	switch {
	case len(secret) == 0:
		return fmt.Errorf("%w: no secret to verify with", platforms.ErrSignature)
	case len(body) == 0:
		return fmt.Errorf("%w: empty body", platforms.ErrSignature)
	case len(sigs) == 0:
		return fmt.Errorf("%w: no %s header", platforms.ErrSignature, HeaderSignature)
	case len(sigs) > 1:
		return fmt.Errorf("%w: %d signature headers", platforms.ErrSignature, len(sigs))
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sigs[0]))
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", platforms.ErrSignature)
	}
	if !hmac.Equal(got, Sign(body, secret)) {
		return fmt.Errorf("%w: HMAC does not match", platforms.ErrSignature)
	}
	return nil
}

// Sign is the raw HMAC-SHA256 of body keyed with secret, as WooCommerce
// computes it (base64-encode it for the header).
func Sign(body, secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}

// EventID is the event id of a stored delivery body (see eventID), for
// bodies read back from the store rather than delivered.
func EventID(topic string, body []byte) string { return eventID(topic, nil, body) }

// eventID names the state a delivery reports, since WooCommerce gives no
// event id (and a delivery id is new on every delivery):
//
//	order:<id>:<date_modified_gmt>:<fingerprint of status and refund ids>
//	coupon:<id>:<date_modified_gmt>:<fingerprint of code and discount>
//	coupon:<id>:deleted
//	subscription:<id>:<date_modified_gmt>:<fingerprint of status, period, end and line totals>
//
// The resource, not the topic, is used, so order.created and order.updated
// reporting the same state, or the reconciliation reading it back, are one
// event; a changed order is a new one. The fingerprint keeps two changes
// within the same second apart. Other topics fall back to the webhook and
// delivery ids, or a hash of the body.
func eventID(topic string, h http.Header, body []byte) string {
	resource, event, _ := strings.Cut(topic, ".")
	var s stateFields
	if err := json.Unmarshal(body, &s); err == nil && s.ID > 0 {
		id := strconv.FormatInt(s.ID, 10)
		switch {
		case resource == "coupon" && event == "deleted":
			return "coupon:" + id + ":deleted"
		case resource == "order":
			return "order:" + id + ":" + s.DateModifiedGMT + ":" + fingerprint(s.Status, s.refundIDs())
		case resource == "subscription":
			return subscriptionEventID(id, body)
		case resource == "coupon":
			return "coupon:" + id + ":" + s.DateModifiedGMT + ":" +
				fingerprint(s.Code, s.Amount, s.DiscountType, s.Status, s.DateExpiresGMT)
		}
	}
	if h != nil && h.Get(HeaderDeliveryID) != "" {
		return "delivery:" + h.Get(HeaderWebhookID) + ":" + h.Get(HeaderDeliveryID)
	}
	sum := sha256.Sum256(body)
	return "body:" + hex.EncodeToString(sum[:16])
}

// stateFields are the parts of an order or coupon its event id depends on.
type stateFields struct {
	ID              int64  `json:"id"`
	DateModifiedGMT string `json:"date_modified_gmt"`
	Status          string `json:"status"`
	Refunds         []struct {
		ID int64 `json:"id"`
	} `json:"refunds"`
	Code           string `json:"code"`
	Amount         string `json:"amount"`
	DiscountType   string `json:"discount_type"`
	DateExpiresGMT string `json:"date_expires_gmt"`
}

func (s stateFields) refundIDs() string {
	ids := make([]string, 0, len(s.Refunds))
	for _, r := range s.Refunds {
		ids = append(ids, strconv.FormatInt(r.ID, 10))
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

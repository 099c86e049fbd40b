package shopify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"

	"codecredit/platforms"
)

// Webhook topics the adapter acts on.
const (
	TopicOrdersPaid           = "orders/paid"
	TopicOrdersCancelled      = "orders/cancelled"
	TopicRefundsCreate        = "refunds/create"
	TopicDiscountsCreate      = "discounts/create"
	TopicDiscountsUpdate      = "discounts/update"
	TopicDiscountsDelete      = "discounts/delete"
	TopicAppUninstalled       = "app/uninstalled"
	TopicCustomersDataRequest = "customers/data_request"
	TopicCustomersRedact      = "customers/redact"
	TopicShopRedact           = "shop/redact"
)

// Webhook headers, as documented at
// https://shopify.dev/docs/apps/build/webhooks/deliver-webhooks-through-https
// and https://shopify.dev/apps/build/webhooks/ignore-duplicates.
const (
	HeaderHmac       = "X-Shopify-Hmac-Sha256"
	HeaderTopic      = "X-Shopify-Topic"
	HeaderShopDomain = "X-Shopify-Shop-Domain"
	HeaderEventID    = "X-Shopify-Event-Id"
	HeaderWebhookID  = "X-Shopify-Webhook-Id"
	HeaderAPIVersion = "X-Shopify-API-Version"
)

// WebhookSource reads the shop a delivery claims to come from
// (X-Shopify-Shop-Domain), without trusting it: VerifyWebhook decides.
func (a *Adapter) WebhookSource(r *http.Request, _ []byte) (string, error) {
	raw := r.Header.Get(HeaderShopDomain)
	shop := NormalizeShop(raw)
	if shop == "" {
		return "", fmt.Errorf("%w: %s %q is not a myshopify.com domain", platforms.ErrSignature, HeaderShopDomain, raw)
	}
	return shop, nil
}

// VerifyWebhook checks the base64 HMAC-SHA256 of the raw body, keyed with
// secret (the app's client secret), in constant time. Shopify's scheme signs
// no timestamp, so there is no freshness check; replays are absorbed by the
// event id, which every redelivery of an event repeats. Source is the shop
// the body names where it names one (see shopActedOn), else the header's,
// so a delivery whose unsigned header names another shop does not match.
func (a *Adapter) VerifyWebhook(h http.Header, body []byte, secret []byte, _ time.Time) (platforms.Webhook, error) {
	if err := verifyBody(h.Values(HeaderHmac), body, secret); err != nil {
		return platforms.Webhook{}, err
	}
	shop := NormalizeShop(h.Get(HeaderShopDomain))
	topic := strings.TrimSpace(h.Get(HeaderTopic))
	if shop == "" || topic == "" {
		return platforms.Webhook{}, fmt.Errorf("%w: signed delivery without a shop domain or topic", platforms.ErrPayload)
	}
	shop, err := shopActedOn(topic, body, shop)
	if err != nil {
		return platforms.Webhook{}, err
	}
	return platforms.Webhook{Source: shop, Topic: topic, EventID: eventID(h, topic, body)}, nil
}

// verifyBody is the signature check proper: exactly one header value, a
// 32-byte base64 MAC, a non-empty body and a non-empty secret. The HMAC is
// checked by go-shopify's App.VerifyWebhookRequestVerbose; what stays ours,
// and why:
//   - several X-Shopify-Hmac-Sha256 headers are refused (go-shopify reads
//     the first), and surrounding spaces are trimmed;
//   - the errors: go-shopify's say neither which case failed as a value we
//     can test for nor stay quiet about the MAC (its mismatch error prints
//     the HMAC the body should have had, which must reach no log or reply),
//     so its error text is dropped and ours says what is wrong.
func verifyBody(sigs []string, body, secret []byte) error {
	switch {
	case len(secret) == 0:
		return fmt.Errorf("%w: no secret to verify with", platforms.ErrSignature)
	case len(sigs) == 0 || strings.TrimSpace(sigs[0]) == "":
		return fmt.Errorf("%w: missing %s", platforms.ErrSignature, HeaderHmac)
	case len(sigs) > 1:
		return fmt.Errorf("%w: several %s headers", platforms.ErrSignature, HeaderHmac)
	case len(body) == 0:
		return fmt.Errorf("%w: empty body", platforms.ErrSignature)
	}
	sig := strings.TrimSpace(sigs[0])
	if got, err := base64.StdEncoding.DecodeString(sig); err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: malformed %s", platforms.ErrSignature, HeaderHmac)
	}
	app := goshopify.App{ApiSecret: string(secret)}
	if ok, err := app.VerifyWebhookRequestVerbose(deliveryRequest(sig, body)); !ok || err != nil {
		return fmt.Errorf("%w: HMAC does not match", platforms.ErrSignature)
	}
	return nil
}

// deliveryRequest is a delivery as go-shopify reads it: body and its one
// X-Shopify-Hmac-Sha256.
func deliveryRequest(sig string, body []byte) *http.Request {
	h := http.Header{}
	h.Set(HeaderHmac, sig)
	return &http.Request{Method: http.MethodPost, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
}

// Sign is the raw HMAC-SHA256 of body keyed with secret; base64 of it is
// what Shopify sends in X-Shopify-Hmac-Sha256 (go-shopify verifies but does
// not sign; tests and SignCallback sign with this).
func Sign(body, secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

// eventID is X-Shopify-Event-Id (the same for every delivery of one event,
// across subscriptions), else X-Shopify-Webhook-Id (the same across retries
// of one delivery), else a digest of topic and body.
func eventID(h http.Header, topic string, body []byte) string {
	for _, k := range []string{HeaderEventID, HeaderWebhookID} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && len(v) <= 255 {
			return v
		}
	}
	sum := sha256.Sum256(append([]byte(topic+"\n"), body...))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ParseWebhook turns a verified body into normalised events. Topics the
// adapter does not act on give no events.
func (a *Adapter) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	return ParseWebhook(topic, body)
}

// ParseWebhook is the adapter's parser, usable without an Adapter.
func ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	switch topic {
	case TopicOrdersPaid:
		return parseOrderPaid(body)
	case TopicRefundsCreate:
		return parseRefund(body)
	case TopicOrdersCancelled:
		return parseCancel(body)
	case TopicDiscountsCreate, TopicDiscountsUpdate, TopicDiscountsDelete:
		return parseDiscountChange(topic, body)
	case TopicDisputesCreate, TopicDisputesUpdate:
		return parseDispute(body)
	case TopicSubscriptionContractsCreate, TopicSubscriptionContractsUpdate, TopicSubscriptionContractsActivate,
		TopicSubscriptionContractsPause, TopicSubscriptionContractsCancel, TopicSubscriptionContractsExpire,
		TopicSubscriptionContractsFail:
		return parseContract(body)
	case TopicAppUninstalled:
		if err := checkObject(body); err != nil {
			return nil, err
		}
		return []platforms.Event{{Kind: platforms.KindAppUninstalled}}, nil
	case TopicCustomersDataRequest, TopicCustomersRedact, TopicShopRedact:
		return parsePrivacy(topic, body)
	}
	return nil, nil
}

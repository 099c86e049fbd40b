// Package api is the built-in platform for merchants whose checkout is their
// own: their scripts report orders and refunds through Codecredit's JSON API
// (authenticated with an API key, so there is no webhook signature), and the
// same queue and attribution engine process them.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"codecredit/platforms"
)

// Topics of API-reported events.
const (
	TopicOrderPaid      = "order.paid"
	TopicOrderRefunded  = "order.refunded"
	TopicOrderCancelled = "order.cancelled"
)

// Platform parses events stored from the JSON API.
type Platform struct{}

// Name is platforms.API.
func (Platform) Name() string { return platforms.API }

// WebhookSource always fails: API events never arrive as webhooks.
func (Platform) WebhookSource(*http.Request, []byte) (string, error) {
	return "", platforms.ErrSignature
}

// VerifyWebhook always fails: API events are authenticated by API key in
// the HTTP layer and never arrive as webhooks.
func (Platform) VerifyWebhook(http.Header, []byte, []byte, time.Time) (platforms.Webhook, error) {
	return platforms.Webhook{}, platforms.ErrSignature
}

// ParseWebhook decodes a stored API event.
func (Platform) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	switch topic {
	case TopicOrderPaid:
		var o platforms.Order
		if err := dec.Decode(&o); err != nil {
			return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
		}
		if err := ValidateOrder(&o); err != nil {
			return nil, err
		}
		return []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &o}}, nil
	case TopicOrderRefunded, TopicOrderCancelled:
		var r platforms.Refund
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
		}
		if topic == TopicOrderCancelled {
			r.Full = true
		}
		if err := ValidateRefund(&r); err != nil {
			return nil, err
		}
		kind := platforms.KindOrderRefunded
		if r.Full && topic == TopicOrderCancelled {
			kind = platforms.KindOrderCancelled
		}
		return []platforms.Event{{Kind: kind, Refund: &r}}, nil
	}
	return nil, fmt.Errorf("%w: unknown topic %q", platforms.ErrPayload, topic)
}

// ValidateOrder checks an order reported through the API and normalises its
// currency; the message says what is wrong.
func ValidateOrder(o *platforms.Order) error {
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	switch {
	case strings.TrimSpace(o.ExternalID) == "":
		return fmt.Errorf("%w: order id is required", platforms.ErrPayload)
	case len(o.Currency) != 3:
		return fmt.Errorf("%w: currency must be a 3-letter ISO 4217 code", platforms.ErrPayload)
	case o.Subtotal < 0 || o.Discount < 0 || o.Total < 0:
		return fmt.Errorf("%w: amounts must not be negative", platforms.ErrPayload)
	case len(o.Codes) > 50:
		return fmt.Errorf("%w: at most 50 codes per order", platforms.ErrPayload)
	}
	if o.PlacedAt.IsZero() {
		return fmt.Errorf("%w: placed_at is required", platforms.ErrPayload)
	}
	return nil
}

// ValidateRefund checks a refund reported through the API.
func ValidateRefund(r *platforms.Refund) error {
	r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
	switch {
	case strings.TrimSpace(r.ExternalID) == "":
		return fmt.Errorf("%w: refund id is required", platforms.ErrPayload)
	case strings.TrimSpace(r.OrderExternalID) == "":
		return fmt.Errorf("%w: order_id is required", platforms.ErrPayload)
	case r.Subtotal < 0:
		return fmt.Errorf("%w: subtotal must not be negative", platforms.ErrPayload)
	case !r.Full && r.Subtotal == 0:
		return fmt.Errorf("%w: subtotal must be positive for a partial refund", platforms.ErrPayload)
	case r.Currency != "" && len(r.Currency) != 3:
		return fmt.Errorf("%w: currency must be a 3-letter ISO 4217 code", platforms.ErrPayload)
	}
	if r.CreatedAt.IsZero() {
		return fmt.Errorf("%w: created_at is required", platforms.ErrPayload)
	}
	return nil
}

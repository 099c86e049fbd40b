package paypal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	ppsdk "github.com/plutov/paypal/v4"
)

// The headers PayPal signs a webhook delivery with.
const (
	HeaderTransmissionID   = "PAYPAL-TRANSMISSION-ID"
	HeaderTransmissionTime = "PAYPAL-TRANSMISSION-TIME"
	HeaderTransmissionSig  = "PAYPAL-TRANSMISSION-SIG"
	HeaderCertURL          = "PAYPAL-CERT-URL"
	HeaderAuthAlgo         = "PAYPAL-AUTH-ALGO"
)

// MaxWebhookBody is the largest webhook body read; a payout event is a few
// kilobytes.
const MaxWebhookBody = 1 << 20

// Webhook errors, matched with errors.Is.
var (
	// ErrSignature: headers missing or PayPal answered FAILURE.
	ErrSignature = errors.New("paypal: webhook signature not verified")
	// ErrStale: the transmission is older than the allowed age (or from
	// the future): a replay.
	ErrStale = errors.New("paypal: webhook transmission too old")
	// ErrEvent: the body is not a payout event we can read.
	ErrEvent = errors.New("paypal: webhook event unreadable")
)

// VerifyWebhook checks a delivery's signature by asking PayPal
// (POST /v1/notifications/verify-webhook-signature) with the delivery's
// headers, the configured webhook id and the raw body; it refuses
// transmissions older than Config.WebhookMaxAge before asking. A nil
// error means PayPal answered SUCCESS. Errors other than ErrSignature,
// ErrStale and ErrEvent mean PayPal could not be asked: answer the
// delivery with a 5xx so that PayPal delivers it again.
func (c *Client) VerifyWebhook(ctx context.Context, h http.Header, body []byte) error {
	if err := c.checkDelivery(h, body); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h.Clone()
	res, err := c.currentSDK().VerifyWebhookSignature(ctx, req, c.cfg.WebhookID)
	if err != nil {
		err = translate(err)
		var api *APIError
		if errors.As(err, &api) && (api.Status == http.StatusBadRequest || api.Status == http.StatusUnprocessableEntity) {
			return fmt.Errorf("%w: PayPal refused the headers: %v", ErrSignature, err) // malformed, not PayPal's
		}
		return err
	}
	if res.VerificationStatus != "SUCCESS" {
		return fmt.Errorf("%w: PayPal answered %q", ErrSignature, res.VerificationStatus)
	}
	return nil
}

// checkDelivery checks what can be checked without a key: every signing
// header present, a webhook id configured, a transmission neither stale
// nor from the future, and a JSON body of bounded size.
func (c *Client) checkDelivery(h http.Header, body []byte) error {
	for _, k := range []string{HeaderTransmissionID, HeaderTransmissionTime, HeaderTransmissionSig, HeaderCertURL, HeaderAuthAlgo} {
		if strings.TrimSpace(h.Get(k)) == "" {
			return fmt.Errorf("%w: no %s header", ErrSignature, k)
		}
	}
	if c.cfg.WebhookID == "" {
		return fmt.Errorf("%w: no webhook id configured", ErrSignature)
	}
	sent, err := time.Parse(time.RFC3339, h.Get(HeaderTransmissionTime))
	if err != nil {
		return fmt.Errorf("%w: transmission time %q", ErrSignature, h.Get(HeaderTransmissionTime))
	}
	if age := c.cfg.Clock().Sub(sent); age > c.cfg.WebhookMaxAge || age < -5*time.Minute {
		return fmt.Errorf("%w: sent %s", ErrStale, sent.Format(time.RFC3339))
	}
	if len(body) > MaxWebhookBody || !json.Valid(body) {
		return fmt.Errorf("%w: body is not JSON of at most %d bytes", ErrEvent, MaxWebhookBody)
	}
	return nil
}

// Event is a payout webhook event.
type Event struct {
	// ID is the event's id (WH-…); PayPal sends it again on a retry, so
	// it is the key that makes a second delivery a no-op.
	ID           string
	Type         string
	ResourceType string
	Summary      string
	CreateTime   time.Time
	// Item is set for PAYMENT.PAYOUTS-ITEM.* events.
	Item *Item
	// Batch is set for PAYMENT.PAYOUTSBATCH.* events (without items:
	// PayPal's batch events carry none; read them with GetBatch).
	Batch *Batch
}

// Event type prefixes of the payouts webhooks.
const (
	EventItemPrefix  = "PAYMENT.PAYOUTS-ITEM."
	EventBatchPrefix = "PAYMENT.PAYOUTSBATCH."
)

type wireEvent struct {
	ID           string          `json:"id"`
	EventType    string          `json:"event_type"`
	ResourceType string          `json:"resource_type"`
	Summary      string          `json:"summary"`
	CreateTime   time.Time       `json:"create_time"`
	Resource     json.RawMessage `json:"resource"`
}

// ParseEvent reads a verified webhook body. Events other than payout
// events come back with neither Item nor Batch set.
func ParseEvent(body []byte) (Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrEvent, err)
	}
	if w.ID == "" || w.EventType == "" {
		return Event{}, fmt.Errorf("%w: no id or event_type", ErrEvent)
	}
	ev := Event{ID: w.ID, Type: w.EventType, ResourceType: w.ResourceType, Summary: w.Summary, CreateTime: w.CreateTime}
	switch {
	case strings.HasPrefix(w.EventType, EventItemPrefix):
		var r ppsdk.PayoutItemResponse
		if err := json.Unmarshal(w.Resource, &r); err != nil || r.PayoutItemID == "" {
			return Event{}, fmt.Errorf("%w: %s resource is not a payout item", ErrEvent, w.EventType)
		}
		it, err := itemFrom(r)
		if err != nil {
			return Event{}, fmt.Errorf("%w: %v", ErrEvent, err)
		}
		ev.Item = &it
	case strings.HasPrefix(w.EventType, EventBatchPrefix):
		var r ppsdk.PayoutResponse
		if err := json.Unmarshal(w.Resource, &r); err != nil || r.BatchHeader == nil || r.BatchHeader.PayoutBatchID == "" {
			return Event{}, fmt.Errorf("%w: %s resource is not a payout batch", ErrEvent, w.EventType)
		}
		b := batchFrom(r.BatchHeader)
		ev.Batch = &b
	}
	return ev, nil
}

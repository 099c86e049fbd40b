package stripe

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// Event types the adapter acts on.
const (
	TopicCheckoutCompleted      = "checkout.session.completed"
	TopicCheckoutAsyncSucceeded = "checkout.session.async_payment_succeeded"
	TopicInvoicePaid            = "invoice.paid"
	TopicRefundCreated          = "refund.created"
	TopicRefundUpdated          = "refund.updated"
	TopicChargeRefunded         = "charge.refunded"
	TopicChargeRefundUpdated    = "charge.refund.updated"
	TopicCreditNoteCreated      = "credit_note.created"
	TopicCreditNoteVoided       = "credit_note.voided"
	TopicPromotionCodeUpdated   = "promotion_code.updated"
	TopicDeauthorized           = "account.application.deauthorized"
)

// ParseWebhook turns a stored event into normalised events. It is pure: it
// reads only the event. Stripe never expands fields in webhooks, so a
// promotion code is named by its id ("promo_..."), which the importer keeps
// as the code's PlatformCodeID for matching; an expanded object (an event
// fetched again with expand[]) also yields the code's text.
//
// Events are read at any API version (an account's older default, a newer
// release, or none) whose objects carry the fields read here; where a
// version moved a field, both places are read (an invoice's subscription
// and taxes, a credit note's taxes). An event that lacks a field we need
// is refused as malformed, naming the version and the field, so that the
// failure shows on its connection. Other event types give nothing.
func (a *Adapter) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	return ParseEvent(topic, body)
}

// ParseEvent is ParseWebhook without an adapter.
func ParseEvent(topic string, body []byte) ([]platforms.Event, error) {
	var ev envelope
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	if topic == "" {
		topic = ev.Type
	}
	if topic == TopicDeauthorized {
		return []platforms.Event{{Kind: platforms.KindAppUninstalled}}, nil
	}
	if !handled(topic) {
		return nil, nil
	}
	if len(ev.Data.Object) == 0 {
		return nil, fmt.Errorf("%w: event %s has no data.object", platforms.ErrPayload, ev.ID)
	}
	switch topic {
	case TopicCheckoutCompleted, TopicCheckoutAsyncSucceeded:
		return parseCheckout(&ev)
	case TopicInvoicePaid:
		return parseInvoice(&ev)
	case TopicRefundCreated, TopicRefundUpdated, TopicChargeRefundUpdated:
		return parseRefund(&ev)
	case TopicDisputeCreated, TopicDisputeClosed:
		return parseDispute(&ev)
	case TopicCreditNoteVoided:
		return parseCreditNoteVoided(&ev)
	case TopicChargeRefunded:
		return parseChargeRefunded(&ev)
	case TopicCreditNoteCreated:
		return parseCreditNote(&ev)
	case TopicPromotionCodeUpdated:
		return parsePromotionCode(&ev)
	}
	if subscriptionTopic(topic) {
		return parseSubscription(&ev)
	}
	return nil, nil
}

// handled reports whether the adapter reads events of this type.
func handled(topic string) bool {
	switch topic {
	case TopicCheckoutCompleted, TopicCheckoutAsyncSucceeded, TopicInvoicePaid, TopicRefundCreated,
		TopicRefundUpdated, TopicChargeRefundUpdated, TopicChargeRefunded, TopicCreditNoteCreated,
		TopicCreditNoteVoided, TopicDisputeCreated, TopicDisputeClosed, TopicPromotionCodeUpdated:
		return true
	}
	return subscriptionTopic(topic)
}

// unreadable is the error for an event whose object lacks a field read
// here: its API version does not have it where it is read.
func unreadable(ev *envelope, field string) error {
	v := ev.APIVersion
	if v == "" {
		v = "none"
	}
	return fmt.Errorf("%w: event %s (%s, API version %s) has no %s; set the webhook endpoint's API version to %s",
		platforms.ErrPayload, ev.ID, ev.Type, v, field, stripe.APIVersion)
}

// ref is an expandable field: an id, or the expanded object.
type ref struct {
	ID            string
	Code          string // a promotion code's text, when expanded
	PromotionCode *ref   // an expanded discount's promotion code
}

// UnmarshalJSON reads an id string, null, or an object.
func (r *ref) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &r.ID)
	}
	var o struct {
		ID            string `json:"id"`
		Code          string `json:"code"`
		PromotionCode *ref   `json:"promotion_code"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	r.ID, r.Code, r.PromotionCode = o.ID, o.Code, o.PromotionCode
	return nil
}

// codeNames is what an order names of a promotion code: its id, then its
// text when the object was expanded.
func codeNames(promo *ref) []string {
	if promo == nil || promo.ID == "" {
		return nil
	}
	if promo.Code != "" {
		return []string{promo.ID, promo.Code}
	}
	return []string{promo.ID}
}

// parsePromotionCode deactivates a code deactivated on Stripe. The code is
// named by its text alone: a coupon is shared by many codes.
func parsePromotionCode(ev *envelope) ([]platforms.Event, error) {
	var p struct {
		ID     string `json:"id"`
		Code   string `json:"code"`
		Active bool   `json:"active"`
	}
	if err := json.Unmarshal(ev.Data.Object, &p); err != nil {
		return nil, fmt.Errorf("%w: promotion code: %v", platforms.ErrPayload, err)
	}
	if p.Active || strings.TrimSpace(p.Code) == "" {
		return nil, nil
	}
	ch := platforms.CodeChange{Code: p.Code, DiscountType: "other", Deleted: true}
	return []platforms.Event{{Kind: platforms.KindCodeChanged, Code: &ch}}, nil
}

// unix is the first non-zero of the Unix times, in UTC.
func unix(ts ...int64) time.Time {
	for _, t := range ts {
		if t > 0 {
			return time.Unix(t, 0).UTC()
		}
	}
	return time.Time{}
}

// Package api is the built-in platform for merchants whose checkout is their
// own: their scripts report orders and refunds through Codecredit's JSON API
// (authenticated with an API key, so there is no webhook signature), and the
// same queue and attribution engine process them.
//
// It is one file: Platform (a parser only: nothing is delivered to it as a
// webhook, so it is no platforms.Receiver), then ValidateOrder and
// ValidateRefund, the checks on what merchants' scripts post to the ingest
// endpoints in handlers.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms"
)

// Topics of API-reported events.
const (
	TopicOrderPaid      = "order.paid"
	TopicOrderRefunded  = "order.refunded"
	TopicOrderCancelled = "order.cancelled"
	// TopicSubscription is a subscription's state after a change.
	TopicSubscription = "subscription.changed"
)

// Platform parses events stored from the JSON API.
type Platform struct{}

var _ platforms.Platform = Platform{}

// Name is platforms.API.
func (Platform) Name() string { return platforms.API }

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
	case TopicSubscription:
		var sub platforms.Subscription
		if err := dec.Decode(&sub); err != nil {
			return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
		}
		if err := ValidateSubscription(&sub); err != nil {
			return nil, err
		}
		return []platforms.Event{{Kind: platforms.KindSubscription, Subscription: &sub}}, nil
	}
	return nil, fmt.Errorf("%w: unknown topic %q", platforms.ErrPayload, topic)
}

// ValidateSubscription checks a subscription state reported through the
// API, normalises its currency and interval, and works out its monthly
// amount from the period's when it is left out.
func ValidateSubscription(s *platforms.Subscription) error {
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	s.Interval = strings.ToLower(strings.TrimSpace(s.Interval))
	if len(s.Currency) != 3 {
		return fmt.Errorf("%w: currency must be a 3-letter ISO 4217 code", platforms.ErrPayload)
	}
	if s.IntervalCount == 0 {
		s.IntervalCount = 1
	}
	monthly, err := platforms.MonthlyAmount(s.Amount, s.Interval, s.IntervalCount)
	if err != nil {
		return fmt.Errorf("%w: interval must be day, week, month or year, and interval_count positive", platforms.ErrPayload)
	}
	if s.MonthlyAmount == 0 {
		s.MonthlyAmount = monthly
	}
	return platforms.CheckSubscription(s)
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
	case o.Subtotal < 0 || o.Discount < 0 || o.Total < 0 || o.Shipping < 0 || o.Tax < 0:
		return fmt.Errorf("%w: amounts must not be negative", platforms.ErrPayload)
	case len(o.Codes) > 50:
		return fmt.Errorf("%w: at most 50 codes per order", platforms.ErrPayload)
	}
	if o.PlacedAt.IsZero() {
		return fmt.Errorf("%w: placed_at is required", platforms.ErrPayload)
	}
	return checkOrderLines(o)
}

// maxLines bounds the lines of an order reported through the API.
const maxLines = 1000

// checkOrderLines checks an order's lines, and that its subtotal is what
// they sold for (a subtotal left out, 0, is taken from them).
func checkOrderLines(o *platforms.Order) error {
	if len(o.Lines) == 0 {
		return nil
	}
	if len(o.Lines) > maxLines {
		return fmt.Errorf("%w: at most %d lines per order", platforms.ErrPayload, maxLines)
	}
	if err := platforms.CheckLines(o.Lines); err != nil {
		return err
	}
	var net int64
	for _, l := range o.Lines {
		net += l.Net(o.TaxesIncluded)
	}
	if o.Subtotal == 0 {
		o.Subtotal = net
	}
	if o.Subtotal != net {
		how := "unit_price × quantity − discount"
		if o.TaxesIncluded {
			how += " − tax"
		}
		return fmt.Errorf("%w: subtotal %d is not what the lines sold for (%d: the sum of %s); send the lines' sum or leave subtotal out",
			platforms.ErrPayload, o.Subtotal, net, how)
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
	}
	if err := checkRefundLines(r); err != nil {
		return err
	}
	switch {
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

// checkRefundLines checks the lines a refund names: each with its line_id
// and the goods refunded on it (subtotal); the refund's subtotal, when
// left out, is their sum, and when sent, at least their sum.
func checkRefundLines(r *platforms.Refund) error {
	var sum int64
	for i, l := range r.Lines {
		switch {
		case strings.TrimSpace(l.LineID) == "":
			return fmt.Errorf("%w: refunded line %d needs its line_id", platforms.ErrPayload, i+1)
		case l.Quantity < 0 || l.Subtotal <= 0:
			return fmt.Errorf("%w: refunded line %q needs a positive subtotal (the goods refunded on it) and no negative quantity", platforms.ErrPayload, l.LineID)
		}
		sum += l.Subtotal
	}
	if r.Subtotal == 0 && !r.Full {
		r.Subtotal = sum
	}
	if r.Subtotal < sum && !r.Full {
		return fmt.Errorf("%w: subtotal %d is less than the refunded lines' %d", platforms.ErrPayload, r.Subtotal, sum)
	}
	return nil
}

package stripe

import (
	"encoding/json"
	"fmt"
	"strconv"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// Subscription event types (https://docs.stripe.com/api/events/types):
// each carries the Subscription (https://docs.stripe.com/api/subscriptions/object)
// as it is after the change.
const (
	TopicSubscriptionCreated = "customer.subscription.created"
	TopicSubscriptionUpdated = "customer.subscription.updated"
	TopicSubscriptionDeleted = "customer.subscription.deleted"
	TopicSubscriptionPaused  = "customer.subscription.paused"
	TopicSubscriptionResumed = "customer.subscription.resumed"
)

// subscriptionTopic reports whether an event type carries a subscription.
func subscriptionTopic(topic string) bool {
	switch topic {
	case TopicSubscriptionCreated, TopicSubscriptionUpdated, TopicSubscriptionDeleted,
		TopicSubscriptionPaused, TopicSubscriptionResumed:
		return true
	}
	return false
}

// stripeSubscription is the part of a Subscription read here. discounts
// are ids in a webhook; EnrichWebhook expands them with their coupons.
// discount (one object, its coupon inside) is where versions before
// 2025-03-31 (basil) kept it; both are read.
type stripeSubscription struct {
	ID                string            `json:"id"`
	Customer          ref               `json:"customer"`
	Currency          string            `json:"currency"`
	Status            string            `json:"status"`
	StartDate         int64             `json:"start_date"`
	Created           int64             `json:"created"`
	CanceledAt        int64             `json:"canceled_at"`
	EndedAt           int64             `json:"ended_at"`
	CancelAtPeriodEnd bool              `json:"cancel_at_period_end"`
	PauseCollection   *json.RawMessage  `json:"pause_collection"`
	Discounts         []json.RawMessage `json:"discounts"`
	Discount          json.RawMessage   `json:"discount"`
	Items             *struct {
		Data []subscriptionItem `json:"data"`
	} `json:"items"`
}

type subscriptionItem struct {
	Quantity int64 `json:"quantity"`
	Price    struct {
		Currency          string `json:"currency"`
		UnitAmount        *int64 `json:"unit_amount"`
		UnitAmountDecimal string `json:"unit_amount_decimal"`
		Recurring         *struct {
			Interval      string `json:"interval"`
			IntervalCount int64  `json:"interval_count"`
		} `json:"recurring"`
	} `json:"price"`
}

// subscriptionDiscount is a Discount (https://docs.stripe.com/api/discounts/object):
// its coupon under source (the current versions) or at its top (older ones).
type subscriptionDiscount struct {
	ID            string `json:"id"`
	PromotionCode *ref   `json:"promotion_code"`
	Source        struct {
		Coupon json.RawMessage `json:"coupon"`
	} `json:"source"`
	RawCoupon json.RawMessage `json:"coupon"`
}

// coupon is the part of a Coupon (https://docs.stripe.com/api/coupons/object)
// a recurring price is discounted by.
type coupon struct {
	ID         string   `json:"id"`
	PercentOff *float64 `json:"percent_off"`
	AmountOff  *int64   `json:"amount_off"`
	Currency   string   `json:"currency"`
	Duration   string   `json:"duration"`
}

// parseSubscription turns a subscription event into the subscription's
// state. Statuses map as follows:
//
//   - incomplete, incomplete_expired: nothing. The first invoice is not
//     paid (https://docs.stripe.com/billing/subscriptions/overview#subscription-statuses):
//     no customer pays or has yet; an incomplete subscription that is paid
//     becomes active (customer.subscription.updated), and an expired one
//     never was. Counting it as a trial would record revenue that never was.
//   - trialing, active, past_due, paused, canceled: themselves; unpaid
//     (retries exhausted, invoices left open) is past_due: it has not
//     ended, and may still be paid. An active or past_due subscription whose
//     collection is paused (pause_collection set) is paused: nothing is
//     charged until it resumes.
//
// A subscription set to cancel at the end of its period
// (cancel_at_period_end) still runs and is paid for until then: it stays
// active, CanceledAt zero, until Stripe ends it (customer.subscription.deleted,
// ended_at the period's end). Its canceled_at, the time the cancellation
// was asked for, is only read once it has ended. ChangedAt is the event's
// created time: Stripe's objects carry no time of their last change.
func parseSubscription(ev *envelope) ([]platforms.Event, error) {
	var s stripeSubscription
	if err := json.Unmarshal(ev.Data.Object, &s); err != nil {
		return nil, fmt.Errorf("%w: subscription: %v", platforms.ErrPayload, err)
	}
	status, ok := subscriptionStatus(&s)
	if !ok {
		return nil, nil
	}
	if s.Items == nil || len(s.Items.Data) == 0 {
		return nil, unreadable(ev, "items.data")
	}
	sub := platforms.Subscription{ExternalID: s.ID, CustomerID: s.Customer.ID, Status: status,
		Currency: s.Currency, StartedAt: unix(s.StartDate, s.Created), ChangedAt: unix(ev.Created)}
	if status == platforms.SubscriptionCanceled {
		sub.CanceledAt = unix(s.EndedAt, s.CanceledAt, ev.Created)
	}
	gross, err := subscriptionPrice(ev, &s, &sub)
	if err != nil {
		return nil, err
	}
	off, codes, err := recurringDiscount(ev, &s, gross)
	if err != nil {
		return nil, err
	}
	sub.Amount, sub.Codes = gross-off, codes
	if sub.MonthlyAmount, err = platforms.MonthlyAmount(sub.Amount, sub.Interval, sub.IntervalCount); err != nil {
		return nil, err
	}
	if err := platforms.CheckSubscription(&sub); err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindSubscription, Subscription: &sub}}, nil
}

// subscriptionStatus maps a Stripe status (see parseSubscription); false
// for one that is not a subscription yet.
func subscriptionStatus(s *stripeSubscription) (string, bool) {
	paused := s.PauseCollection != nil && string(*s.PauseCollection) != "null"
	switch s.Status {
	case "trialing":
		return platforms.SubscriptionTrialing, true
	case "active", "past_due", "unpaid":
		if paused {
			return platforms.SubscriptionPaused, true
		}
		if s.Status == "active" {
			return platforms.SubscriptionActive, true
		}
		return platforms.SubscriptionPastDue, true
	case "paused":
		return platforms.SubscriptionPaused, true
	case "canceled":
		return platforms.SubscriptionCanceled, true
	}
	return "", false
}

// subscriptionPrice is what the items cost a period before discounts
// (unit_amount × quantity, summed), and sets the interval they share.
func subscriptionPrice(ev *envelope, s *stripeSubscription, sub *platforms.Subscription) (int64, error) {
	var gross int64
	for _, it := range s.Items.Data {
		unit, err := unitAmount(ev, &it)
		if err != nil {
			return 0, err
		}
		r := it.Price.Recurring
		if r == nil || r.Interval == "" {
			return 0, unreadable(ev, "items.data.price.recurring")
		}
		if sub.Interval == "" {
			sub.Interval, sub.IntervalCount = r.Interval, r.IntervalCount
		}
		if sub.Currency == "" {
			sub.Currency = it.Price.Currency
		}
		gross += unit * it.Quantity
	}
	return gross, nil
}

// unitAmount is a price's unit amount: unit_amount, else a whole
// unit_amount_decimal. A tiered price has neither: its amount depends on
// usage or tiers this adapter does not read.
func unitAmount(ev *envelope, it *subscriptionItem) (int64, error) {
	if it.Price.UnitAmount != nil {
		return *it.Price.UnitAmount, nil
	}
	if n, err := strconv.ParseInt(it.Price.UnitAmountDecimal, 10, 64); err == nil {
		return n, nil
	}
	return 0, unreadable(ev, "items.data.price.unit_amount (a per-unit price)")
}

// recurringDiscount is what the subscription's forever and repeating
// coupons take off gross each period, applied one after the other in the
// order listed (a percentage rounded half up, as Stripe rounds), and the
// promotion codes of all its discounts. A once coupon is left out: it
// discounts the first invoice only.
func recurringDiscount(ev *envelope, s *stripeSubscription, gross int64) (int64, []string, error) {
	raws := s.Discounts
	if len(s.Discount) > 0 && string(s.Discount) != "null" {
		raws = append(raws, s.Discount)
	}
	var off int64
	var codes []string
	for _, raw := range raws {
		var d subscriptionDiscount
		if err := json.Unmarshal(raw, &d); err != nil || d.ID == "" && len(d.RawCoupon) == 0 {
			return 0, nil, unreadable(ev, "discounts expanded with their coupons (expand[]=discounts.source.coupon)")
		}
		c, err := discountCoupon(&d)
		if err != nil {
			return 0, nil, unreadable(ev, "discounts.source.coupon expanded")
		}
		codes = append(codes, codeNames(d.PromotionCode)...)
		if c.Duration != "forever" && c.Duration != "repeating" {
			continue
		}
		left := gross - off
		switch {
		case c.PercentOff != nil:
			off += currency.MulDivHalfUp(left, percentToBasisPoints(*c.PercentOff), 10000)
		case c.AmountOff != nil && (c.Currency == "" || c.Currency == s.Currency):
			off += min(*c.AmountOff, left)
		}
	}
	return off, codes, nil
}

// discountCoupon reads a discount's coupon, which must be expanded.
func discountCoupon(d *subscriptionDiscount) (*coupon, error) {
	raw := d.Source.Coupon
	if len(raw) == 0 || string(raw) == "null" {
		raw = d.RawCoupon
	}
	var c coupon
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("coupon not expanded")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

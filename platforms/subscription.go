package platforms

import (
	"fmt"
	"time"

	"codecredit/platforms/currency"
)

// Subscription statuses, as every platform's are mapped.
const (
	SubscriptionTrialing = "trialing" // not paying yet
	SubscriptionActive   = "active"   // paying
	SubscriptionPastDue  = "past_due" // a payment failed; still counted until it ends
	SubscriptionPaused   = "paused"   // no payments for now
	SubscriptionCanceled = "canceled" // ended: no more payments
)

// Subscription is a subscription's state as its platform reports it after
// a change (a KindSubscription event). Amounts are minor units of
// Currency. The engine keeps the latest state by ChangedAt, so a late or
// repeated delivery of an older state changes nothing.
type Subscription struct {
	ExternalID    string `json:"id"` // the id orders name as Order.SubscriptionID
	CustomerID    string `json:"customer_id,omitempty"`
	CustomerEmail string `json:"customer_email,omitempty"`
	Status        string `json:"status"`
	Currency      string `json:"currency"`
	// Amount is what one billing period costs, after recurring discounts
	// and before tax, for Interval × IntervalCount ("month", 1; "year", 1;
	// "week", 2); MonthlyAmount is the same normalised to one month.
	Amount        int64  `json:"amount"`
	Interval      string `json:"interval"`
	IntervalCount int64  `json:"interval_count"`
	MonthlyAmount int64  `json:"monthly_amount"`
	// Codes are the discount codes applied to the subscription, where the
	// platform says (a Stripe promotion code id, a Paddle discount id, a
	// code's text).
	Codes []string `json:"codes,omitempty"`
	// FirstOrderID is the order that started the subscription, where its
	// orders do not name the subscription themselves (a WooCommerce
	// parent order, a Shopify contract's origin order): the affiliate
	// credited with that order brought the subscription.
	FirstOrderID string    `json:"first_order_id,omitempty"`
	StartedAt    time.Time `json:"started_at"`
	CanceledAt   time.Time `json:"canceled_at,omitempty"` // when it ended (or ends); zero while it runs
	ChangedAt    time.Time `json:"changed_at"`            // when the platform says this state began
}

// Billing intervals.
const (
	IntervalDay   = "day"
	IntervalWeek  = "week"
	IntervalMonth = "month"
	IntervalYear  = "year"
)

// MonthlyAmount normalises amount billed every count intervals to one
// month (a year is 12 months; a month is 365.25 / 12 = 30.4375 days, so
// 4.348… weeks), rounded half to even; an unknown interval or count is an
// error.
func MonthlyAmount(amount int64, interval string, count int64) (int64, error) {
	if count <= 0 {
		return 0, fmt.Errorf("%w: interval count %d", ErrPayload, count)
	}
	switch interval {
	case IntervalMonth:
		return currency.MulDiv(amount, 1, count), nil
	case IntervalYear:
		return currency.MulDiv(amount, 1, 12*count), nil
	case IntervalWeek:
		// 365.25 days / 12 months / 7 days = 4.348214… weeks a month.
		return currency.MulDiv(amount, 36525, 8400*count), nil
	case IntervalDay:
		return currency.MulDiv(amount, 36525, 1200*count), nil
	}
	return 0, fmt.Errorf("%w: billing interval %q", ErrPayload, interval)
}

// CheckSubscription says what is wrong with a subscription state, if
// anything: no id, an unknown status, a negative amount, no start.
func CheckSubscription(s *Subscription) error {
	switch {
	case s.ExternalID == "":
		return fmt.Errorf("%w: subscription without an id", ErrPayload)
	case s.Amount < 0 || s.MonthlyAmount < 0:
		return fmt.Errorf("%w: subscription %s has a negative amount", ErrPayload, s.ExternalID)
	case s.StartedAt.IsZero() || s.ChangedAt.IsZero():
		return fmt.Errorf("%w: subscription %s without its start or the time of the change", ErrPayload, s.ExternalID)
	}
	switch s.Status {
	case SubscriptionTrialing, SubscriptionActive, SubscriptionPastDue, SubscriptionPaused, SubscriptionCanceled:
		return nil
	}
	return fmt.Errorf("%w: subscription %s has status %q", ErrPayload, s.ExternalID, s.Status)
}

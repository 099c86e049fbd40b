package paddle

import (
	"fmt"
	"strings"

	"codecredit/platforms"
)

// Subscription event types: each carries the whole subscription entity
// after the change. subscription.updated is Paddle's catch-all (renewals,
// plan and quantity changes, scheduled changes) and comes beside the
// others for the same change.
// https://developer.paddle.com/webhooks/subscriptions/subscription-created
const (
	TopicSubscriptionCreated   = "subscription.created"
	TopicSubscriptionActivated = "subscription.activated"
	TopicSubscriptionUpdated   = "subscription.updated"
	TopicSubscriptionTrialing  = "subscription.trialing"
	TopicSubscriptionPastDue   = "subscription.past_due"
	TopicSubscriptionPaused    = "subscription.paused"
	TopicSubscriptionResumed   = "subscription.resumed"
	TopicSubscriptionCanceled  = "subscription.canceled"
)

// subscriptionTopics are the subscription event types the adapter reads.
var subscriptionTopics = []string{TopicSubscriptionCreated, TopicSubscriptionActivated, TopicSubscriptionUpdated,
	TopicSubscriptionTrialing, TopicSubscriptionPastDue, TopicSubscriptionPaused, TopicSubscriptionResumed,
	TopicSubscriptionCanceled}

// subscriptionEntity is the part of Paddle's subscription entity the
// adapter reads: https://developer.paddle.com/api-reference/subscriptions/overview
type subscriptionEntity struct {
	ID            string  `json:"id"`
	Status        string  `json:"status"`
	CustomerID    string  `json:"customer_id"`
	CurrencyCode  string  `json:"currency_code"`
	StartedAt     *string `json:"started_at"`
	FirstBilledAt *string `json:"first_billed_at"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     string  `json:"updated_at"`
	CanceledAt    *string `json:"canceled_at"`
	Discount      *struct {
		ID string `json:"id"`
	} `json:"discount"`
	BillingCycle cycle              `json:"billing_cycle"`
	Items        []subscriptionItem `json:"items"`
}

// cycle is a billing cycle: every Frequency Intervals.
type cycle struct {
	Interval  string `json:"interval"`
	Frequency int64  `json:"frequency"`
}

// money is a unit price.
type money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currency_code"`
}

// subscriptionItem is one price a subscription bills.
type subscriptionItem struct {
	Status    string `json:"status"` // active, inactive, trialing
	Quantity  int64  `json:"quantity"`
	Recurring bool   `json:"recurring"`
	Price     struct {
		ID        string `json:"id"`
		UnitPrice money  `json:"unit_price"`
		Overrides []struct {
			UnitPrice money `json:"unit_price"`
		} `json:"unit_price_overrides"`
		BillingCycle *cycle `json:"billing_cycle"`
	} `json:"price"`
}

// Paddle's subscription statuses, as the engine counts them.
var subscriptionStatuses = map[string]string{
	"trialing": platforms.SubscriptionTrialing,
	"active":   platforms.SubscriptionActive,
	"past_due": platforms.SubscriptionPastDue,
	"paused":   platforms.SubscriptionPaused,
	"canceled": platforms.SubscriptionCanceled,
}

// parseSubscription reads a subscription event into the subscription's
// state after it.
//
//   - Amount is what one billing cycle bills: the sum of the recurring,
//     not inactive items' unit price × quantity, in the subscription's
//     currency (a price's override in that currency when its base price is
//     in another), as the prices are listed (tax included for prices with
//     tax_mode internal). Paddle names a subscription's discount by id
//     only (discount.id, starts_at, ends_at: no type, no amount), so the
//     amount is before it; the discount id goes to Codes, as it does for
//     orders.
//   - StartedAt is started_at, or first_billed_at, or created_at.
//   - CanceledAt is canceled_at, set only once the subscription has ended
//     (status canceled). A cancellation scheduled for the end of the
//     period (scheduled_change.action "cancel") leaves it active and
//     paying until Paddle cancels it and sends subscription.canceled.
//   - ChangedAt is the entity's updated_at, not the notification's
//     occurred_at: it is the time of the state itself, so every
//     notification carrying one state (subscription.paused and the
//     subscription.updated beside it, a retry, a replay) has the same one
//     and a later state always a later one, whereas occurred_at differs
//     between the notifications of one change and says nothing about an
//     old state replayed. occurred_at is used only when updated_at is
//     missing.
//
// The id is the sub_ id transaction.completed orders carry as
// SubscriptionID.
func parseSubscription(env envelope) ([]platforms.Event, error) {
	var e subscriptionEntity
	if err := decodeData(env, &e); err != nil {
		return nil, err
	}
	if e.ID == "" {
		return nil, fmt.Errorf("%w: subscription without id", platforms.ErrPayload)
	}
	s := &platforms.Subscription{ExternalID: e.ID, CustomerID: e.CustomerID, Status: subscriptionStatuses[e.Status],
		Currency: strings.ToUpper(e.CurrencyCode), Interval: e.BillingCycle.Interval, IntervalCount: e.BillingCycle.Frequency}
	if s.Status == "" {
		return nil, fmt.Errorf("%w: subscription %s has status %q", platforms.ErrPayload, e.ID, e.Status)
	}
	var err error
	if s.Amount, err = recurringAmount(&e, s.Currency); err != nil {
		return nil, err
	}
	if s.MonthlyAmount, err = platforms.MonthlyAmount(s.Amount, s.Interval, s.IntervalCount); err != nil {
		return nil, fmt.Errorf("subscription %s: %w", e.ID, err)
	}
	if e.Discount != nil && e.Discount.ID != "" {
		s.Codes = []string{e.Discount.ID}
	}
	if s.StartedAt, err = timeOf(deref(e.StartedAt), deref(e.FirstBilledAt), e.CreatedAt); err != nil {
		return nil, err
	}
	if s.ChangedAt, err = timeOf(e.UpdatedAt, env.OccurredAt); err != nil {
		return nil, err
	}
	if s.Status == platforms.SubscriptionCanceled {
		if s.CanceledAt, err = timeOf(deref(e.CanceledAt), e.UpdatedAt, env.OccurredAt); err != nil {
			return nil, err
		}
	}
	if err := platforms.CheckSubscription(s); err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindSubscription, Subscription: s}}, nil
}

// recurringAmount is what one billing cycle of the subscription's
// recurring items costs in currency. Paddle bills every recurring item of
// a subscription on the subscription's cycle, so an item whose price
// names another cycle is refused rather than counted at the wrong one.
func recurringAmount(e *subscriptionEntity, currency string) (int64, error) {
	var sum int64
	for i, it := range e.Items {
		if !it.Recurring || it.Status == "inactive" {
			continue
		}
		if c := it.Price.BillingCycle; c != nil && (c.Interval != e.BillingCycle.Interval || c.Frequency != e.BillingCycle.Frequency) {
			return 0, fmt.Errorf("%w: subscription %s: item %d bills every %d %s, the subscription every %d %s",
				platforms.ErrPayload, e.ID, i, c.Frequency, c.Interval, e.BillingCycle.Frequency, e.BillingCycle.Interval)
		}
		unit, err := itemPrice(it, currency)
		if err != nil {
			return 0, fmt.Errorf("subscription %s: %w", e.ID, err)
		}
		sum += unit * max(it.Quantity, 1)
	}
	return sum, nil
}

// itemPrice is an item's unit price in currency: the price's own, or its
// one override in that currency (Paddle bills a customer in another
// currency at the override for their country). Overrides in currency at
// different prices cannot be told apart without the customer's country,
// so they are refused.
func itemPrice(it subscriptionItem, currency string) (int64, error) {
	p := it.Price
	if strings.EqualFold(p.UnitPrice.CurrencyCode, currency) {
		return minor("items[].price.unit_price.amount", p.UnitPrice.Amount)
	}
	found := ""
	for _, o := range p.Overrides {
		if !strings.EqualFold(o.UnitPrice.CurrencyCode, currency) {
			continue
		}
		if found != "" && found != o.UnitPrice.Amount {
			return 0, fmt.Errorf("%w: price %s has several %s prices", platforms.ErrPayload, p.ID, currency)
		}
		found = o.UnitPrice.Amount
	}
	if found == "" {
		return 0, fmt.Errorf("%w: price %s has no %s price", platforms.ErrPayload, p.ID, currency)
	}
	return minor("items[].price.unit_price_overrides[].unit_price.amount", found)
}

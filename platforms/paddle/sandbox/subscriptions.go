package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The subscription lifecycle, as a customer and the merchant play it and
// as Paddle notifies it: every change updates the subscription entity
// (a later updated_at each time) and sends the change's own event, then
// subscription.updated, Paddle's catch-all, with the same entity.
//
//   - Subscribe: checkout. Without a trial, the first bill
//     (transaction.completed), then subscription.created and
//     subscription.activated. With one, subscription.created and
//     subscription.trialing; the trial's zero checkout transaction is
//     neither kept nor sent.
//   - Renew (transactions.go) bills the next period; for a subscription
//     made by Subscribe it also moves the billing period
//     (subscription.updated), activating a trialing one first
//     (subscription.activated).
//   - SetQuantity: an upgrade or downgrade, billed from the next renewal
//     (Paddle's proration_billing_mode do_not_bill): subscription.updated.
//   - FailPayment: a renewal payment failed: subscription.past_due.
//   - Pause and Resume, both at once: subscription.paused;
//     subscription.resumed, then the new period's bill, as Paddle does.
//   - Cancel at once (subscription.canceled), or at the period's end: a
//     scheduled change (subscription.updated, still active) that
//     RunScheduledChange carries out at the sandbox's current time.
//
// CompleteTransaction's subscriptions stay transaction-only: they send
// no subscription events, as before.

// Subscribe plays a customer subscribing to items at checkout, with code
// (optional) applied, for trialDays days free first (0: none).
func (s *Server) Subscribe(ctx context.Context, code string, items []Item, currency, email string, trialDays int) (Subscription, error) {
	if len(recurringItems(items)) == 0 || trialDays < 0 {
		return Subscription{}, errors.New("sandbox: a subscription needs recurring items")
	}
	if trialDays == 0 {
		t, err := s.CompleteTransaction(ctx, code, items, currency, email)
		if t.ID == "" {
			return Subscription{}, err
		}
		s.mu.Lock()
		sub := s.subs[*t.SubscriptionID]
		s.startSubscription(sub, "active", 0)
		created := subscriptionCreated{*sub.ent, t.ID}
		s.mu.Unlock()
		return created.Subscription, errors.Join(err, s.emit(ctx, "subscription.created", created),
			s.emit(ctx, "subscription.activated", created.Subscription))
	}
	currency = strings.ToUpper(currency)
	s.mu.Lock()
	d, err := s.redeemable(code, currency)
	if err != nil || len(currency) != 3 {
		s.mu.Unlock()
		return Subscription{}, errors.Join(err, errors.New("sandbox: a subscription needs a currency"))
	}
	sub := &subscription{id: newID("sub"), customerID: s.customerFor(email), currency: currency, items: recurringItems(items)}
	if d != nil && d.Recur {
		sub.discountID = d.ID
	}
	s.subs[sub.id] = sub
	s.startSubscription(sub, "trialing", trialDays)
	created := subscriptionCreated{*sub.ent, newID("txn")}
	s.mu.Unlock()
	return created.Subscription, errors.Join(s.emit(ctx, "subscription.created", created),
		s.emit(ctx, "subscription.trialing", created.Subscription))
}

// startSubscription gives sub its entity, trialing for trialDays or
// active from now, with one stable price per item.
func (s *Server) startSubscription(sub *subscription, status string, trialDays int) {
	now := s.opts.Clock().UTC()
	stamp := now.Format(timeFormat)
	sub.ent = &Subscription{ID: sub.id, Status: status, CustomerID: sub.customerID, AddressID: newID("add"),
		CurrencyCode: sub.currency, CreatedAt: stamp, UpdatedAt: stamp, StartedAt: &stamp, CollectionMode: "automatic",
		BillingCycle: *monthly, Items: []SubscriptionItem{}}
	end := now.AddDate(0, 1, 0)
	var trial *Period
	if trialDays > 0 {
		end = now.AddDate(0, 0, trialDays)
		trial = &Period{StartsAt: stamp, EndsAt: end.Format(timeFormat)}
	} else {
		sub.ent.FirstBilledAt = &stamp
	}
	for _, it := range sub.items {
		price := s.priceOf(it, sub.currency)
		if trial != nil {
			price.TrialPeriod = &BillingCycle{Interval: "day", Frequency: trialDays}
		}
		sub.ent.Items = append(sub.ent.Items, SubscriptionItem{Status: status, Quantity: max(it.Quantity, 1), Recurring: true,
			CreatedAt: stamp, UpdatedAt: stamp, TrialDates: trial, Price: price,
			Product: Product{ID: price.ProductID, Name: it.Name, Type: "standard", TaxCategory: "standard", Status: "active",
				CreatedAt: price.CreatedAt, UpdatedAt: price.UpdatedAt}})
		if trial == nil {
			sub.ent.Items[len(sub.ent.Items)-1].PreviouslyBilledAt = &stamp
		}
	}
	if sub.discountID != "" {
		sub.ent.Discount = &SubscriptionDiscount{ID: sub.discountID, StartsAt: stamp}
	}
	s.setPeriod(sub.ent, now, end)
}

// setPeriod makes from–to the current billing period, billed next at to.
func (s *Server) setPeriod(e *Subscription, from, to time.Time) {
	next := to.Format(timeFormat)
	e.CurrentBillingPeriod = &Period{StartsAt: from.Format(timeFormat), EndsAt: next}
	e.NextBilledAt = &next
	for i := range e.Items {
		e.Items[i].NextBilledAt = &next
	}
}

// touch stamps a change: updated_at moves to now, and always forward, so
// two changes in the same instant still order.
func (s *Server) touch(e *Subscription) time.Time {
	now := s.opts.Clock().UTC()
	if last, err := time.Parse(time.RFC3339Nano, e.UpdatedAt); err == nil && !now.After(last) {
		now = last.Add(time.Microsecond)
	}
	e.UpdatedAt = now.Format(timeFormat)
	return now
}

// change applies fn to the entity of a subscription made by Subscribe,
// then sends eventType and subscription.updated with the result.
func (s *Server) change(ctx context.Context, id, eventType string, fn func(*subscription, time.Time) error) (Subscription, error) {
	s.mu.Lock()
	sub, ok := s.subs[id]
	if !ok || sub.ent == nil {
		s.mu.Unlock()
		return Subscription{}, fmt.Errorf("%w: subscription %s", ErrNotFound, id)
	}
	if err := fn(sub, s.opts.Clock().UTC()); err != nil {
		s.mu.Unlock()
		return Subscription{}, err
	}
	s.touch(sub.ent)
	out := *sub.ent
	out.Items = append([]SubscriptionItem(nil), out.Items...)
	s.mu.Unlock()
	if eventType == "subscription.updated" {
		return out, s.emit(ctx, eventType, out)
	}
	return out, errors.Join(s.emit(ctx, eventType, out), s.emit(ctx, "subscription.updated", out))
}

// SetQuantity changes how many of the subscription's item-th item it
// bills: more is an upgrade, fewer a downgrade.
func (s *Server) SetQuantity(ctx context.Context, id string, item, quantity int) (Subscription, error) {
	return s.change(ctx, id, "subscription.updated", func(sub *subscription, _ time.Time) error {
		if item < 0 || item >= len(sub.items) || quantity < 1 || sub.ent.Status == "canceled" {
			return fmt.Errorf("sandbox: cannot set item %d of %s to %d", item, id, quantity)
		}
		sub.items[item].Quantity, sub.ent.Items[item].Quantity = quantity, quantity
		sub.ent.Items[item].UpdatedAt = s.opts.Clock().UTC().Format(timeFormat)
		return nil
	})
}

// FailPayment plays a renewal payment failing: the subscription is past due.
func (s *Server) FailPayment(ctx context.Context, id string) (Subscription, error) {
	return s.change(ctx, id, "subscription.past_due", func(sub *subscription, _ time.Time) error {
		return sub.setStatus("past_due", "active")
	})
}

// Pause pauses a subscription at once: no billing period, nothing billed.
func (s *Server) Pause(ctx context.Context, id string) (Subscription, error) {
	return s.change(ctx, id, "subscription.paused", func(sub *subscription, now time.Time) error {
		if err := sub.setStatus("paused", "active", "past_due"); err != nil {
			return err
		}
		stamp := now.Format(timeFormat)
		sub.ent.PausedAt, sub.ent.CurrentBillingPeriod, sub.ent.NextBilledAt, sub.ent.ScheduledChange = &stamp, nil, nil, nil
		for i := range sub.ent.Items {
			sub.ent.Items[i].NextBilledAt = nil
		}
		return nil
	})
}

// Resume resumes a paused subscription at once (subscription.resumed),
// billing a new period from now (transaction.completed).
func (s *Server) Resume(ctx context.Context, id string) (Subscription, error) {
	out, err := s.change(ctx, id, "subscription.resumed", func(sub *subscription, now time.Time) error {
		if err := sub.setStatus("active", "paused"); err != nil {
			return err
		}
		sub.ent.PausedAt = nil
		s.setPeriod(sub.ent, now, now.AddDate(0, 1, 0))
		return nil
	})
	if err != nil && out.ID == "" {
		return out, err
	}
	_, billErr := s.bill(ctx, id)
	return out, errors.Join(err, billErr)
}

// Cancel cancels a subscription at once, or schedules its cancellation for
// the end of the billing period: it stays active and paying until then.
func (s *Server) Cancel(ctx context.Context, id string, atPeriodEnd bool) (Subscription, error) {
	if atPeriodEnd {
		return s.change(ctx, id, "subscription.updated", func(sub *subscription, _ time.Time) error {
			if sub.ent.CurrentBillingPeriod == nil || sub.ent.Status == "canceled" {
				return fmt.Errorf("sandbox: subscription %s has no period to end", id)
			}
			sub.ent.ScheduledChange = &ScheduledChange{Action: "cancel", EffectiveAt: sub.ent.CurrentBillingPeriod.EndsAt}
			sub.ent.NextBilledAt = nil
			return nil
		})
	}
	return s.change(ctx, id, "subscription.canceled", cancelNow)
}

// RunScheduledChange carries out a subscription's scheduled cancellation,
// as Paddle does when its effective_at comes (the sandbox's clock).
func (s *Server) RunScheduledChange(ctx context.Context, id string) (Subscription, error) {
	return s.change(ctx, id, "subscription.canceled", func(sub *subscription, now time.Time) error {
		if sub.ent.ScheduledChange == nil || sub.ent.ScheduledChange.Action != "cancel" {
			return fmt.Errorf("sandbox: subscription %s has no scheduled cancellation", id)
		}
		return cancelNow(sub, now)
	})
}

// cancelNow ends a subscription now.
func cancelNow(sub *subscription, now time.Time) error {
	if err := sub.setStatus("canceled", "active", "past_due", "paused", "trialing"); err != nil {
		return err
	}
	stamp := now.Format(timeFormat)
	e := sub.ent
	e.CanceledAt, e.CurrentBillingPeriod, e.NextBilledAt, e.ScheduledChange = &stamp, nil, nil, nil
	for i := range e.Items {
		e.Items[i].NextBilledAt = nil
	}
	return nil
}

// setStatus moves the subscription (and its items) to status, from one of
// the statuses from.
func (sub *subscription) setStatus(status string, from ...string) error {
	for _, f := range from {
		if sub.ent.Status == f {
			sub.ent.Status = status
			for i := range sub.ent.Items {
				sub.ent.Items[i].Status = "active" // as Paddle's paused and canceled samples keep them
			}
			return nil
		}
	}
	return fmt.Errorf("sandbox: subscription %s is %s, cannot become %s", sub.id, sub.ent.Status, status)
}

// renewed moves a Subscribe subscription on after Renew billed it: a new
// billing period (subscription.updated), after activating a trialing one
// (subscription.activated) or settling a past due one.
func (s *Server) renewed(ctx context.Context, id string) error {
	s.mu.Lock()
	sub := s.subs[id]
	lifecycle := sub != nil && sub.ent != nil
	trialing := lifecycle && sub.ent.Status == "trialing"
	s.mu.Unlock()
	if !lifecycle {
		return nil
	}
	eventType := "subscription.updated"
	if trialing {
		eventType = "subscription.activated"
	}
	_, err := s.change(ctx, id, eventType, func(sub *subscription, now time.Time) error {
		if err := sub.setStatus("active", "active", "trialing", "past_due"); err != nil {
			return err
		}
		stamp := now.Format(timeFormat)
		if sub.ent.FirstBilledAt == nil {
			sub.ent.FirstBilledAt = &stamp
		}
		for i := range sub.ent.Items {
			sub.ent.Items[i].PreviouslyBilledAt = &stamp
		}
		s.setPeriod(sub.ent, now, now.AddDate(0, 1, 0))
		return nil
	})
	return err
}

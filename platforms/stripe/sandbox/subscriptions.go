package sandbox

import (
	"fmt"
	"net/http"
	"time"
)

// A subscription's life after it starts, as a merchant drives it from the
// dashboard or the API (https://docs.stripe.com/billing/subscriptions/change,
// https://docs.stripe.com/billing/subscriptions/cancel,
// https://docs.stripe.com/billing/subscriptions/pause-payment): each change
// delivers customer.subscription.updated (or .deleted when it ends) with the
// Subscription as it is after the change. Changes are dated by the
// subscription's own clock, a day after the one before (or the start of
// the period renewed since), as a test clock advanced a day at a time.

// lifecycle is what changes of a subscription besides its items.
type lifecycle struct {
	status            string
	created           int64
	clock             time.Time // when the last change happened
	cancelAtPeriodEnd bool
	canceledAt        int64
	endedAt           int64
	paused            bool // collection paused (pause_collection)
	trialStart        int64
	trialEnd          int64
}

// StartSubscription plays a merchant creating a monthly subscription of
// items through the API with code: it delivers customer.subscription.created
// (active), then invoice.paid for the first invoice.
func (s *Server) StartSubscription(accountID, code string, items []Item, currency string) (Invoice, error) {
	s.mu.Lock()
	sub, inv, paid, err := s.subscribe(accountID, code, items, currency)
	if err != nil {
		s.mu.Unlock()
		return Invoice{}, err
	}
	sub.life = lifecycle{status: "active", created: sub.periodAt.Unix(), clock: sub.periodAt}
	created := s.eventAt(inv.account, "customer.subscription.created", subscriptionJSON(sub, false), sub.periodAt.Unix())
	s.mu.Unlock()
	out := Invoice{SubscriptionID: sub.id, InvoiceID: inv.invoice, PaymentIntentID: inv.intent,
		Total: inv.total(), EventID: paid.id, LineIDs: inv.lineIDs(), CreatedEventID: created.id}
	return out, joinErr(s.send(created), s.send(paid))
}

// StartTrial plays a merchant creating a monthly subscription of items
// with a trial of days (trial_period_days) and code: it delivers
// customer.subscription.created (trialing). Nothing is billed until
// EndTrial. (Stripe also sends a 0.00 invoice for the trial, left out
// here: it pays nothing.)
func (s *Server) StartTrial(accountID, code string, items []Item, currency string, days int) (string, string, error) {
	s.mu.Lock()
	sl, err := s.newSale(accountID, code, items, currency, "subscriber@example.com")
	if err != nil {
		s.mu.Unlock()
		return "", "", err
	}
	now := s.opts.Now().UTC()
	sub := &subscription{id: newID("sub_"), sale: sl, periodAt: now.AddDate(0, 0, days)}
	sub.life = lifecycle{status: "trialing", created: now.Unix(), clock: now, trialStart: now.Unix(),
		trialEnd: sub.periodAt.Unix()}
	s.subscriptions[sub.id] = sub
	ev := s.eventAt(sl.account, "customer.subscription.created", subscriptionJSON(sub, false), now.Unix())
	s.mu.Unlock()
	return sub.id, ev.id, s.send(ev)
}

// EndTrial ends a subscription's trial: its first invoice is billed and
// paid (invoice.paid), and it becomes active (customer.subscription.updated),
// both at the trial's end.
func (s *Server) EndTrial(subscriptionID string) (Invoice, error) {
	s.mu.Lock()
	sub := s.subscriptions[subscriptionID]
	if sub == nil || sub.life.status != "trialing" {
		s.mu.Unlock()
		return Invoice{}, fmt.Errorf("sandbox: no subscription %s in its trial", subscriptionID)
	}
	inv, paid := s.bill(sub)
	sub.life.status, sub.life.clock = "active", sub.periodAt
	updated := s.eventAt(inv.account, "customer.subscription.updated", subscriptionJSON(sub, false), sub.periodAt.Unix())
	s.mu.Unlock()
	out := Invoice{SubscriptionID: sub.id, InvoiceID: inv.invoice, PaymentIntentID: inv.intent,
		Total: inv.total(), EventID: paid.id, LineIDs: inv.lineIDs()}
	return out, joinErr(s.send(paid), s.send(updated))
}

// endOfPeriod is what the end of a subscription's period does besides
// billing the next: a subscription set to cancel then ends, at the
// period's end (its event, to send); one in its trial or ended cannot
// renew. Call with s.mu held.
func (s *Server) endOfPeriod(sub *subscription) (*sentEvent, error) {
	switch l := &sub.life; {
	case l.status == "trialing" || l.status == "canceled":
		return nil, fmt.Errorf("sandbox: subscription %s is %s: it does not renew", sub.id, l.status)
	case l.cancelAtPeriodEnd:
		end := sub.periodAt.AddDate(0, 1, 0)
		l.status, l.endedAt, l.clock = "canceled", end.Unix(), end
		return s.eventAt(sub.sale.account, "customer.subscription.deleted", subscriptionJSON(sub, false), end.Unix()), nil
	}
	return nil, nil
}

// ChangeSubscription replaces a subscription's items (a higher or lower
// plan, more or fewer seats); later invoices bill the new items. Stripe's
// proration is left out: nothing is billed until the next renewal.
func (s *Server) ChangeSubscription(subscriptionID string, items []Item) (string, error) {
	return s.change(subscriptionID, func(sub *subscription) string {
		sub.sale.items = items
		sub.sale.subtotal = 0
		for _, it := range items {
			sub.sale.subtotal += it.UnitAmount * it.Quantity
		}
		return "customer.subscription.updated"
	})
}

// CancelSubscription cancels a subscription: at the end of its period
// (it stays active, cancel_at_period_end set, canceled_at the request's
// time) or now (it ends: customer.subscription.deleted).
func (s *Server) CancelSubscription(subscriptionID string, atPeriodEnd bool) (string, error) {
	return s.change(subscriptionID, func(sub *subscription) string {
		sub.life.canceledAt = sub.life.clock.Unix()
		if atPeriodEnd {
			sub.life.cancelAtPeriodEnd = true
			return "customer.subscription.updated"
		}
		sub.life.status, sub.life.endedAt = "canceled", sub.life.clock.Unix()
		return "customer.subscription.deleted"
	})
}

// PauseSubscription pauses (or resumes) the collection of a subscription's
// payments (pause_collection, behavior void): it stays active.
func (s *Server) PauseSubscription(subscriptionID string, pause bool) (string, error) {
	return s.change(subscriptionID, func(sub *subscription) string {
		sub.life.paused = pause
		return "customer.subscription.updated"
	})
}

// change applies fn to a running subscription a day after its last
// change and delivers the event fn names.
func (s *Server) change(subscriptionID string, fn func(*subscription) string) (string, error) {
	s.mu.Lock()
	sub := s.subscriptions[subscriptionID]
	if sub == nil || sub.life.status == "" || sub.life.status == "canceled" {
		s.mu.Unlock()
		return "", fmt.Errorf("sandbox: no running subscription %s started with StartSubscription", subscriptionID)
	}
	if sub.life.status != "trialing" && sub.life.clock.Before(sub.periodAt) {
		sub.life.clock = sub.periodAt
	}
	sub.life.clock = sub.life.clock.Add(24 * time.Hour)
	typ := fn(sub)
	ev := s.eventAt(sub.sale.account, typ, subscriptionJSON(sub, false), sub.life.clock.Unix())
	s.mu.Unlock()
	return ev.id, s.send(ev)
}

// subscriptionJSON is a Subscription (https://docs.stripe.com/api/subscriptions/object)
// at the version the sandbox speaks: its discounts are ids unless
// expanded (with their coupons).
func subscriptionJSON(sub *subscription, expandDiscounts bool) map[string]any {
	sl, l := &sub.sale, &sub.life
	start, end, anchor := sub.periodAt.Unix(), sub.periodAt.AddDate(0, 1, 0).Unix(), l.created
	if l.trialEnd > 0 {
		anchor = l.trialEnd
	}
	if l.status == "trialing" {
		start, end = l.trialStart, l.trialEnd
	}
	discounts := []any{}
	if sl.coupon != nil && sl.coupon.appliesTo(sub.invoices) {
		var d any = "di_" + sub.id[4:]
		if expandDiscounts {
			d = subscriptionDiscountJSON(sub)
		}
		discounts = append(discounts, d)
	}
	lines := priceLines(sl.items, 0, 0, "si_")
	items := make([]any, len(lines))
	for i := range lines {
		price := priceJSON(&lines[i], sl.currency)
		price["type"] = "recurring"
		price["recurring"] = map[string]any{"interval": "month", "interval_count": 1, "meter": nil,
			"trial_period_days": nil, "usage_type": "licensed"}
		items[i] = map[string]any{"id": "si_" + lines[i].price[6:], "object": "subscription_item",
			"created": l.created, "current_period_start": start, "current_period_end": end, "discounts": []any{},
			"metadata": map[string]string{}, "price": price, "quantity": lines[i].Quantity,
			"subscription": sub.id, "tax_rates": []any{}}
	}
	var cancelAt, canceledAt, endedAt, pause, reason any
	if l.cancelAtPeriodEnd {
		cancelAt = end
	}
	if l.canceledAt > 0 {
		canceledAt, reason = l.canceledAt, "cancellation_requested"
	}
	if l.endedAt > 0 {
		endedAt = l.endedAt
	}
	if l.paused {
		pause = map[string]any{"behavior": "void", "resumes_at": nil}
	}
	return map[string]any{
		"id": sub.id, "object": "subscription", "application": nil, "application_fee_percent": nil,
		"automatic_tax":        map[string]any{"enabled": false, "disabled_reason": nil, "liability": nil},
		"billing_cycle_anchor": anchor, "billing_thresholds": nil, "cancel_at": cancelAt,
		"cancel_at_period_end": l.cancelAtPeriodEnd, "canceled_at": canceledAt,
		"cancellation_details": map[string]any{"comment": nil, "feedback": nil, "reason": reason},
		"collection_method":    "charge_automatically", "created": l.created, "currency": sl.currency,
		"customer": sl.customer, "days_until_due": nil, "default_payment_method": nil, "description": nil,
		"discounts": discounts, "ended_at": endedAt,
		"items": map[string]any{"object": "list", "data": items, "has_more": false, "total_count": len(items),
			"url": "/v1/subscription_items?subscription=" + sub.id},
		"latest_invoice": nullable(sl.invoice), "livemode": true, "metadata": map[string]string{},
		"on_behalf_of": nil, "pause_collection": pause, "pending_update": nil, "schedule": nil,
		"start_date": l.created, "status": l.status, "test_clock": nil, "transfer_data": nil,
		"trial_end": unixOrNil(l.trialEnd), "trial_start": unixOrNil(l.trialStart),
	}
}

// subscriptionDiscountJSON is the subscription's Discount
// (https://docs.stripe.com/api/discounts/object), its coupon expanded.
func subscriptionDiscountJSON(sub *subscription) map[string]any {
	sl := &sub.sale
	var promo any
	if sl.promo != nil {
		promo = sl.promo.ID
	}
	return map[string]any{
		"id": "di_" + sub.id[4:], "object": "discount", "checkout_session": nil, "customer": sl.customer,
		"customer_account": nil, "end": nil, "invoice": nil, "invoice_item": nil, "promotion_code": promo,
		"source":       map[string]any{"type": "coupon", "coupon": couponJSON(sl.coupon)},
		"start":        sub.life.created,
		"subscription": sub.id, "subscription_item": nil,
	}
}

// retrieveSubscription serves GET /v1/subscriptions/{id}, with
// expand[]=discounts or expand[]=discounts.source.coupon (the coupons are
// always expanded here).
func (s *Server) retrieveSubscription(a *account, r *http.Request, id string) (any, int, *apiError) {
	sub := s.subscriptions[id]
	if sub == nil || sub.sale.account != a || sub.life.status == "" {
		return missing("subscription", "id", id)
	}
	expand := false
	for _, e := range formArray(r.Form, "expand") {
		if e != "discounts" && e != "discounts.source.coupon" {
			return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: "expand",
				Message: fmt.Sprintf("This property cannot be expanded (%s).", e)}
		}
		expand = true
	}
	return subscriptionJSON(sub, expand), 0, nil
}

// unixOrNil is a Unix time, or null for none.
func unixOrNil(t int64) any {
	if t == 0 {
		return nil
	}
	return t
}

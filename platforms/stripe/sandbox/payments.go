package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// payment is a payment intent and its one charge.
type payment struct {
	account            *account
	intent, charge     string
	amount, refunded   int64
	currency, customer string
	email              string
	created            int64
}

// subscription is a monthly subscription and its billing clock.
type subscription struct {
	id       string
	sale     sale // the first invoice's sale: price, customer, code; items as changed since
	invoices int
	periodAt time.Time // start of the current period
	life     lifecycle // status, cancellation, pause: see subscriptions.go
}

// Payment is what a checkout produced.
type Payment struct {
	SessionID       string
	PaymentIntentID string
	ChargeID        string
	Total           int64 // charged, tax and shipping included
	EventID         string
}

// Invoice is what a subscription payment produced.
type Invoice struct {
	SubscriptionID  string
	InvoiceID       string
	PaymentIntentID string
	Total           int64
	EventID         string   // the invoice.paid event
	SessionEventID  string   // the checkout.session.completed event (first invoice only)
	CreatedEventID  string   // the customer.subscription.created event (StartSubscription only)
	LineIDs         []string // the invoice's lines (il_...), in the order of the items
}

// Checkout plays a customer paying amount (before discount, tax and
// shipping) in a Checkout Session with code ("" for none), and delivers
// checkout.session.completed. The delivery error, if any, comes with the
// payment made.
func (s *Server) Checkout(accountID, code string, amount int64, currency, email string) (Payment, error) {
	return s.CheckoutItems(accountID, code, []Item{{Title: "Sandbox item", UnitAmount: amount, Quantity: 1}}, currency, email)
}

// CheckoutItems is Checkout of several items: the code's discount is
// spread over the lines, each line is taxed, and the session's line items
// are served at GET /v1/checkout/sessions/{id}/line_items.
func (s *Server) CheckoutItems(accountID, code string, items []Item, currency, email string) (Payment, error) {
	s.mu.Lock()
	sl, err := s.newSale(accountID, code, items, currency, email)
	if err != nil {
		s.mu.Unlock()
		return Payment{}, err
	}
	p := s.pay(&sl)
	id := newID("cs_live_")
	s.sessions[id] = &sbSession{account: sl.account, currency: sl.currency, lines: sl.lines}
	ev := s.event(sl.account, "checkout.session.completed", sessionJSON(id, "payment", &sl))
	s.mu.Unlock()
	out := Payment{SessionID: id, PaymentIntentID: p.intent, ChargeID: p.charge, Total: p.amount, EventID: ev.id}
	return out, s.send(ev)
}

// Subscribe plays a customer starting a monthly subscription at price in
// Checkout with code: it delivers invoice.paid for the first invoice, then
// checkout.session.completed (mode subscription), as Stripe may.
func (s *Server) Subscribe(accountID, code string, price int64, currency string) (Invoice, error) {
	return s.SubscribeItems(accountID, code, planItems(price), currency)
}

// SubscribeItems is Subscribe to several items (subscription items, each
// a line of every invoice).
func (s *Server) SubscribeItems(accountID, code string, items []Item, currency string) (Invoice, error) {
	s.mu.Lock()
	sub, inv, paid, err := s.subscribe(accountID, code, items, currency)
	if err != nil {
		s.mu.Unlock()
		return Invoice{}, err
	}
	session := inv
	sessionEv := s.event(inv.account, "checkout.session.completed", sessionJSON(newID("cs_live_"), "subscription", &session))
	s.mu.Unlock()
	out := Invoice{SubscriptionID: sub.id, InvoiceID: inv.invoice, PaymentIntentID: inv.intent,
		Total: inv.total(), EventID: paid.id, SessionEventID: sessionEv.id, LineIDs: inv.lineIDs()}
	return out, joinErr(s.send(paid), s.send(sessionEv))
}

// subscribe starts a monthly subscription at price with code and bills its
// first invoice. Call with s.mu held.
func (s *Server) subscribe(accountID, code string, items []Item, currency string) (*subscription, sale, *sentEvent, error) {
	sl, err := s.newSale(accountID, code, items, currency, "subscriber@example.com")
	if err != nil {
		return nil, sale{}, nil, err
	}
	sub := &subscription{id: newID("sub_"), sale: sl, periodAt: s.opts.Now().UTC()}
	s.subscriptions[sub.id] = sub
	inv, paid := s.bill(sub)
	return sub, inv, paid, nil
}

// Renew moves a subscription to its next month and delivers invoice.paid;
// one set to cancel at the period's end ends instead (EventID is its
// customer.subscription.deleted, nothing is billed).
// The coupon applies as its duration says: once (the first invoice only),
// repeating (its months) or forever.
func (s *Server) Renew(subscriptionID string) (Invoice, error) {
	s.mu.Lock()
	sub := s.subscriptions[subscriptionID]
	if sub == nil {
		s.mu.Unlock()
		return Invoice{}, fmt.Errorf("sandbox: no subscription %s", subscriptionID)
	}
	if ended, err := s.endOfPeriod(sub); ended != nil || err != nil {
		s.mu.Unlock()
		if err != nil {
			return Invoice{}, err
		}
		return Invoice{SubscriptionID: sub.id, EventID: ended.id}, s.send(ended)
	}
	sub.periodAt = sub.periodAt.AddDate(0, 1, 0)
	inv, paid := s.bill(sub)
	s.mu.Unlock()
	out := Invoice{SubscriptionID: sub.id, InvoiceID: inv.invoice, PaymentIntentID: inv.intent,
		Total: inv.total(), EventID: paid.id, LineIDs: inv.lineIDs()}
	return out, s.send(paid)
}

// bill makes the subscription's next invoice, paid, and its event.
func (s *Server) bill(sub *subscription) (sale, *sentEvent) {
	sl := sub.sale
	sl.discount = 0
	if sl.coupon != nil && sl.coupon.appliesTo(sub.invoices) {
		sl.discount = sl.coupon.discount(sl.subtotal, sl.currency)
	}
	if sub.invoices > 0 {
		sl.promo = nil
	}
	sl.price("il_")
	sl.shipping = 0
	sl.invoice, sl.subscription = newID("in_"), sub.id
	start := sub.periodAt.Unix()
	sl.created = start
	s.pay(&sl)
	number := fmt.Sprintf("%s-%04d", strings.ToUpper(sub.id[4:12]), sub.invoices+1)
	inv, lines := invoiceJSON(&sl, number, sub.invoices, start, sub.periodAt.AddDate(0, 1, 0).Unix())
	s.keepInvoice(sub, &sl, inv, lines)
	ev := s.event(sl.account, "invoice.paid", inv)
	sub.invoices++
	return sl, ev
}

// Refund refunds amount of a payment intent and delivers refund.created,
// then charge.refunded.
func (s *Server) Refund(paymentIntentID string, amount int64) (string, error) {
	return s.refund(paymentIntentID, amount, "succeeded")
}

// refund refunds amount of a payment intent as a refund in status and
// delivers refund.created, then charge.refunded.
func (s *Server) refund(paymentIntentID string, amount int64, status string) (string, error) {
	s.mu.Lock()
	p := s.payments[paymentIntentID]
	switch {
	case p == nil:
		s.mu.Unlock()
		return "", fmt.Errorf("sandbox: no payment intent %s", paymentIntentID)
	case amount <= 0 || amount > p.amount-p.refunded:
		s.mu.Unlock()
		return "", fmt.Errorf("sandbox: refund of %d exceeds the %d left on %s", amount, p.amount-p.refunded, paymentIntentID)
	}
	p.refunded += amount
	r := &sbRefund{id: newID("re_"), p: p, amount: amount, status: status, created: s.opts.Now().Unix()}
	s.refunds[r.id] = r
	created := s.event(p.account, "refund.created", r.json())
	refunded := s.event(p.account, "charge.refunded", chargeJSON(p))
	s.mu.Unlock()
	return r.id, joinErr(s.send(created), s.send(refunded))
}

// newSale prices a sale on an account: the code's discount, the account's
// tax and shipping. Call with s.mu held.
func (s *Server) newSale(accountID, code string, items []Item, currency, email string) (sale, error) {
	a := s.accounts[accountID]
	if a == nil {
		return sale{}, fmt.Errorf("sandbox: no account %s", accountID)
	}
	var amount int64
	for _, it := range items {
		if it.UnitAmount < 0 || it.Quantity < 1 {
			return sale{}, fmt.Errorf("sandbox: item %q needs a unit amount and a quantity", it.Title)
		}
		amount += it.UnitAmount * it.Quantity
	}
	if len(items) == 0 {
		return sale{}, fmt.Errorf("sandbox: a sale needs an item")
	}
	sl := sale{account: a, currency: strings.ToLower(currency), customer: newID("cus_"), email: email,
		subtotal: amount, items: items, shipping: a.shipping, created: s.opts.Now().Unix()}
	if code != "" {
		p := a.activeCode(code)
		if p == nil {
			return sale{}, fmt.Errorf("sandbox: %s has no active promotion code %q", accountID, code)
		}
		sl.promo, sl.coupon = p, a.coupons[p.CouponID]
		sl.discount = sl.coupon.discount(amount, sl.currency)
		p.TimesRedeemed++
		sl.coupon.TimesRedeemed++
	}
	sl.price("li_")
	return sl, nil
}

// pay records the sale's payment intent and charge. Call with s.mu held.
func (s *Server) pay(sl *sale) *payment {
	p := &payment{account: sl.account, intent: newID("pi_"), charge: newID("ch_"), amount: sl.total(),
		currency: sl.currency, customer: sl.customer, email: sl.email, created: sl.created}
	sl.intent, sl.charge = p.intent, p.charge
	s.payments[p.intent] = p
	return p
}

// taxOn is the tax on net at bps, rounded half up.
func taxOn(net, bps int64) int64 { return (net*bps + 5000) / 10000 }

func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return fmt.Errorf("%w; %w", a, b)
}

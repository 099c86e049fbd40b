package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Item is one line a customer buys: a unit price in minor units of the
// transaction currency, a quantity, whether it renews monthly, and
// whether its price includes tax (a price with tax_mode internal).
type Item struct {
	Name        string `json:"name"`
	UnitPrice   int64  `json:"unit_price"`
	Quantity    int    `json:"quantity"`
	Recurring   bool   `json:"recurring"`
	TaxIncluded bool   `json:"tax_included"`
}

// line is a line item's money, kept to refund it.
type line struct {
	id                  string
	net, tax            int64 // after discount
	refundNet, refundTx int64 // refunded or pending
}

// txn is a transaction with the state refunds need.
type txn struct {
	t     Transaction
	lines []*line
}

// subscription is what a renewal repeats; ent is the subscription entity
// of one made by Subscribe (nil for CompleteTransaction's).
type subscription struct {
	id, customerID, currency, discountID string
	items                                []Item
	period                               Period
	ent                                  *Subscription
}

// ErrNotFound is returned by the control API for an unknown id.
var ErrNotFound = errors.New("sandbox: not found")

// CompleteTransaction plays a customer paying at checkout: with code
// (optional, any case) applied, for items, in currency, as the customer
// with email. Recurring items start a subscription. The transaction is
// stored and transaction.completed delivered; a delivery error is
// returned with the transaction.
func (s *Server) CompleteTransaction(ctx context.Context, code string, items []Item, currency, email string) (Transaction, error) {
	currency = strings.ToUpper(currency)
	if len(items) == 0 || len(currency) != 3 {
		return Transaction{}, errors.New("sandbox: a transaction needs items and a currency")
	}
	s.mu.Lock()
	d, err := s.redeemable(code, currency)
	if err != nil {
		s.mu.Unlock()
		return Transaction{}, err
	}
	cust := s.customerFor(email)
	var sub *subscription
	if recurring := recurringItems(items); len(recurring) > 0 {
		sub = &subscription{id: newID("sub"), customerID: cust, currency: currency, items: recurring}
		if d != nil && d.Recur {
			sub.discountID = d.ID
		}
		s.subs[sub.id] = sub
	}
	t := s.newTxn("web", cust, currency, items, d, sub)
	s.mu.Unlock()
	return t, s.emit(ctx, "transaction.completed", t)
}

// Renew bills a subscription's next month: a transaction with origin
// subscription_recurring, the discount applied again only if it recurs.
// A subscription made by Subscribe then moves on (renewed).
func (s *Server) Renew(ctx context.Context, subscriptionID string) (Transaction, error) {
	t, err := s.bill(ctx, subscriptionID)
	if t.ID == "" {
		return t, err
	}
	return t, errors.Join(err, s.renewed(ctx, subscriptionID))
}

// bill completes and sends a subscription's recurring transaction; a
// paused or canceled subscription bills nothing.
func (s *Server) bill(ctx context.Context, subscriptionID string) (Transaction, error) {
	s.mu.Lock()
	sub, ok := s.subs[subscriptionID]
	if !ok {
		s.mu.Unlock()
		return Transaction{}, fmt.Errorf("%w: subscription %s", ErrNotFound, subscriptionID)
	}
	if sub.ent != nil && (sub.ent.Status == "paused" || sub.ent.Status == "canceled") {
		s.mu.Unlock()
		return Transaction{}, fmt.Errorf("sandbox: subscription %s is %s", subscriptionID, sub.ent.Status)
	}
	var d *Discount
	for _, x := range s.discounts {
		if x.ID == sub.discountID && sub.discountID != "" {
			d = x
		}
	}
	t := s.newTxn("subscription_recurring", sub.customerID, sub.currency, sub.items, d, sub)
	s.mu.Unlock()
	return t, s.emit(ctx, "transaction.completed", t)
}

// redeemable finds the discount a customer's code names, counting the use.
func (s *Server) redeemable(code, currency string) (*Discount, error) {
	if strings.TrimSpace(code) == "" {
		return nil, nil
	}
	for _, d := range s.discounts {
		if d.Code == nil || !strings.EqualFold(*d.Code, code) {
			continue
		}
		switch {
		case d.Status != "active" || !d.EnabledForCheckout:
			return nil, fmt.Errorf("sandbox: discount code %s cannot be used at checkout", code)
		case d.UsageLimit != nil && d.TimesUsed >= *d.UsageLimit:
			return nil, fmt.Errorf("sandbox: discount code %s is used up", code)
		case d.CurrencyCode != nil && *d.CurrencyCode != currency:
			return nil, fmt.Errorf("sandbox: discount code %s is for %s", code, *d.CurrencyCode)
		}
		d.TimesUsed++
		return d, nil
	}
	return nil, fmt.Errorf("%w: discount code %s", ErrNotFound, code)
}

// customerFor finds or creates the customer with email.
func (s *Server) customerFor(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if id, ok := s.byEmail[email]; ok {
		return id
	}
	c := &Customer{ID: newID("ctm"), Email: email, Status: "active", Locale: "en", CreatedAt: s.now(), UpdatedAt: s.now()}
	s.customers[c.ID], s.byEmail[email] = c, c.ID
	return c.ID
}

// newTxn prices and stores a completed transaction.
func (s *Server) newTxn(origin, customerID, currency string, items []Item, d *Discount, sub *subscription) Transaction {
	now := s.opts.Clock().UTC()
	stamp := now.Format(timeFormat)
	s.invoiceSeq++
	t := Transaction{ID: newID("txn"), Status: "completed", CustomerID: &customerID, AddressID: ptr(newID("add")),
		CurrencyCode: currency, Origin: origin, InvoiceID: ptr(newID("inv")), InvoiceNumber: ptr(fmt.Sprintf("325-%d", s.invoiceSeq)),
		CollectionMode: "automatic", CreatedAt: stamp, UpdatedAt: stamp, BilledAt: &stamp, Payments: []Payment{}}
	if d != nil {
		t.DiscountID = &d.ID
	}
	if sub != nil {
		t.SubscriptionID = &sub.id
		sub.period = Period{StartsAt: stamp, EndsAt: now.AddDate(0, 1, 0).Format(timeFormat)}
		t.BillingPeriod = &sub.period
	}
	lines := s.price(&t, items, d)
	t.Checkout = map[string]any{"url": "https://localhost/pay?_ptxn=" + t.ID}
	t.Payments = append(t.Payments, Payment{PaymentAttemptID: newID("pa")[3:], StoredPaymentMethodID: newID("spm")[4:],
		PaymentMethodID: newID("paymtd"), Amount: t.Details.Totals.GrandTotal, Status: "captured", CreatedAt: stamp,
		CapturedAt: &stamp, MethodDetails: map[string]any{"type": "card", "card": map[string]any{"type": "visa",
			"last4": "4242", "expiry_month": 1, "expiry_year": now.Year() + 2, "cardholder_name": "Sandbox Customer"},
			"underlying_details": nil}})
	s.txns[t.ID] = &txn{t: t, lines: lines}
	return t
}

// Transaction returns a stored transaction.
func (s *Server) Transaction(id string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[id]
	if !ok {
		return Transaction{}, false
	}
	return t.t, true
}

// getTransaction serves GET /transactions/{id}.
func (s *Server) getTransaction(w http.ResponseWriter, r *http.Request) {
	t, ok := s.Transaction(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	writeData(w, http.StatusOK, t, nil)
}

// getSubscription serves GET /subscriptions/{id}.
func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	sub, ok := s.subs[r.PathValue("id")]
	var out Subscription
	if ok && sub.ent != nil {
		out = *sub.ent
	}
	s.mu.Unlock()
	if out.ID == "" {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	writeData(w, http.StatusOK, out, nil)
}

// getCustomer serves GET /customers/{id}.
func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.customers[r.PathValue("id")]
	var out Customer
	if ok {
		out = *c
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	writeData(w, http.StatusOK, out, nil)
}

func recurringItems(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if it.Recurring {
			out = append(out, it)
		}
	}
	return out
}

// monthly is the billing cycle of recurring items.
var monthly = &BillingCycle{Interval: "month", Frequency: 1}

package sandbox

import (
	"fmt"
	"net/http"
)

// sbInvoice is a paid invoice as GET /v1/invoices/{id} serves it, with its
// discount object for expand[]=discounts.
type sbInvoice struct {
	account  *account
	body     map[string]any
	discount map[string]any // nil without a discount
	sale     sale           // what was billed: lines, payment intent
	lines    []any          // all its lines' JSON, for GET /v1/invoices/{id}/lines
	credited map[string]int64
}

// SubscribeAPI plays a merchant creating a monthly subscription through
// the API (no Checkout) with code as its promotion code: only invoice.paid
// is delivered, naming its discount by id (di_...).
// https://docs.stripe.com/billing/subscriptions/coupons#promotion-codes
func (s *Server) SubscribeAPI(accountID, code string, price int64, currency string) (Invoice, error) {
	s.mu.Lock()
	sub, inv, paid, err := s.subscribe(accountID, code, planItems(price), currency)
	s.mu.Unlock()
	if err != nil {
		return Invoice{}, err
	}
	out := Invoice{SubscriptionID: sub.id, InvoiceID: inv.invoice, PaymentIntentID: inv.intent,
		Total: inv.total(), EventID: paid.id, LineIDs: inv.lineIDs()}
	return out, s.send(paid)
}

// keepInvoice stores a billed invoice and, when a discount applied, its
// Discount object (https://docs.stripe.com/api/discounts/object, shaped on
// resources.discount of Stripe's OpenAPI fixtures3.json: the coupon under
// source). The subscription's discount keeps its promotion code on every
// invoice. Call with s.mu held.
func (s *Server) keepInvoice(sub *subscription, sl *sale, body map[string]any, lines []any) {
	inv := &sbInvoice{account: sl.account, body: body, sale: *sl, lines: lines, credited: map[string]int64{}}
	if sl.discount > 0 && sl.coupon != nil {
		var promo any
		if sub.sale.promo != nil {
			promo = sub.sale.promo.ID
		}
		inv.discount = map[string]any{
			"id": "di_" + sl.invoice[3:], "object": "discount", "checkout_session": nil,
			"customer": sl.customer, "customer_account": nil, "end": nil, "invoice": sl.invoice,
			"invoice_item": nil, "promotion_code": promo, "start": sl.created,
			"source":       map[string]any{"type": "coupon", "coupon": sl.coupon.ID},
			"subscription": sub.id, "subscription_item": nil,
		}
	}
	s.invoices[sl.invoice] = inv
}

// retrieveInvoice serves GET /v1/invoices/{id}, with expand[]=discounts.
func (s *Server) retrieveInvoice(a *account, r *http.Request, id string) (any, int, *apiError) {
	inv := s.invoices[id]
	if inv == nil || inv.account != a {
		return missing("invoice", "id", id)
	}
	out := map[string]any{}
	for k, v := range inv.body {
		out[k] = v
	}
	for _, e := range formArray(r.Form, "expand") {
		switch e {
		case "discounts":
			out["discounts"] = []any{}
			if inv.discount != nil {
				out["discounts"] = []any{inv.discount}
			}
		default:
			return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: "expand",
				Message: fmt.Sprintf("This property cannot be expanded (%s).", e)}
		}
	}
	return out, 0, nil
}

// invoiceLines serves GET /v1/invoices/{id}/lines, a page at a time.
func (s *Server) invoiceLines(a *account, r *http.Request, id string) (any, int, *apiError) {
	inv := s.invoices[id]
	if inv == nil || inv.account != a {
		return missing("invoice", "invoice", id)
	}
	start, end := page(r, len(inv.lines), func(i int) string { return inv.sale.lines[i].id })
	return listJSON("/v1/invoices/"+id+"/lines", inv.lines[start:end], end < len(inv.lines)), 0, nil
}

package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Item is one line a customer buys: a product at a unit price times a
// quantity.
type Item struct {
	Product    string `json:"product"` // prod_...; one is made up when empty
	Title      string `json:"title"`
	UnitAmount int64  `json:"unit_amount"`
	Quantity   int64  `json:"quantity"`
}

// saleLine is an item as sold: its share of the sale's discount and its
// tax. id is the line's id (li_... in a session, il_... on an invoice).
type saleLine struct {
	Item
	id, price string
	discount  int64
	tax       int64
}

func (l *saleLine) amount() int64 { return l.UnitAmount * l.Quantity }

// priceLines makes the sale's lines: the discount spread over them in
// proportion to their amounts (the rounding remainders go to the largest
// fractions, then the first lines, so the parts add up to the whole, as
// Stripe's discount_amounts do), and each line's tax on its net.
func priceLines(items []Item, discount, taxBps int64, idPrefix string) []saleLine {
	var gross int64
	for _, it := range items {
		gross += it.UnitAmount * it.Quantity
	}
	lines := make([]saleLine, len(items))
	rems := make([]int64, len(items))
	left := discount
	for i, it := range items {
		if it.Product == "" {
			it.Product = fmt.Sprintf("prod_sandbox%d", i+1)
		}
		lines[i] = saleLine{Item: it, id: newID(idPrefix), price: "price_" + strings.TrimPrefix(it.Product, "prod_")}
		if gross > 0 {
			lines[i].discount = discount * lines[i].amount() / gross
			rems[i] = discount * lines[i].amount() % gross
		}
		left -= lines[i].discount
	}
	for ; left > 0; left-- {
		best := -1
		for i := range lines {
			if lines[i].discount < lines[i].amount() && (best < 0 || rems[i] > rems[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		lines[best].discount++
		rems[best] = -1
	}
	for i := range lines {
		lines[i].tax = taxOn(lines[i].amount()-lines[i].discount, taxBps)
	}
	return lines
}

// lineItemJSON is a Checkout Session line item
// (https://docs.stripe.com/api/checkout/sessions/line_items), taxes and
// discounts left out as Stripe leaves them unless expanded.
func lineItemJSON(l *saleLine, currency string) map[string]any {
	return map[string]any{
		"id": l.id, "object": "item", "adjustable_quantity": nil, "amount_discount": l.discount,
		"amount_subtotal": l.amount(), "amount_tax": l.tax, "amount_total": l.amount() - l.discount + l.tax,
		"currency": currency, "description": l.Title, "metadata": map[string]string{},
		"price": priceJSON(l, currency), "quantity": l.Quantity,
	}
}

// priceJSON is a Price (https://docs.stripe.com/api/prices/object), its
// product as an id.
func priceJSON(l *saleLine, currency string) map[string]any {
	return map[string]any{
		"id": l.price, "object": "price", "active": true, "billing_scheme": "per_unit", "currency": currency,
		"livemode": true, "lookup_key": nil, "metadata": map[string]string{}, "nickname": nil,
		"product": l.Product, "recurring": nil, "tax_behavior": "exclusive", "type": "one_time",
		"unit_amount": l.UnitAmount, "unit_amount_decimal": fmt.Sprint(l.UnitAmount),
	}
}

// invoiceLineJSON is an Invoice Line Item
// (https://docs.stripe.com/api/invoice-line-item/object) of a
// subscription item, at the version the sandbox speaks.
func invoiceLineJSON(l *saleLine, sl *sale, discountID string, start, end int64) map[string]any {
	amounts, credits, taxes := []any{}, []any{}, []any{}
	if l.discount > 0 {
		amounts = append(amounts, map[string]any{"amount": l.discount, "discount": discountID})
		credits = append(credits, map[string]any{"amount": l.discount, "discount": discountID, "type": "discount"})
	}
	if l.tax > 0 {
		taxes = append(taxes, taxJSON(l.tax, l.amount()-l.discount))
	}
	discounts := []any{}
	if discountID != "" {
		discounts = append(discounts, discountID)
	}
	return map[string]any{
		"id": l.id, "object": "line_item", "amount": l.amount(), "currency": sl.currency,
		"description":      fmt.Sprintf("%d × %s (at %s / month)", l.Quantity, l.Title, formatAmount(l.UnitAmount)),
		"discount_amounts": amounts, "discountable": true, "discounts": discounts, "invoice": sl.invoice,
		"livemode": true, "metadata": map[string]string{},
		"parent": map[string]any{"type": "subscription_item_details", "invoice_item_details": nil,
			"subscription_item_details": map[string]any{"invoice_item": nil, "proration": false,
				"proration_details": map[string]any{"credited_items": nil}, "subscription": sl.subscription,
				"subscription_item": "si_" + strings.TrimPrefix(l.price, "price_")}},
		"period":                map[string]any{"start": start, "end": end},
		"pretax_credit_amounts": credits,
		"pricing": map[string]any{"type": "price_details", "unit_amount_decimal": fmt.Sprint(l.UnitAmount),
			"price_details": map[string]any{"price": l.price, "product": l.Product}},
		"quantity": l.Quantity, "subscription": sl.subscription, "subtotal": l.amount(), "taxes": taxes,
	}
}

// taxJSON is one exclusive tax at the sandbox's rate, as invoices, their
// lines and credit notes list them (total_taxes, taxes).
func taxJSON(amount, taxable int64) map[string]any {
	return map[string]any{"amount": amount, "tax_behavior": "exclusive", "taxability_reason": "standard_rated",
		"taxable_amount": taxable, "type": "tax_rate_details",
		"tax_rate_details": map[string]any{"tax_rate": "txr_sandbox"}}
}

// sbSession is a completed Checkout Session's lines, for
// GET /v1/checkout/sessions/{id}/line_items.
type sbSession struct {
	account  *account
	currency string
	lines    []saleLine
}

// sessionLineItems serves GET /v1/checkout/sessions/{id}/line_items, a
// page at a time.
func (s *Server) sessionLineItems(a *account, r *http.Request, id string) (any, int, *apiError) {
	cs := s.sessions[id]
	if cs == nil || cs.account != a {
		return missing("checkout.session", "session", id)
	}
	start, end := page(r, len(cs.lines), func(i int) string { return cs.lines[i].id })
	data := []any{}
	for i := start; i < end; i++ {
		data = append(data, lineItemJSON(&cs.lines[i], cs.currency))
	}
	return listJSON("/v1/checkout/sessions/"+id+"/line_items", data, end < len(cs.lines)), 0, nil
}

// planItems is the one item of a subscription at price a month.
func planItems(price int64) []Item {
	return []Item{{Title: "Sandbox plan", UnitAmount: price, Quantity: 1}}
}

// lineIDs are the ids of the sale's lines, in order.
func (s *sale) lineIDs() []string {
	out := make([]string, len(s.lines))
	for i, l := range s.lines {
		out[i] = l.id
	}
	return out
}

// invoiceLinesShown is how many lines an invoice carries; the others are
// read from GET /v1/invoices/{id}/lines.
const invoiceLinesShown = 10

// page is the part [start, end) of a list of n items (id(i) the i-th's
// id) that a list request asks for: up to limit (10 by default, 100 at
// most) after starting_after (https://docs.stripe.com/api/pagination).
func page(r *http.Request, n int, id func(int) string) (start, end int) {
	limit, err := strconv.Atoi(r.Form.Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		limit = 10
	}
	if after := r.Form.Get("starting_after"); after != "" {
		for i := range n {
			if id(i) == after {
				start = i + 1
			}
		}
	}
	return start, min(start+limit, n)
}

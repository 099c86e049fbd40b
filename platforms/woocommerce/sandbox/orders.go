package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"codecredit/platforms/currency"
)

// PlaceOrder is a customer checking out lines with coupons, paying at
// once: the order is processing and order.created is delivered. currency
// "" is the store's. Coupons apply one after the other to what is left
// of each line: percent per line, fixed_cart spread over the lines in
// proportion (the last line takes the rounding), fixed_product per item.
// Tax is the store's rate on each line's total and on shipping; where
// prices include tax, coupons apply to the prices with tax and each
// line's subtotal and total are then split into their tax and the rest,
// as WooCommerce keeps them (see splitTax).
func (st *Store) PlaceOrder(coupons []string, lines []Line, currency, email string) (Order, error) {
	st.mu.Lock()
	o, err := st.newOrder(coupons, lines, currency, email)
	if err != nil {
		st.mu.Unlock()
		return Order{}, err
	}
	st.orders = append(st.orders, o)
	out, jobs := *o, st.deliveriesFor("order.created", o.json())
	st.mu.Unlock()
	st.deliver(jobs)
	return out, nil
}

func (st *Store) newOrder(coupons []string, lines []Line, currency, email string) (*Order, error) {
	if currency == "" {
		currency = st.cfg.Currency
	}
	now := st.srv.now()
	o := &Order{ID: st.id(), Status: "processing", Currency: strings.ToUpper(currency), Email: email,
		Created: now, Modified: now, Paid: now, Shipping: st.cfg.Shipping, TaxesIncluded: st.cfg.PricesIncludeTax}
	for _, l := range lines {
		if l.Quantity <= 0 || l.Price < 0 {
			return nil, fmt.Errorf("sandbox: line %q needs a positive quantity and a price", l.Name)
		}
		sub, product := l.Price*int64(l.Quantity), l.ProductID
		if product == 0 {
			product = 90 + int64(len(o.Lines))
		}
		o.Lines = append(o.Lines, lineItem{ID: st.id(), Name: l.Name, SKU: l.SKU, ProductID: product,
			VariationID: l.VariationID, Quantity: l.Quantity, Subtotal: sub, Total: sub})
	}
	for _, code := range coupons {
		c := st.couponByCode(code)
		if c == nil {
			return nil, fmt.Errorf("sandbox: coupon %q does not exist", code)
		}
		if !c.Expires.IsZero() && now.After(c.Expires) { // WooCommerce: "This coupon has expired."
			return nil, fmt.Errorf("sandbox: coupon %q has expired", code)
		}
		st.applyCoupon(o, c)
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		l.Subtotal, l.SubtotalTax = st.splitTax(l.Subtotal)
		l.Total, l.TaxAmt = st.splitTax(l.Total)
	}
	for i := range o.Coupons {
		c := &o.Coupons[i]
		c.Discount, c.DiscountTax = st.splitTax(c.Discount)
	}
	o.ShippingTax = st.tax(o.Shipping)
	return o, nil
}

// splitTax is an amount as priced in the store split into the amount
// without tax and its tax: the tax on it where prices are without tax,
// the tax within it (amount × rate ÷ (1 + rate)) where they include it.
func (st *Store) splitTax(amount int64) (net, tax int64) {
	if !st.cfg.PricesIncludeTax {
		return amount, st.tax(amount)
	}
	tax = currency.MulDiv(amount, st.cfg.TaxRate, 10000+st.cfg.TaxRate)
	return amount - tax, tax
}

// applyCoupon takes c's discount off the lines and records the coupon
// line, with the code lower-cased as WooCommerce stores it on orders.
func (st *Store) applyCoupon(o *Order, c *Coupon) {
	var left int64
	for _, l := range o.Lines {
		left += l.Total
	}
	var total, given int64
	for i := range o.Lines {
		l := &o.Lines[i]
		var d int64
		switch c.DiscountType {
		case "percent":
			d = currency.MulDiv(l.Total, c.Amount, 10000)
		case "fixed_product":
			d = c.Amount * int64(l.Quantity)
		default: // fixed_cart
			d = currency.MulDiv(min(c.Amount, left), l.Total, max(left, 1))
			if i == len(o.Lines)-1 {
				d = min(c.Amount, left) - given
			}
			given += d
		}
		d = min(max(d, 0), l.Total)
		l.Total -= d
		total += d
	}
	c.UsageCount++
	o.Coupons = append(o.Coupons, couponLine{ID: st.id(), Code: strings.ToLower(c.Code), Discount: total})
}

func (st *Store) tax(amount int64) int64 { return currency.MulDiv(amount, st.cfg.TaxRate, 10000) }

// RefundSpec says what to refund: Lines maps a line index of the order to
// the quantity refunded (its share of the line total and tax); without
// lines, Amount (minor units, tax included) is refunded without items.
// Shipping adds the shipping fee and its tax.
type RefundSpec struct {
	Lines    map[int]int
	Amount   int64
	Shipping bool
	Reason   string
}

// Refund refunds part of an order and delivers order.updated, the order's
// refunds[] listing it. Refunding everything paid makes the order refunded.
func (st *Store) Refund(orderID int64, spec RefundSpec) (RefundRecord, error) {
	st.mu.Lock()
	o := st.orderByID(orderID)
	if o == nil {
		st.mu.Unlock()
		return RefundRecord{}, ErrNotFound
	}
	r, err := st.newRefund(o, spec)
	if err != nil {
		st.mu.Unlock()
		return RefundRecord{}, err
	}
	o.Refunds = append([]*RefundRecord{r}, o.Refunds...)
	if o.refunded() >= o.Total() {
		o.Status = "refunded"
	}
	o.Modified = st.srv.now()
	jobs := st.deliveriesFor("order.updated", o.json())
	st.mu.Unlock()
	st.deliver(jobs)
	return *r, nil
}

func (st *Store) newRefund(o *Order, spec RefundSpec) (*RefundRecord, error) {
	r := &RefundRecord{ID: st.id(), Reason: spec.Reason, Created: st.srv.now()}
	for _, idx := range slices.Sorted(maps.Keys(spec.Lines)) {
		qty := spec.Lines[idx]
		if idx < 0 || idx >= len(o.Lines) || qty <= 0 || qty > o.Lines[idx].Quantity {
			return nil, fmt.Errorf("sandbox: cannot refund %d of line %d", qty, idx)
		}
		l := o.Lines[idx]
		total := currency.MulDiv(l.Total, int64(qty), int64(l.Quantity))
		tax := currency.MulDiv(l.TaxAmt, int64(qty), int64(l.Quantity))
		r.Lines = append(r.Lines, lineItem{ID: st.id(), Name: l.Name, SKU: l.SKU, ProductID: l.ProductID,
			VariationID: l.VariationID, Quantity: -qty, Subtotal: -total, Total: -total, SubtotalTax: -tax, TaxAmt: -tax})
		r.refundOf = append(r.refundOf, l.ID)
		r.Amount += total + tax
	}
	if len(spec.Lines) == 0 {
		r.Amount = spec.Amount
	}
	if spec.Shipping {
		r.Shipping, r.ShippingTax = o.Shipping, o.ShippingTax
		r.Amount += o.Shipping + o.ShippingTax
	}
	if r.Amount <= 0 || o.refunded()+r.Amount > o.Total() {
		return nil, fmt.Errorf("sandbox: invalid refund amount %s", money(r.Amount, o.Currency))
	}
	return r, nil
}

// Cancel cancels an order and delivers order.updated.
func (st *Store) Cancel(orderID int64) error {
	st.mu.Lock()
	o := st.orderByID(orderID)
	if o == nil {
		st.mu.Unlock()
		return ErrNotFound
	}
	o.Status, o.Modified = "cancelled", st.srv.now()
	jobs := st.deliveriesFor("order.updated", o.json())
	st.mu.Unlock()
	st.deliver(jobs)
	return nil
}

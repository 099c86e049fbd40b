package sandbox

import (
	"sort"
	"strings"

	"codecredit/platforms/currency"
)

// How Shopify's checkout spreads a code discount over an order, as the
// order's discount_applications and each line's discount_allocations show
// (https://shopify.dev/docs/api/admin-rest/latest/resources/order):
// a percentage takes that share of every line; a fixed amount is split
// across the lines in proportion to their prices, the cents left over going
// to the lines with the largest remainders; free shipping discounts the
// shipping line; buy-one-get-one makes the cheapest unit free when at least
// two units are bought.

// apply allocates discount d as the order's application number idx.
func (o *order) apply(idx int, d *discount, typed string) {
	scale := 2 // percent with two decimals
	if d.Kind == KindFixedAmount {
		scale = exponent(o.Currency)
	}
	o.Apps = append(o.Apps, application{Kind: d.Kind, Code: strings.TrimSpace(typed), Value: d.Value,
		Display: shortDecimal(d.Value, scale)})
	switch d.Kind {
	case KindPercentage:
		for _, l := range o.Lines {
			if a := currency.MulDiv(l.discountable(), d.Value, 10000); a > 0 {
				l.Allocs = append(l.Allocs, allocation{a, idx})
			}
		}
	case KindFixedAmount:
		o.allocateAcross(idx, d.Value)
	case KindFreeShipping:
		if o.Shipping > 0 {
			o.ShipAllocs = append(o.ShipAllocs, allocation{o.Shipping - o.shippingDiscount(), idx})
		}
	case KindBxgy:
		o.freeCheapestUnit(idx)
	}
}

// allocateAcross splits amount over the lines in proportion to what is left
// of each, never more than the lines are worth.
func (o *order) allocateAcross(idx int, amount int64) {
	var left int64
	for _, l := range o.Lines {
		left += l.discountable()
	}
	amount = min(amount, left)
	if amount <= 0 {
		return
	}
	type share struct {
		line *orderLine
		amt  int64
		rem  int64
	}
	shares := make([]share, len(o.Lines))
	var given int64
	for i, l := range o.Lines {
		p := amount * l.discountable()
		shares[i] = share{l, p / left, p % left}
		given += p / left
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return shares[order[a]].rem > shares[order[b]].rem })
	for _, i := range order {
		if given == amount {
			break
		}
		if shares[i].amt < shares[i].line.discountable() {
			shares[i].amt++
			given++
		}
	}
	for _, sh := range shares {
		if sh.amt > 0 {
			sh.line.Allocs = append(sh.line.Allocs, allocation{sh.amt, idx})
		}
	}
}

func (o *order) freeCheapestUnit(idx int) {
	units := 0
	var cheapest *orderLine
	for _, l := range o.Lines {
		if l.GiftCard {
			continue
		}
		units += l.Qty
		if cheapest == nil || l.Price < cheapest.Price {
			cheapest = l
		}
	}
	if units < 2 || cheapest == nil {
		return
	}
	if a := min(cheapest.Price, cheapest.net()); a > 0 {
		cheapest.Allocs = append(cheapest.Allocs, allocation{a, idx})
	}
}

// discountable is what a discount may still take off the line: nothing
// on a gift card.
func (l *orderLine) discountable() int64 {
	if l.GiftCard {
		return 0
	}
	return l.net()
}

func (o *order) shippingDiscount() int64 {
	n := int64(0)
	for _, a := range o.ShipAllocs {
		n += a.Amount
	}
	return n
}

// appAmount is how much application idx took off the order.
func (o *order) appAmount(idx int) int64 {
	n := int64(0)
	for _, l := range o.Lines {
		for _, a := range l.Allocs {
			if a.Index == idx {
				n += a.Amount
			}
		}
	}
	for _, a := range o.ShipAllocs {
		if a.Index == idx {
			n += a.Amount
		}
	}
	return n
}

package shopify

import (
	"fmt"
	"math"

	"codecredit/platforms"
)

// An order's lines as Shopify's REST Order resource gives them
// (https://shopify.dev/docs/api/admin-rest/latest/resources/order):
// line_items[] with price_set, quantity, discount_allocations[] (each
// discount's share of this line: its own and its part of the order-level
// ones, as checkout allocated them) and tax_lines[]; shipping_lines[] with
// their own allocations and taxes. Every amount is read in the shop's
// currency (the *_set's shop_money), never the presentment currency.

// orderLines reads the goods lines. A line's Net is what lineTotals has
// always summed (price × quantity − allocations, − tax when prices include
// it, never negative), so the lines add up to the order's Subtotal exactly:
// Shopify's allocations are already in cents, nothing is re-divided here.
func orderLines(items []lineItem, currency string) ([]platforms.OrderLine, error) {
	out := make([]platforms.OrderLine, 0, len(items))
	for i := range items {
		li := &items[i]
		price, err := amount(li.PriceSet, li.Price, currency)
		if err != nil {
			return nil, err
		}
		if li.Quantity < 0 || price < 0 || (li.Quantity > 0 && price > math.MaxInt64/li.Quantity/4) {
			return nil, fmt.Errorf("%w: line %s has an impossible price or quantity", platforms.ErrPayload, li.ID)
		}
		off, err := sumAllocations(li.DiscountAllocations, currency)
		if err != nil {
			return nil, err
		}
		tax, err := sumTaxes(li.TaxLines, currency)
		if err != nil {
			return nil, err
		}
		out = append(out, platforms.OrderLine{ID: string(li.ID), ProductID: string(li.ProductID),
			VariantID: string(li.VariantID), SKU: li.SKU, Title: firstNonEmpty(li.Name, li.Title),
			Quantity: li.Quantity, UnitPrice: price, Discount: off, Tax: tax})
	}
	return out, nil
}

// lineTotals sums the lines after discounts (and before tax) and the
// discounts allocated to them, in minor units of currency.
func lineTotals(items []lineItem, currency string, taxesIncluded bool) (subtotal, discount int64, err error) {
	lines, err := orderLines(items, currency)
	if err != nil {
		return 0, 0, err
	}
	subtotal, discount = sumLines(lines, taxesIncluded)
	return subtotal, discount, nil
}

func sumLines(lines []platforms.OrderLine, taxesIncluded bool) (subtotal, discount int64) {
	for _, l := range lines {
		subtotal += l.Net(taxesIncluded)
		discount += l.Discount
	}
	return subtotal, discount
}

// shippingTotal is the shipping charged: each shipping line's price less
// the shipping discounts allocated to it, less its tax when prices include
// tax. discounted_price is not used: whether it includes order-level
// discounts such as a free-shipping code has changed between API versions
// (https://shopify.dev/changelog/shippingline-discountedpriceset-now-includes-cart-level-discounts),
// while price and the allocations mean the same in all of them.
func shippingTotal(lines []shippingLine, currency string, taxesIncluded bool) (int64, error) {
	var total int64
	for _, s := range lines {
		price, err := amount(s.PriceSet, s.Price, currency)
		if err != nil {
			return 0, err
		}
		if price < 0 || price > maxAmount {
			return 0, fmt.Errorf("%w: a shipping line has an impossible price", platforms.ErrPayload)
		}
		off, err := sumAllocations(s.DiscountAllocations, currency)
		if err != nil {
			return 0, err
		}
		net := price - off
		if taxesIncluded {
			tax, err := sumTaxes(s.TaxLines, currency)
			if err != nil {
				return 0, err
			}
			net -= tax
		}
		total += max(net, 0)
	}
	return total, nil
}

// maxAmount bounds any single amount read (a hundred trillion minor
// units), so that sums of a payload's amounts never overflow.
const maxAmount = 100_000_000_000_000

func sumAllocations(as []discountAllocation, currency string) (int64, error) {
	return sumAmounts(as, currency, func(d discountAllocation) (*moneySet, decimal) { return d.AmountSet, d.Amount })
}

func sumTaxes(ts []taxLine, currency string) (int64, error) {
	return sumAmounts(ts, currency, func(t taxLine) (*moneySet, decimal) { return t.PriceSet, t.Price })
}

// sumAmounts adds up the shop-currency amounts of items; an amount beyond
// maxAmount either way is ErrPayload.
func sumAmounts[T any](items []T, currency string, field func(T) (*moneySet, decimal)) (int64, error) {
	var n int64
	for _, it := range items {
		set, plain := field(it)
		v, err := amount(set, plain, currency)
		if err != nil {
			return 0, err
		}
		if v > maxAmount || v < -maxAmount {
			return 0, fmt.Errorf("%w: amount %d out of range", platforms.ErrPayload, v)
		}
		n += v
	}
	return n, nil
}

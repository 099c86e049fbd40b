package woocommerce

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// wcLine is an order or refund line item. subtotal is before discounts
// and total after them, both without tax even in a store whose prices
// include tax; a refund's lines have them negative, with a negative
// quantity, and name the order line they give back in the meta datum
// _refunded_item_id. price is a JSON number (total ÷ quantity, as
// many digits as a float has) and is not read.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-line-items-properties
type wcLine struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	ProductID   int64       `json:"product_id"`
	VariationID int64       `json:"variation_id"`
	Quantity    json.Number `json:"quantity"`
	SKU         string      `json:"sku"`
	Subtotal    string      `json:"subtotal"`
	SubtotalTax string      `json:"subtotal_tax"`
	Total       string      `json:"total"`
	TotalTax    string      `json:"total_tax"`
	MetaData    []wcMeta    `json:"meta_data"`
}

// wcMeta is a meta datum; its value may be any JSON.
type wcMeta struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// quantity is the line's quantity; ok is false when it is not a whole number.
func (l *wcLine) quantity() (q int64, ok bool) {
	q, err := strconv.ParseInt(l.Quantity.String(), 10, 64)
	return q, err == nil
}

// refundedItem is the order line id a refund line names ("" when none).
func (l *wcLine) refundedItem() string { return metaID(l.MetaData, "_refunded_item_id") }

// metaID is the positive id held by the first meta datum under one of
// keys, a string or a number as stores send it ("" when none).
func metaID(meta []wcMeta, keys ...string) string {
	for _, m := range meta {
		if !slices.Contains(keys, m.Key) {
			continue
		}
		var s string
		if json.Unmarshal(m.Value, &s) != nil {
			s = string(m.Value) // a number
		}
		if id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && id > 0 {
			return strconv.FormatInt(id, 10)
		}
	}
	return ""
}

// itemised reports whether every line of an order can be told apart: it
// has an id and a whole, positive quantity, as WooCommerce's own lines
// always have. An order whose lines cannot is credited on its subtotal
// alone, without lines.
func itemised(lines []wcLine) bool {
	for i := range lines {
		if q, ok := lines[i].quantity(); !ok || q <= 0 || lines[i].ID <= 0 {
			return false
		}
	}
	return len(lines) > 0
}

// orderLines are the order's line items as lines, or none when they are
// not itemised. Each line's Net is its total (after discounts, before
// tax), so the lines add up to the order's Subtotal exactly.
//
// UnitPrice is the line's subtotal over its quantity, rounded up: the
// remainder of a subtotal the quantity does not divide (less than one
// minor unit per item) goes into the line's Discount, which is
// UnitPrice × quantity less the total. A line whose total is more than
// its subtotal (edited by hand) is listed at its total, without discount.
//
// Where the store's prices include tax, the line's tax is added back:
// UnitPrice is (subtotal + subtotal_tax) ÷ quantity, the price as the
// shop lists it and the customer saw it, and Discount is the discount
// with its tax, as the shop shows coupons then; Net takes the line's tax
// (total_tax) out again, so it is still the goods after discounts and
// before tax. That keeps UnitPrice "as listed" and TaxesIncluded true to
// the store, while every commission base (tax in or out, before or after
// discount) comes out the same as in a store without tax in its prices.
func orderLines(o *wcOrder) ([]platforms.OrderLine, error) {
	if !itemised(o.LineItems) {
		return nil, nil
	}
	out := make([]platforms.OrderLine, 0, len(o.LineItems))
	for i := range o.LineItems {
		l := &o.LineItems[i]
		a, err := parseAmounts(l, o.Currency)
		if err != nil {
			return nil, fmt.Errorf("%w: order %d line %d: %v", platforms.ErrPayload, o.ID, l.ID, err)
		}
		if a.total < 0 || a.totalTax < 0 || a.subtotal < 0 || a.subtotalTax < 0 {
			return nil, fmt.Errorf("%w: order %d line %d has a negative amount", platforms.ErrPayload, o.ID, l.ID)
		}
		listed, after := a.subtotal, a.total
		if o.PricesIncludeTax {
			listed, after = listed+a.subtotalTax, after+a.totalTax
		}
		q, _ := l.quantity()
		unit := ceilDiv(max(listed, after), q)
		out = append(out, platforms.OrderLine{ID: strconv.FormatInt(l.ID, 10), ProductID: idText(l.ProductID),
			VariantID: idText(l.VariationID), SKU: strings.TrimSpace(l.SKU), Title: html.UnescapeString(l.Name),
			Quantity: q, UnitPrice: unit, Discount: unit*q - after, Tax: a.totalTax})
	}
	if err := platforms.CheckLines(out); err != nil {
		return nil, fmt.Errorf("order %d: %w", o.ID, err)
	}
	return out, nil
}

// lineAmounts are a line's money in minor units.
type lineAmounts struct{ subtotal, subtotalTax, total, totalTax int64 }

func parseAmounts(l *wcLine, currency string) (lineAmounts, error) {
	var a lineAmounts
	var errs [4]error
	a.subtotal, errs[0] = wcmoney.ParseMinor(l.Subtotal, currency)
	a.subtotalTax, errs[1] = wcmoney.ParseMinor(l.SubtotalTax, currency)
	a.total, errs[2] = wcmoney.ParseMinor(l.Total, currency)
	a.totalTax, errs[3] = wcmoney.ParseMinor(l.TotalTax, currency)
	return a, firstErr(errs[:]...)
}

// refundLines are the order lines a refund gives back, one per order line
// (a line named twice is added up): the quantity and the goods' money
// (-total: after discounts, before tax), both positive. There are none
// when the refund has no line items, when one does not name a line of
// the order, gives back a negative amount, or when the refund's goods are
// not exactly its lines' (sub, refundSubtotal's result): part of it was
// spread (an amount beyond its lines) or it was capped at the order's
// goods. The refund is then credited on its Subtotal alone, as before.
func refundLines(o *wcOrder, r *wcRefund, sub int64, spread bool) []platforms.RefundLine {
	if spread || len(r.LineItems) == 0 {
		return nil
	}
	ordered := make(map[string]bool, len(o.LineItems))
	for _, l := range o.LineItems {
		ordered[strconv.FormatInt(l.ID, 10)] = true
	}
	var out []platforms.RefundLine
	at := map[string]int{}
	var sum int64
	for i := range r.LineItems {
		l := &r.LineItems[i]
		id := l.refundedItem()
		q, ok := l.quantity()
		total, err := wcmoney.ParseMinor(l.Total, o.Currency)
		if id == "" || !ordered[id] || !ok || q > 0 || err != nil || total > 0 {
			return nil
		}
		j, seen := at[id]
		if !seen {
			j, at[id] = len(out), len(out)
			out = append(out, platforms.RefundLine{LineID: id})
		}
		out[j].Quantity -= q
		out[j].Subtotal -= total
		sum -= total
	}
	if sum != sub {
		return nil
	}
	return out
}

// ceilDiv is a ÷ b rounded up, for a ≥ 0 and b > 0.
func ceilDiv(a, b int64) int64 {
	return a/b + min(a%b, 1)
}

// idText is a platform id as decimal text, "" for none (0).
func idText(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

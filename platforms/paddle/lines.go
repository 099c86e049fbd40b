package paddle

import (
	"fmt"

	"codecredit/platforms"
)

// lineItem is one calculated line of a transaction, details.line_items[]:
// https://developer.paddle.com/api-reference/transactions/overview
// Its amounts are strings of minor units of the transaction's currency.
type lineItem struct {
	ID         string     `json:"id"`
	PriceID    string     `json:"price_id"`
	Quantity   int64      `json:"quantity"`
	UnitTotals lineTotals `json:"unit_totals"`
	Totals     lineTotals `json:"totals"`
	Product    struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"product"`
}

// lineTotals are a line's (or one unit's) subtotal before discount and
// tax, its discount, and the tax on what is left.
type lineTotals struct {
	Subtotal string `json:"subtotal"`
	Discount string `json:"discount"`
	Tax      string `json:"tax"`
}

// orderLines reads a transaction's line items into order lines whose Net
// add up to subtotal (the order's credited subtotal).
//
// Paddle's totals are before tax whatever a price's tax_mode: an
// "external" price has tax added on top; for an "internal" one (the price
// includes tax) Paddle takes the tax out of the line's subtotal (a 10.00
// price with 10% tax is subtotal 9.09, tax 0.91) and out of the discount
// (see the Totals.discount field of the API reference); "account_setting"
// is one of the two, chosen in the account, which the payload does not
// say. So the lines are given before tax and TaxesIncluded stays false:
// a line's Net is its subtotal less its discount, whatever the mode, and
// its Tax is Paddle's tax on it.
func orderLines(items []lineItem, subtotal int64) ([]platforms.OrderLine, error) {
	if len(items) == 0 {
		return nil, nil
	}
	lines := make([]platforms.OrderLine, 0, len(items))
	for i, li := range items {
		l, err := orderLine(i, li)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	if err := platforms.CheckLines(lines); err != nil {
		return nil, err
	}
	var net int64
	for _, l := range lines {
		net += l.Net(false)
	}
	if net != subtotal {
		// Not what the transaction's totals say: the order is credited on
		// its subtotal alone, rather than refused.
		return nil, nil
	}
	return lines, nil
}

// orderLine reads one line item (the i-th, for errors).
func orderLine(i int, li lineItem) (platforms.OrderLine, error) {
	field := fmt.Sprintf("details.line_items[%d].totals", i)
	sub, err := minor(field+".subtotal", li.Totals.Subtotal)
	if err != nil {
		return platforms.OrderLine{}, err
	}
	disc, err := minorOrZero(field+".discount", li.Totals.Discount)
	if err != nil {
		return platforms.OrderLine{}, err
	}
	tax, err := minorOrZero(field+".tax", li.Totals.Tax)
	if err != nil {
		return platforms.OrderLine{}, err
	}
	unit, err := minorOrZero(fmt.Sprintf("details.line_items[%d].unit_totals.subtotal", i), li.UnitTotals.Subtotal)
	if err != nil {
		return platforms.OrderLine{}, err
	}
	if li.Quantity < 1 {
		return platforms.OrderLine{}, fmt.Errorf("%w: line item %q has quantity %d", platforms.ErrPayload, li.ID, li.Quantity)
	}
	unit, rounding := unitPrice(unit, sub, li.Quantity)
	return platforms.OrderLine{ID: li.ID, ProductID: li.Product.ID, VariantID: li.PriceID, Title: li.Product.Name,
		Quantity: li.Quantity, UnitPrice: unit, Discount: disc + rounding, Tax: tax}, nil
}

// unitPrice is one unit's price before tax and discount, and what the
// unit times quantity comes to above the line's subtotal. Paddle rounds
// the unit (unit_totals) and the line (totals) each on its own, so, for
// a tax-included price above all, the unit times quantity can miss the
// line's subtotal by a few minor units. Then the unit is the line's
// subtotal divided by the quantity, rounded up, and the excess (less
// than the quantity) is counted as discount, so the line's Net is
// exactly Paddle's subtotal less discount.
func unitPrice(unit, lineSubtotal, qty int64) (price, excess int64) {
	if lineSubtotal%qty == 0 && unit == lineSubtotal/qty {
		return unit, 0
	}
	price, excess = lineSubtotal/qty, 0
	if r := lineSubtotal % qty; r != 0 {
		price, excess = price+1, qty-r
	}
	return price, excess
}

// adjustmentItem is what an adjustment does to one line item, items[]:
// https://developer.paddle.com/api-reference/adjustments/overview
type adjustmentItem struct {
	ItemID string `json:"item_id"`
	Totals struct {
		Subtotal string `json:"subtotal"`
	} `json:"totals"`
}

// refundLines reads an adjustment's items into the lines it refunds,
// whose Subtotal add up to subtotal (the adjustment's, before tax). An
// item's subtotal is before tax and after the line's discount (a full
// item of a line of 100.00 less 10.00 discount is 90.00). A tax item
// refunds no goods and gives no line; two items of the same line are
// one line. An adjustment without items is not itemised: no lines.
//
// Quantity stays 0, even for an item of type full: an item names its
// line and money, never a number of units, and the line's quantity is on
// the transaction, not the adjustment.
func refundLines(items []adjustmentItem, subtotal int64) ([]platforms.RefundLine, error) {
	if len(items) == 0 {
		return nil, nil
	}
	var lines []platforms.RefundLine
	at := map[string]int{}
	left := subtotal
	for i, it := range items {
		sub, err := minor(fmt.Sprintf("items[%d].totals.subtotal", i), it.Totals.Subtotal)
		if err != nil {
			return nil, err
		}
		if it.ItemID == "" {
			return nil, fmt.Errorf("%w: adjustment item %d names no transaction item", platforms.ErrPayload, i+1)
		}
		if sub == 0 {
			continue
		}
		if sub > left {
			return nil, nil // more than the refund: it is spread as one without items
		}
		left -= sub
		if j, ok := at[it.ItemID]; ok {
			lines[j].Subtotal += sub
			continue
		}
		at[it.ItemID] = len(lines)
		lines = append(lines, platforms.RefundLine{LineID: it.ItemID, Subtotal: sub})
	}
	if left != 0 {
		return nil, nil // not the refund's subtotal: spread as a refund without items
	}
	return lines, nil
}

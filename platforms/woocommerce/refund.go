package woocommerce

import (
	"fmt"
	"strconv"

	"codecredit/platforms"
	"codecredit/platforms/currency"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// refundOf is one refund of an order; see refundSubtotal for its goods
// and refundLines for the order lines it gives back.
func refundOf(o *wcOrder, r *wcRefund) (*platforms.Refund, error) {
	if r.ID <= 0 {
		return nil, fmt.Errorf("%w: order %d has a refund without an id", platforms.ErrPayload, o.ID)
	}
	sub, spread, err := refundSubtotal(o, r)
	if err != nil {
		return nil, err
	}
	note := ""
	if spread {
		note = SpreadNote
	}
	created := gmt(r.DateCreatedGMT)
	if created.IsZero() {
		created = gmt(o.DateModifiedGMT)
	}
	return &platforms.Refund{ExternalID: strconv.FormatInt(r.ID, 10), OrderExternalID: strconv.FormatInt(o.ID, 10),
		Currency: o.Currency, Subtotal: sub, CreatedAt: created, Note: note, Lines: refundLines(o, r, sub, spread)}, nil
}

// SpreadNote is said on a refund the store did not itemise (wholly or in
// part): the goods' share of what it did not itemise was estimated.
const SpreadNote = "The store did not itemise this refund, so the part without lines was spread over what was paid: " +
	"goods' share = amount × goods ÷ order total."

// refundSubtotal is the part of the order's goods a refund gives back.
// The refunded line items count as they are (their totals are after
// discounts and before tax); refunded shipping, fees and all tax count for
// nothing. What the store does not itemise (a refund of an amount, or a
// bare refunds[] entry the store's API did not detail) is spread over what
// was paid: unitemised × items / order total, half to even. The result is
// capped at the order's items; spread says whether anything was spread.
func refundSubtotal(o *wcOrder, r *wcRefund) (sub int64, spread bool, err error) {
	amount, err := wcmoney.ParseMinor(r.Amount, o.Currency)
	if !r.full() {
		amount, err = wcmoney.ParseMinor(r.Total, o.Currency)
	}
	if err != nil {
		return 0, false, fmt.Errorf("%w: refund %d total: %v", platforms.ErrPayload, r.ID, err)
	}
	goods, goodsTax, err := lineSums(r.LineItems, o.Currency)
	if err != nil {
		return 0, false, err
	}
	itemised := abs(goods) + abs(goodsTax)
	for _, lines := range [][]wcLine{r.ShippingLines, r.FeeLines} {
		net, tax, err := lineSums(lines, o.Currency)
		if err != nil {
			return 0, false, err
		}
		itemised += abs(net) + abs(tax)
	}
	items, _, err := lineSums(o.LineItems, o.Currency)
	if err != nil {
		return 0, false, err
	}
	paid, err := wcmoney.ParseMinor(o.Total, o.Currency)
	if err != nil {
		return 0, false, fmt.Errorf("%w: order %d total: %v", platforms.ErrPayload, o.ID, err)
	}
	sub = abs(goods)
	if rest := abs(amount) - itemised; rest > 0 && paid > 0 {
		sub += currency.MulDiv(rest, items, paid)
		spread = true
	}
	return min(sub, max(items, 0)), spread, nil
}

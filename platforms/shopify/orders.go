package shopify

import (
	"fmt"
	"strings"
	"time"

	"codecredit/platforms"
)

// parseOrderPaid reads an orders/paid payload. The subtotal credited is each
// line's price × quantity minus its discount allocations (product and order
// discounts; shipping discounts are allocated to shipping lines and so left
// out), minus the line's taxes when the shop's prices include tax, all in
// the shop's currency (never the presentment currency).
func parseOrderPaid(body []byte) ([]platforms.Event, error) {
	var o order
	if err := decode(body, &o); err != nil {
		return nil, err
	}
	out, err := normaliseOrder(&o)
	if err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindOrderPaid, Order: out}}, nil
}

// normaliseOrder reads an order's totals and its lines; the lines pass
// platforms.CheckLines and their nets add up to Subtotal.
func normaliseOrder(o *order) (*platforms.Order, error) {
	if o.ID == "" {
		return nil, fmt.Errorf("%w: order without an id", platforms.ErrPayload)
	}
	cur, err := currencyOf(o.Currency)
	if err != nil {
		return nil, err
	}
	lines, err := orderLines(o.LineItems, cur)
	if err == nil {
		err = platforms.CheckLines(lines)
	}
	if err != nil {
		return nil, err
	}
	subtotal, discount := sumLines(lines, o.TaxesIncluded)
	total, err := amount(o.TotalPriceSet, o.TotalPrice, cur)
	if err != nil {
		return nil, err
	}
	shipping, err := shippingTotal(o.ShippingLines, cur, o.TaxesIncluded)
	if err != nil {
		return nil, err
	}
	out := &platforms.Order{
		ExternalID: string(o.ID), Number: o.Name, Codes: orderCodes(o), Currency: cur,
		Subtotal: subtotal, Discount: discount, Total: total, Test: o.Test,
		PlacedAt: firstTime(o.ProcessedAt, o.CreatedAt),
		Lines:    lines, Shipping: shipping, TaxesIncluded: o.TaxesIncluded, SubscriptionID: string(o.ContractID),
	}
	for _, l := range lines {
		out.Tax += l.Tax
	}
	if len(out.Lines) == 0 {
		out.Lines = nil
	}
	if out.PlacedAt.IsZero() {
		return nil, fmt.Errorf("%w: order %s without processed_at or created_at", platforms.ErrPayload, o.ID)
	}
	out.CustomerEmail = firstNonEmpty(o.Email, o.ContactEmail)
	if c := o.Customer; c != nil {
		out.CustomerID = string(c.ID)
		out.CustomerEmail = firstNonEmpty(c.Email, out.CustomerEmail)
		out.CustomerName = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return out, nil
}

func orderCodes(o *order) []string {
	codes := make([]string, 0, len(o.DiscountCodes))
	for _, d := range o.DiscountCodes {
		if c := strings.TrimSpace(d.Code); c != "" {
			codes = append(codes, c)
		}
	}
	return codes
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// refund is a refunds/create payload.
type refund struct {
	ID              id         `json:"id"`
	OrderID         id         `json:"order_id"`
	CreatedAt       *time.Time `json:"created_at"`
	ProcessedAt     *time.Time `json:"processed_at"`
	RefundLineItems []struct {
		LineItemID  id        `json:"line_item_id"`
		Quantity    int64     `json:"quantity"`
		Subtotal    decimal   `json:"subtotal"`
		SubtotalSet *moneySet `json:"subtotal_set"`
	} `json:"refund_line_items"`
}

// parseRefund reads refunds/create: the refunded subtotal is the sum of the
// refund line items' subtotals (goods after discounts; shipping and tax
// refunds are left out), and each item is a refund line naming the order
// line it gives back (line_item_id), its quantity and its subtotal. A refund of nothing but shipping, tax or an
// adjustment gives no event: there is no commission to reverse.
func parseRefund(body []byte) ([]platforms.Event, error) {
	var r refund
	if err := decode(body, &r); err != nil {
		return nil, err
	}
	if r.ID == "" || r.OrderID == "" {
		return nil, fmt.Errorf("%w: refund without an id or order_id", platforms.ErrPayload)
	}
	out := &platforms.Refund{ExternalID: string(r.ID), OrderExternalID: string(r.OrderID),
		CreatedAt: firstTime(r.CreatedAt, r.ProcessedAt)}
	for _, li := range r.RefundLineItems {
		if li.SubtotalSet != nil && out.Currency == "" {
			out.Currency = strings.ToUpper(li.SubtotalSet.ShopMoney.CurrencyCode)
		}
	}
	for _, li := range r.RefundLineItems {
		v, err := amount(li.SubtotalSet, li.Subtotal, out.Currency)
		if err != nil {
			return nil, err
		}
		if li.LineItemID == "" || li.Quantity < 0 || v < 0 || v > maxAmount {
			return nil, fmt.Errorf("%w: refund %s: a refund line without line_item_id, or a negative or impossible amount", platforms.ErrPayload, r.ID)
		}
		out.Subtotal += v
		out.Lines = append(out.Lines, platforms.RefundLine{LineID: string(li.LineItemID), Quantity: li.Quantity, Subtotal: v})
	}
	if out.Subtotal <= 0 {
		return nil, nil
	}
	if out.CreatedAt.IsZero() {
		return nil, fmt.Errorf("%w: refund %s without created_at", platforms.ErrPayload, r.ID)
	}
	return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: out}}, nil
}

// parseCancel reads orders/cancelled as a full refund of whatever is left,
// keyed "cancel:<order id>" so that a cancellation counts once.
func parseCancel(body []byte) ([]platforms.Event, error) {
	var o order
	if err := decode(body, &o); err != nil {
		return nil, err
	}
	if o.ID == "" {
		return nil, fmt.Errorf("%w: order without an id", platforms.ErrPayload)
	}
	cur, err := currencyOf(o.Currency)
	if err != nil {
		return nil, err
	}
	subtotal, _, err := lineTotals(o.LineItems, cur, o.TaxesIncluded)
	if err != nil {
		return nil, err
	}
	r := &platforms.Refund{
		ExternalID: "cancel:" + string(o.ID), OrderExternalID: string(o.ID), Currency: cur,
		Subtotal: subtotal, Full: true, CreatedAt: firstTime(o.CancelledAt, o.ProcessedAt, o.CreatedAt),
	}
	if r.CreatedAt.IsZero() {
		return nil, fmt.Errorf("%w: cancelled order %s without cancelled_at", platforms.ErrPayload, o.ID)
	}
	return []platforms.Event{{Kind: platforms.KindOrderCancelled, Refund: r}}, nil
}

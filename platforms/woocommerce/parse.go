package woocommerce

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// Topics the adapter subscribes to.
const (
	TopicOrderCreated  = "order.created"
	TopicOrderUpdated  = "order.updated"
	TopicCouponCreated = "coupon.created"
	TopicCouponUpdated = "coupon.updated"
	TopicCouponDeleted = "coupon.deleted"
)

// Topics lists the webhooks CreateWebhooks registers on a store.
var Topics = []string{TopicOrderCreated, TopicOrderUpdated, TopicCouponCreated, TopicCouponUpdated, TopicCouponDeleted}

// Order statuses that mean paid.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
const (
	StatusProcessing = "processing"
	StatusCompleted  = "completed"
	StatusCancelled  = "cancelled"
	StatusRefunded   = "refunded"
)

// ParseWebhook turns a stored order or coupon body into events.
//
// An order in status processing or completed is an OrderPaid; each entry
// of its refunds[] is an OrderRefunded (see refundSubtotal for the amount);
// status cancelled is an OrderCancelled and refunded an OrderRefunded, both
// Full with the id "cancel:<order id>". A coupon created or updated is a
// CodeChange naming the coupon only (Code empty): the worker reads it back
// from the store, which knows its currency and whether it is still usable;
// a deleted coupon is a CodeChange with Deleted. A subscription created,
// updated or switched is a KindSubscription (see parseSubscription); a
// paid order created for a subscription names it in SubscriptionID. Other
// topics give nothing, subscription.deleted among them (its body is the
// id alone; the extension cancels a subscription before trashing it).
func (a *Adapter) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	switch topic {
	case TopicOrderCreated, TopicOrderUpdated:
		return parseOrder(body)
	case TopicSubscriptionCreated, TopicSubscriptionUpdated, TopicSubscriptionSwitched:
		return parseSubscription(body)
	case TopicCouponCreated, TopicCouponUpdated, "coupon.restored", TopicCouponDeleted:
		var c struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(body, &c); err != nil || c.ID <= 0 {
			return nil, fmt.Errorf("%w: coupon without an id", platforms.ErrPayload)
		}
		ch := &platforms.CodeChange{PlatformID: strconv.FormatInt(c.ID, 10), Deleted: topic == TopicCouponDeleted}
		return []platforms.Event{{Kind: platforms.KindCodeChanged, Code: ch}}, nil
	}
	return nil, nil
}

// wcOrder is the REST API v3 order, as webhooks deliver it.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
type wcOrder struct {
	ID              int64  `json:"id"`
	Number          string `json:"number"`
	Status          string `json:"status"`
	Currency        string `json:"currency"`
	DateCreatedGMT  string `json:"date_created_gmt"`
	DateModifiedGMT string `json:"date_modified_gmt"`
	DatePaidGMT     string `json:"date_paid_gmt"`
	DiscountTotal   string `json:"discount_total"`
	ShippingTotal   string `json:"shipping_total"`
	Total           string `json:"total"`
	// PricesIncludeTax says the shop's prices are shown with tax; the
	// lines' subtotal and total are without it all the same.
	PricesIncludeTax bool  `json:"prices_include_tax"`
	CustomerID       int64 `json:"customer_id"`
	Billing          struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
	} `json:"billing"`
	LineItems   []wcLine      `json:"line_items"`
	CouponLines wcCouponLines `json:"coupon_lines"`
	Refunds     []wcRefund    `json:"refunds"`
	MetaData    []wcMeta      `json:"meta_data"`
}

// wcRefund is an entry of an order's refunds[] (id, reason, total, the
// total negative and tax and shipping included) or, once enriched from
// GET /orders/{id}/refunds (by the worker or the reconciliation), the full
// refund object: its amount and the lines it gives back.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties
type wcRefund struct {
	ID             int64    `json:"id"`
	Reason         string   `json:"reason,omitempty"`
	Total          string   `json:"total"`
	Amount         string   `json:"amount,omitempty"`
	DateCreatedGMT string   `json:"date_created_gmt,omitempty"`
	LineItems      []wcLine `json:"line_items,omitempty"`
	ShippingLines  []wcLine `json:"shipping_lines,omitempty"`
	FeeLines       []wcLine `json:"fee_lines,omitempty"`
}

// full reports whether r is a refund object rather than a bare entry.
func (r *wcRefund) full() bool { return r.Amount != "" }

func parseOrder(body []byte) ([]platforms.Event, error) {
	var o wcOrder
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("%w: order: %v", platforms.ErrPayload, err)
	}
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if o.ID <= 0 || !validCurrency(o.Currency) {
		return nil, fmt.Errorf("%w: order needs an id and a 3-letter currency", platforms.ErrPayload)
	}
	var events []platforms.Event
	if o.Status == StatusProcessing || o.Status == StatusCompleted {
		order, err := normalOrder(&o)
		if err != nil {
			return nil, err
		}
		events = append(events, platforms.Event{Kind: platforms.KindOrderPaid, Order: order})
	}
	for i := range o.Refunds {
		r, err := refundOf(&o, &o.Refunds[i])
		if err != nil {
			return nil, err
		}
		events = append(events, platforms.Event{Kind: platforms.KindOrderRefunded, Refund: r})
	}
	if o.Status == StatusCancelled || o.Status == StatusRefunded {
		kind := platforms.KindOrderRefunded
		if o.Status == StatusCancelled {
			kind = platforms.KindOrderCancelled
		}
		id := strconv.FormatInt(o.ID, 10)
		events = append(events, platforms.Event{Kind: kind, Refund: &platforms.Refund{ExternalID: "cancel:" + id,
			OrderExternalID: id, Currency: o.Currency, Full: true, CreatedAt: gmt(o.DateModifiedGMT)}})
	}
	return events, nil
}

// normalOrder is a paid order. Its subtotal is the sum of the line items'
// totals: after discounts, before tax, shipping and fees; its tax the sum
// of their tax, and its lines those of orderLines.
func normalOrder(o *wcOrder) (*platforms.Order, error) {
	net, tax, err := lineSums(o.LineItems, o.Currency)
	if err != nil {
		return nil, err
	}
	discount, err1 := wcmoney.ParseMinor(o.DiscountTotal, o.Currency)
	total, err2 := wcmoney.ParseMinor(o.Total, o.Currency)
	shipping, err3 := wcmoney.ParseMinor(o.ShippingTotal, o.Currency)
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("%w: order %d amounts: %v", platforms.ErrPayload, o.ID, err)
	}
	lines, err := orderLines(o)
	if err != nil {
		return nil, err
	}
	out := &platforms.Order{
		ExternalID: strconv.FormatInt(o.ID, 10), Number: o.Number, Currency: o.Currency,
		Subtotal: net, Discount: discount, Total: total, CustomerEmail: strings.TrimSpace(o.Billing.Email),
		CustomerName: strings.TrimSpace(o.Billing.FirstName + " " + o.Billing.LastName),
		PlacedAt:     gmt(o.DatePaidGMT), Lines: lines, Shipping: shipping, Tax: tax,
		TaxesIncluded: o.PricesIncludeTax, SubscriptionID: orderSubscription(o.MetaData),
	}
	if out.PlacedAt.IsZero() {
		out.PlacedAt = gmt(o.DateCreatedGMT)
	}
	if o.CustomerID > 0 {
		out.CustomerID = strconv.FormatInt(o.CustomerID, 10)
	}
	out.Codes = o.CouponLines.codes()
	return out, nil
}

// wcCouponLines are an order's or a subscription's coupon_lines.
type wcCouponLines []struct {
	Code string `json:"code"`
}

// codes are the coupon codes applied, as the store keeps them.
func (cl wcCouponLines) codes() []string {
	var out []string
	for _, c := range cl {
		if code := strings.TrimSpace(c.Code); code != "" {
			out = append(out, code)
		}
	}
	return out
}

// lineSums adds up line totals and their tax, in minor units.
func lineSums(lines []wcLine, currency string) (net, tax int64, err error) {
	for _, l := range lines {
		t, err1 := wcmoney.ParseMinor(l.Total, currency)
		x, err2 := wcmoney.ParseMinor(l.TotalTax, currency)
		if err := firstErr(err1, err2); err != nil {
			return 0, 0, fmt.Errorf("%w: line item amounts: %v", platforms.ErrPayload, err)
		}
		net, tax = net+t, tax+x
	}
	return net, tax, nil
}

// gmt reads WooCommerce's GMT dates ("2017-03-22T19:28:08", no zone); zero when absent.
func gmt(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, time.UTC); err == nil {
		return t
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

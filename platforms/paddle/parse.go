package paddle

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"codecredit/platforms"
)

// transaction is the part of Paddle's transaction entity the adapter
// reads: https://developer.paddle.com/api-reference/transactions/overview
type transaction struct {
	ID             string  `json:"id"`
	CustomerID     *string `json:"customer_id"`
	CurrencyCode   string  `json:"currency_code"`
	Origin         string  `json:"origin"`
	SubscriptionID *string `json:"subscription_id"`
	InvoiceNumber  *string `json:"invoice_number"`
	DiscountID     *string `json:"discount_id"`
	Details        struct {
		Totals struct {
			Subtotal     string `json:"subtotal"`
			Discount     string `json:"discount"`
			Tax          string `json:"tax"`
			Total        string `json:"total"`
			CurrencyCode string `json:"currency_code"`
		} `json:"totals"`
		LineItems []lineItem `json:"line_items"`
	} `json:"details"`
	CreatedAt string  `json:"created_at"`
	BilledAt  *string `json:"billed_at"`
}

// adjustment is the part of Paddle's adjustment entity the adapter reads:
// https://developer.paddle.com/api-reference/adjustments/overview
type adjustment struct {
	ID            string  `json:"id"`
	Action        string  `json:"action"`
	Type          *string `json:"type"`
	TransactionID string  `json:"transaction_id"`
	Status        string  `json:"status"`
	CurrencyCode  string  `json:"currency_code"`
	Totals        struct {
		Subtotal     string `json:"subtotal"`
		CurrencyCode string `json:"currency_code"`
	} `json:"totals"`
	Items     []adjustmentItem `json:"items"`
	CreatedAt string           `json:"created_at"`
	UpdatedAt string           `json:"updated_at"`
}

// ParseWebhook turns a verified notification into normalised events:
// transaction.completed → an order; an approved refund or chargeback
// adjustment → a refund, an approved chargeback_reverse → its undoing;
// discount.created/updated → a code change; every subscription.* event
// read (subscriptionTopics) → the subscription's state. Other topics, refunds
// not (yet) approved and other adjustment actions give no events.
func (a *Adapter) ParseWebhook(topic string, body []byte) ([]platforms.Event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	switch topic {
	case TopicTransactionCompleted:
		return parseTransaction(env)
	case TopicAdjustmentCreated, TopicAdjustmentUpdated:
		return parseAdjustment(env)
	case TopicDiscountCreated, TopicDiscountUpdated:
		return parseDiscount(topic, env)
	}
	if slices.Contains(subscriptionTopics, topic) {
		return parseSubscription(env)
	}
	return nil, nil
}

// parseTransaction reads a completed transaction. The credited subtotal
// is details.totals.subtotal (before discount and tax) less its discount,
// in the transaction's currency; its lines are details.line_items (see
// orderLines), its tax details.totals.tax. Paddle sells no shipping.
func parseTransaction(env envelope) ([]platforms.Event, error) {
	var t transaction
	if err := decodeData(env, &t); err != nil {
		return nil, err
	}
	if t.Origin == "subscription_payment_method_change" {
		return nil, nil // a zero charge to save a card, not a sale
	}
	tot := t.Details.Totals
	sub, err := minor("details.totals.subtotal", tot.Subtotal)
	if err != nil {
		return nil, err
	}
	disc, err := minorOrZero("details.totals.discount", tot.Discount)
	if err != nil {
		return nil, err
	}
	total, err := minorOrZero("details.totals.total", tot.Total)
	if err != nil {
		return nil, err
	}
	tax, err := minorOrZero("details.totals.tax", tot.Tax)
	if err != nil {
		return nil, err
	}
	o := &platforms.Order{ExternalID: t.ID, Number: deref(t.InvoiceNumber), Currency: firstOf(tot.CurrencyCode, t.CurrencyCode),
		Subtotal: max(sub-disc, 0), Discount: disc, Total: total, Tax: tax, CustomerID: deref(t.CustomerID),
		SubscriptionID: deref(t.SubscriptionID), Codes: []string{}}
	if o.Lines, err = orderLines(t.Details.LineItems, o.Subtotal); err != nil {
		return nil, err
	}
	if id := deref(t.DiscountID); id != "" {
		o.Codes = append(o.Codes, id)
	}
	if o.PlacedAt, err = timeOf(deref(t.BilledAt), env.OccurredAt, t.CreatedAt); err != nil {
		return nil, err
	}
	if err := checkOrder(o); err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindOrderPaid, Order: o}}, nil
}

// parseAdjustment reads an adjustment: an approved refund or chargeback
// moves money back, so it is a refund. Its subtotal (before tax) is the
// refunded part of the order's credited subtotal, and its items are the
// lines it refunds (see refundLines); the engine dedups the same
// adjustment seen on created and on updated. A transaction has one
// chargeback, booked as "chargeback:<transaction id>", which an approved
// chargeback_reverse (the merchant won the dispute) undoes. Warnings
// (chargeback_warning), credits and adjustments not (yet) approved give
// nothing.
// https://developer.paddle.com/api-reference/adjustments/overview
func parseAdjustment(env envelope) ([]platforms.Event, error) {
	var adj adjustment
	if err := decodeData(env, &adj); err != nil {
		return nil, err
	}
	if adj.Status != "approved" {
		return nil, nil
	}
	switch adj.Action {
	case "refund", "chargeback":
	case "chargeback_reverse":
		return chargebackReversed(&adj, env)
	default:
		return nil, nil
	}
	sub, err := minor("totals.subtotal", adj.Totals.Subtotal)
	if err != nil {
		return nil, err
	}
	full := deref(adj.Type) == "full"
	if sub == 0 && !full {
		return nil, nil // a tax-only adjustment refunds nothing we credited
	}
	r := &platforms.Refund{ExternalID: adj.ID, OrderExternalID: adj.TransactionID,
		Currency: firstOf(adj.Totals.CurrencyCode, adj.CurrencyCode), Subtotal: sub, Full: full}
	if adj.Action == "chargeback" {
		r.ExternalID = "chargeback:" + adj.TransactionID
	}
	if r.Lines, err = refundLines(adj.Items, sub); err != nil {
		return nil, err
	}
	if r.CreatedAt, err = timeOf(adj.UpdatedAt, adj.CreatedAt, env.OccurredAt); err != nil {
		return nil, err
	}
	if adj.ID == "" || r.OrderExternalID == "" {
		return nil, fmt.Errorf("%w: adjustment without id or transaction_id", platforms.ErrPayload)
	}
	return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: r}}, nil
}

// chargebackReversed undoes the chargeback of the adjustment's transaction.
func chargebackReversed(adj *adjustment, env envelope) ([]platforms.Event, error) {
	if adj.ID == "" || adj.TransactionID == "" {
		return nil, fmt.Errorf("%w: adjustment without id or transaction_id", platforms.ErrPayload)
	}
	r := &platforms.Refund{ExternalID: "chargeback:" + adj.TransactionID, OrderExternalID: adj.TransactionID,
		Currency: firstOf(adj.Totals.CurrencyCode, adj.CurrencyCode), Reason: "chargeback reversed (dispute won)"}
	var err error
	if r.CreatedAt, err = timeOf(adj.UpdatedAt, adj.CreatedAt, env.OccurredAt); err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindRefundUndone, Refund: r}}, nil
}

// parseDiscount reads a discount created or changed. An archived discount,
// or one whose code was removed, stops its code from attributing.
func parseDiscount(topic string, env envelope) ([]platforms.Event, error) {
	var d discount
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, fmt.Errorf("%w: discount without id", platforms.ErrPayload)
	}
	code := strings.TrimSpace(deref(d.Code))
	if code == "" && topic == TopicDiscountCreated {
		return nil, nil // an automatic discount: no code to credit
	}
	ch := &platforms.CodeChange{PlatformID: d.ID, Code: code, Deleted: code == "" || d.Status == "archived"}
	ch.DiscountType, ch.DiscountValue, _ = terms(d)
	return []platforms.Event{{Kind: platforms.KindCodeChanged, Code: ch}}, nil
}

// decodeData decodes the notification's entity.
func decodeData(env envelope, v any) error {
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return fmt.Errorf("%w: notification %s has no data", platforms.ErrPayload, env.EventID)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return fmt.Errorf("%w: %s data: %v", platforms.ErrPayload, env.EventType, err)
	}
	return nil
}

// checkOrder refuses an order the engine could not book.
func checkOrder(o *platforms.Order) error {
	o.Currency = strings.ToUpper(o.Currency)
	switch {
	case o.ExternalID == "":
		return fmt.Errorf("%w: transaction without id", platforms.ErrPayload)
	case len(o.Currency) != 3:
		return fmt.Errorf("%w: transaction %s: currency %q is not ISO 4217", platforms.ErrPayload, o.ExternalID, o.Currency)
	}
	return nil
}

// minorOrZero is minor for amounts Paddle may leave out.
func minorOrZero(field, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return minor(field, v)
}

// timeOf parses the first non-empty RFC 3339 time of candidates.
func timeOf(candidates ...string) (time.Time, error) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, c)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: time %q is not RFC 3339", platforms.ErrPayload, c)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: no time in the notification", platforms.ErrPayload)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

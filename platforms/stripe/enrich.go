package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// EnrichWebhook adds to an event what Stripe names only by id or leaves
// out of webhooks:
//
//   - invoice.paid: a subscription created through the API (no Checkout)
//     is credited through its invoice's discounts, which a webhook lists
//     as ids (di_...). The invoice is read again with its discounts
//     expanded (GET /v1/invoices/{id}?expand[]=discounts), and the
//     expanded discounts, each naming its promotion code (or only its
//     coupon), replace the ids. An invoice carries the first handful of
//     its lines; when it has more (has_more), all of them are listed
//     (GET /v1/invoices/{id}/lines) and replace the handful.
//   - checkout.session.completed and async_payment_succeeded, mode
//     payment: a session's line items are never in a webhook; they are
//     listed (GET /v1/checkout/sessions/{id}/line_items) and added as the
//     session's expanded line_items.
//   - customer.subscription.*: a subscription's discounts are ids in a
//     webhook; the subscription is read again with them and their coupons
//     expanded (GET /v1/subscriptions/{id}?expand[]=discounts.source.coupon),
//     for what they take off its price and their promotion codes.
//
// Other events, and objects that need nothing or already have it, come
// back unchanged.
func (a *Adapter) EnrichWebhook(ctx context.Context, c *platforms.Conn, topic string, body []byte) ([]byte, error) {
	var add func(context.Context, *platforms.Conn, map[string]json.RawMessage) (bool, error)
	switch topic {
	case TopicInvoicePaid:
		add = a.completeInvoice
	case TopicCheckoutCompleted, TopicCheckoutAsyncSucceeded:
		add = a.addSessionLines
	default:
		if !subscriptionTopic(topic) {
			return body, nil
		}
		add = a.expandSubscriptionDiscounts
	}
	var ev map[string]json.RawMessage
	var data struct {
		Object map[string]json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &ev) != nil || json.Unmarshal(ev["data"], &data) != nil || data.Object == nil {
		return body, nil // the parser says what is wrong with it
	}
	changed, err := add(ctx, c, data.Object)
	if err != nil || !changed {
		return body, err
	}
	ev["data"] = mustJSON(data)
	return json.Marshal(ev)
}

// completeInvoice expands an invoice's discounts and lists all its lines.
func (a *Adapter) completeInvoice(ctx context.Context, c *platforms.Conn, object map[string]json.RawMessage) (bool, error) {
	expanded, err := a.expandDiscounts(ctx, c, object)
	if err != nil {
		return false, err
	}
	listed, err := a.addInvoiceLines(ctx, c, object)
	return expanded || listed, err
}

// addInvoiceLines lists all of an invoice's lines when it carries only
// the first of them.
func (a *Adapter) addInvoiceLines(ctx context.Context, c *platforms.Conn, object map[string]json.RawMessage) (bool, error) {
	var in struct {
		ID    string `json:"id"`
		Lines struct {
			HasMore bool `json:"has_more"`
		} `json:"lines"`
	}
	if json.Unmarshal(mustJSON(object), &in) != nil || in.ID == "" || !in.Lines.HasMore {
		return false, nil
	}
	lines, err := a.listInvoiceLines(ctx, c, in.ID)
	if err != nil || lines == nil {
		return false, err
	}
	object["lines"] = lines
	return true, nil
}

// expandDiscounts replaces an invoice's discount ids by the discounts.
func (a *Adapter) expandDiscounts(ctx context.Context, c *platforms.Conn, object map[string]json.RawMessage) (bool, error) {
	var in struct {
		ID        string `json:"id"`
		Discounts []ref  `json:"discounts"`
	}
	if json.Unmarshal(mustJSON(object), &in) != nil || in.ID == "" || !bareDiscounts(in.Discounts) {
		return false, nil
	}
	discounts, err := a.invoiceDiscounts(ctx, c, in.ID)
	if err != nil {
		return false, err
	}
	object["discounts"] = discounts
	return true, nil
}

// addSessionLines adds a paid payment session's line items.
func (a *Adapter) addSessionLines(ctx context.Context, c *platforms.Conn, object map[string]json.RawMessage) (bool, error) {
	var s struct {
		ID            string          `json:"id"`
		Mode          string          `json:"mode"`
		PaymentStatus string          `json:"payment_status"`
		LineItems     json.RawMessage `json:"line_items"`
	}
	if json.Unmarshal(mustJSON(object), &s) != nil || s.ID == "" || s.Mode != "payment" ||
		(s.PaymentStatus != "paid" && s.PaymentStatus != "no_payment_required") ||
		(len(s.LineItems) > 0 && string(s.LineItems) != "null") {
		return false, nil
	}
	lines, err := a.listSessionLines(ctx, c, s.ID)
	if err != nil || lines == nil {
		return false, err
	}
	object["line_items"] = lines
	return true, nil
}

// bareDiscounts reports whether a discount is named by its id alone.
func bareDiscounts(ds []ref) bool {
	for _, d := range ds {
		if strings.HasPrefix(d.ID, "di_") && d.PromotionCode == nil && d.Code == "" {
			return true
		}
	}
	return false
}

// invoiceDiscounts reads an invoice's discounts, expanded.
func (a *Adapter) invoiceDiscounts(ctx context.Context, c *platforms.Conn, invoiceID string) (json.RawMessage, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return nil, err
	}
	p := &stripe.InvoiceRetrieveParams{}
	p.StripeAccount = account
	p.AddExpand("discounts")
	inv, err := sc.V1Invoices.Retrieve(ctx, invoiceID, p)
	if err != nil {
		return nil, callError("retrieve invoice discounts", err)
	}
	return discountsOf(inv.LastResponse, "invoice", invoiceID)
}

// discountsOf is the discounts of an object read with them expanded, as
// Stripe gave them.
func discountsOf(res *stripe.APIResponse, what, id string) (json.RawMessage, error) {
	var raw struct {
		Discounts json.RawMessage `json:"discounts"`
	}
	if res == nil || json.Unmarshal(res.RawJSON, &raw) != nil || len(raw.Discounts) == 0 {
		return nil, fmt.Errorf("stripe: %s %s came back without its discounts", what, id)
	}
	return raw.Discounts, nil
}

// mustJSON marshals a value that always marshals (decoded JSON).
func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// listInvoiceLines lists all of an invoice's lines
// (GET /v1/invoices/{id}/lines, every page), as Stripe gives them.
func (a *Adapter) listInvoiceLines(ctx context.Context, c *platforms.Conn, invoiceID string) (json.RawMessage, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return nil, err
	}
	p := &stripe.InvoiceListLinesParams{Invoice: stripe.String(invoiceID)}
	p.Limit = stripe.Int64(PageSize)
	p.StripeAccount = account
	return allLines(ctx, a.cfg.Logger, sc.V1Invoices.ListLines(ctx, p), "invoice lines", "/v1/invoices/"+invoiceID+"/lines",
		func(li *stripe.InvoiceLineItem) (any, error) {
			if li.LastResponse == nil || len(li.LastResponse.RawJSON) == 0 {
				return nil, fmt.Errorf("stripe: a line of invoice %s came back without its JSON", invoiceID)
			}
			return json.RawMessage(li.LastResponse.RawJSON), nil
		})
}

// allLines gathers every page of a list into one list, as an object
// carries it, each item as render gives it. Lines are not needed to credit
// an order: a key not allowed to read them (403: a restricted key
// without that permission) gives nil and a warning, and the order is
// credited on its subtotal, where another refusal fails the event.
func allLines[T any](ctx context.Context, log *slog.Logger, list *stripe.V1List[T], what, url string, render func(T) (any, error)) (json.RawMessage, error) {
	data := []any{}
	for item, err := range list.All(ctx) {
		var se *stripe.Error
		if errors.As(err, &se) && se.HTTPStatusCode == http.StatusForbidden {
			log.Warn("stripe: the key may not list "+what+"; the order is credited without its lines",
				"url", url, "stripe_says", message(se))
			return nil, nil
		}
		if err != nil {
			return nil, callError("list "+what, err)
		}
		v, err := render(item)
		if err != nil {
			return nil, err
		}
		data = append(data, v)
	}
	return mustJSON(map[string]any{"object": "list", "data": data, "has_more": false, "url": url}), nil
}

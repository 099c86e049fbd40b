package stripe

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// EnrichWebhook resolves what an invoice.paid names only by id: a
// subscription created through the API (no Checkout) is credited through
// its invoice's discounts, which a webhook lists as ids (di_...). The
// invoice is read again with its discounts expanded
// (GET /v1/invoices/{id}?expand[]=discounts), and the expanded discounts,
// each naming its promotion code (or only its coupon), replace the ids.
// Other events, and an invoice without discounts or already expanded, come
// back unchanged.
func (a *Adapter) EnrichWebhook(ctx context.Context, c *platforms.Conn, topic string, body []byte) ([]byte, error) {
	if topic != TopicInvoicePaid {
		return body, nil
	}
	var ev map[string]json.RawMessage
	var data struct {
		Object map[string]json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &ev) != nil || json.Unmarshal(ev["data"], &data) != nil {
		return body, nil // the parser says what is wrong with it
	}
	var in struct {
		ID        string `json:"id"`
		Discounts []ref  `json:"discounts"`
	}
	if json.Unmarshal(mustJSON(data.Object), &in) != nil || in.ID == "" || !bareDiscounts(in.Discounts) {
		return body, nil
	}
	discounts, err := a.invoiceDiscounts(ctx, c, in.ID)
	if err != nil {
		return nil, err
	}
	data.Object["discounts"] = discounts
	ev["data"] = mustJSON(data)
	return json.Marshal(ev)
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
	var raw struct {
		Discounts json.RawMessage `json:"discounts"`
	}
	if inv.LastResponse == nil || json.Unmarshal(inv.LastResponse.RawJSON, &raw) != nil || len(raw.Discounts) == 0 {
		return nil, fmt.Errorf("stripe: invoice %s came back without its discounts", invoiceID)
	}
	return raw.Discounts, nil
}

// mustJSON marshals a value that always marshals (decoded JSON).
func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

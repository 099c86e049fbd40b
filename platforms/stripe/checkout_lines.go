package stripe

import (
	"context"
	"encoding/json"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// checkoutLine is the part of a Checkout Session's line item
// (https://docs.stripe.com/api/checkout/sessions/line_items) read here. A
// session carries its line items only when expanded (line_items), which a
// webhook never is: EnrichWebhook lists them and adds them to the event.
type checkoutLine struct {
	ID             string `json:"id"`
	AmountSubtotal int64  `json:"amount_subtotal"` // before discounts, inclusive tax in it
	AmountDiscount int64  `json:"amount_discount"`
	AmountTax      int64  `json:"amount_tax"`
	Description    string `json:"description"`
	Quantity       *int64 `json:"quantity"`
	Price          *struct {
		Product     ref    `json:"product"`
		TaxBehavior string `json:"tax_behavior"`
	} `json:"price"`
}

// checkoutLines reads a paid session's line items into o (keepLines);
// their tax is in their price when the price's tax_behavior is
// "inclusive".
func checkoutLines(o *platforms.Order, lines lineList[checkoutLine]) bool {
	return keepLines(o, lines, func(l *checkoutLine) soldLine {
		product, inclusive := "", false
		if l.Price != nil {
			product, inclusive = l.Price.Product.ID, l.Price.TaxBehavior == "inclusive"
		}
		return soldLine{orderLine(l.ID, product, l.Description, l.Quantity, l.AmountSubtotal, l.AmountDiscount, l.AmountTax),
			inclusive, false}
	})
}

// listSessionLines lists a Checkout Session's line items
// (GET /v1/checkout/sessions/{id}/line_items, every page) as an expanded
// session's line_items list, with the fields Stripe gives them.
func (a *Adapter) listSessionLines(ctx context.Context, c *platforms.Conn, sessionID string) (json.RawMessage, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return nil, err
	}
	p := &stripe.CheckoutSessionListLineItemsParams{Session: stripe.String(sessionID)}
	p.Limit = stripe.Int64(PageSize)
	p.StripeAccount = account
	return allLines(ctx, a.cfg.Logger, sc.V1CheckoutSessions.ListLineItems(ctx, p), "checkout session line items",
		"/v1/checkout/sessions/"+sessionID+"/line_items", func(li *stripe.LineItem) (any, error) {
			return lineItemJSON(li), nil
		})
}

// lineItemJSON is a line item as Stripe renders it, its price's product
// as an id.
func lineItemJSON(li *stripe.LineItem) map[string]any {
	out := map[string]any{"id": li.ID, "object": "item", "amount_subtotal": li.AmountSubtotal,
		"amount_discount": li.AmountDiscount, "amount_tax": li.AmountTax, "amount_total": li.AmountTotal,
		"currency": li.Currency, "description": li.Description, "quantity": li.Quantity, "price": nil}
	if pr := li.Price; pr != nil {
		product := ""
		if pr.Product != nil {
			product = pr.Product.ID
		}
		out["price"] = map[string]any{"id": pr.ID, "object": "price", "product": product,
			"tax_behavior": pr.TaxBehavior, "unit_amount": pr.UnitAmount, "currency": pr.Currency}
	}
	return out
}

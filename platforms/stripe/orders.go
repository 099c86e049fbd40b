package stripe

import (
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms"
)

// checkoutSession is the part of a Checkout Session
// (https://docs.stripe.com/api/checkout/sessions/object) read here.
type checkoutSession struct {
	ID            string `json:"id"`
	Mode          string `json:"mode"`
	PaymentStatus string `json:"payment_status"`
	Currency      string `json:"currency"`
	AmountTotal   *int64 `json:"amount_total"`
	TotalDetails  *struct {
		AmountDiscount int64 `json:"amount_discount"`
		AmountShipping int64 `json:"amount_shipping"`
		AmountTax      int64 `json:"amount_tax"`
	} `json:"total_details"`
	Discounts []struct {
		Coupon        ref `json:"coupon"`
		PromotionCode ref `json:"promotion_code"`
	} `json:"discounts"`
	ShippingCost *struct {
		AmountSubtotal int64 `json:"amount_subtotal"`
		AmountTax      int64 `json:"amount_tax"`
	} `json:"shipping_cost"`
	LineItems       *lineList[checkoutLine] `json:"line_items"` // when expanded (EnrichWebhook)
	PaymentIntent   ref                     `json:"payment_intent"`
	Invoice         ref                     `json:"invoice"`
	Subscription    ref                     `json:"subscription"`
	Customer        ref                     `json:"customer"`
	CustomerDetails struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"customer_details"`
	CustomerEmail string `json:"customer_email"`
}

// parseCheckout turns a paid Checkout Session into an order.
//
//   - mode "payment": the order is the payment intent (ExternalID = pi_...,
//     the id a refund names), or the session itself when nothing was
//     charged (a 100% discount);
//   - mode "subscription": the order is the subscription's first invoice
//     (ExternalID = in_..., the same as its invoice.paid, so the two events
//     book one order), carrying the promotion code that invoice.paid lacks.
//
// Subtotal = amount_total − tax − shipping: after discounts, before tax and
// shipping, whether prices include tax or not. Shipping is
// shipping_cost.amount_subtotal, Tax the tax less the shipping's. A
// payment's lines are its line items, which EnrichWebhook adds
// (checkoutLines); a subscription's are its first invoice's, which
// invoice.paid carries under the ids its credit notes name.
func parseCheckout(ev *envelope) ([]platforms.Event, error) {
	var s checkoutSession
	if err := json.Unmarshal(ev.Data.Object, &s); err != nil {
		return nil, fmt.Errorf("%w: checkout session: %v", platforms.ErrPayload, err)
	}
	if s.PaymentStatus != "paid" && s.PaymentStatus != "no_payment_required" {
		return nil, nil // async payments complete with checkout.session.async_payment_succeeded
	}
	if s.AmountTotal == nil || s.TotalDetails == nil {
		return nil, unreadable(ev, "amount_total and total_details on the checkout session")
	}
	o := platforms.Order{Number: s.ID, Currency: strings.ToUpper(s.Currency), Total: *s.AmountTotal,
		Discount: s.TotalDetails.AmountDiscount, CustomerID: s.Customer.ID,
		CustomerEmail: firstOf(s.CustomerDetails.Email, s.CustomerEmail), CustomerName: s.CustomerDetails.Name,
		Test: !ev.Livemode, PlacedAt: unix(ev.Created)}
	switch s.Mode {
	case "payment":
		o.ExternalID = firstOf(s.PaymentIntent.ID, s.ID)
	case "subscription":
		o.ExternalID, o.SubscriptionID = s.Invoice.ID, s.Subscription.ID
	}
	if o.ExternalID == "" {
		return nil, nil // a setup session, or a subscription without an invoice: nothing was sold
	}
	o.Subtotal = max(*s.AmountTotal-s.TotalDetails.AmountTax-s.TotalDetails.AmountShipping, 0)
	o.Shipping, o.Tax = s.TotalDetails.AmountShipping, s.TotalDetails.AmountTax
	if s.ShippingCost != nil {
		o.Shipping, o.Tax = s.ShippingCost.AmountSubtotal, max(o.Tax-s.ShippingCost.AmountTax, 0)
	}
	if s.Mode == "payment" && s.LineItems != nil {
		checkoutLines(&o, *s.LineItems)
	}
	for _, d := range s.Discounts {
		o.Codes = append(o.Codes, codeNames(&d.PromotionCode)...)
	}
	return []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &o}}, nil
}

// invoice is the part of an Invoice (https://docs.stripe.com/api/invoices/object)
// read here.
type invoice struct {
	ID             string `json:"id"`
	Number         string `json:"number"`
	Currency       string `json:"currency"`
	BillingReason  string `json:"billing_reason"`
	Total          *int64 `json:"total"`
	AmountShipping int64  `json:"amount_shipping"`
	ShippingCost   *struct {
		AmountTax int64 `json:"amount_tax"`
	} `json:"shipping_cost"`
	Lines                lineList[invoiceLine] `json:"lines"`
	Discount             *ref                  `json:"discount"` // before API version 2020-08-27: the one discount
	Discounts            []ref                 `json:"discounts"`
	TotalDiscountAmounts []struct {
		Amount   int64 `json:"amount"`
		Discount ref   `json:"discount"`
	} `json:"total_discount_amounts"`
	TotalTaxes []struct {
		Amount int64 `json:"amount"`
	} `json:"total_taxes"`
	// TotalTaxAmounts and Subscription are where API versions before
	// 2025-03-31.basil have the taxes and the subscription.
	TotalTaxAmounts []struct {
		Amount int64 `json:"amount"`
	} `json:"total_tax_amounts"`
	Subscription ref `json:"subscription"`
	Parent       *struct {
		SubscriptionDetails *struct {
			Subscription ref `json:"subscription"`
		} `json:"subscription_details"`
	} `json:"parent"`
	Customer          ref    `json:"customer"`
	CustomerEmail     string `json:"customer_email"`
	CustomerName      string `json:"customer_name"`
	StatusTransitions struct {
		PaidAt int64 `json:"paid_at"`
	} `json:"status_transitions"`
}

// parseInvoice turns a paid invoice into an order: ExternalID = in_...,
// SubscriptionID from parent.subscription_details, so a renewal
// (billing_reason subscription_cycle) is credited through the subscription's
// link even when the coupon no longer applies.
//
// Subtotal = total − total_taxes − amount_shipping (after every discount,
// before tax and shipping). Discounts are ids (di_...) in a webhook; the
// worker has them expanded first (EnrichWebhook), and an expanded
// discount's promotion code is read. A subscription started in Checkout
// also gets its code from checkout.session.completed, which names the same
// first invoice; one created through the API only from here. A discount
// made of a coupon alone (no promotion code) names no code.
//
// Lines are the invoice's line items (invoiceLines); Shipping is
// amount_shipping, Tax total_taxes less the shipping's tax (the lines'
// taxes add up to it, or the lines are left out).
func parseInvoice(ev *envelope) ([]platforms.Event, error) {
	var in invoice
	if err := json.Unmarshal(ev.Data.Object, &in); err != nil {
		return nil, fmt.Errorf("%w: invoice: %v", platforms.ErrPayload, err)
	}
	if in.ID == "" {
		return nil, fmt.Errorf("%w: invoice without an id", platforms.ErrPayload)
	}
	if in.Total == nil || in.Currency == "" {
		return nil, unreadable(ev, "total and currency on the invoice")
	}
	var tax, discount int64
	for _, t := range in.TotalTaxes {
		tax += t.Amount
	}
	for _, t := range in.TotalTaxAmounts {
		tax += t.Amount
	}
	o := platforms.Order{ExternalID: in.ID, Number: in.Number, Currency: strings.ToUpper(in.Currency),
		Total: *in.Total, CustomerID: in.Customer.ID, CustomerEmail: in.CustomerEmail, CustomerName: in.CustomerName,
		Test: !ev.Livemode, PlacedAt: unix(in.StatusTransitions.PaidAt, ev.Created)}
	o.Subtotal = max(*in.Total-tax-in.AmountShipping, 0)
	o.Shipping, o.Tax = in.AmountShipping, tax
	if in.ShippingCost != nil {
		o.Tax = max(tax-in.ShippingCost.AmountTax, 0)
	}
	invoiceLines(&o, in.Lines)
	o.SubscriptionID = in.Subscription.ID
	if in.Parent != nil && in.Parent.SubscriptionDetails != nil {
		o.SubscriptionID = in.Parent.SubscriptionDetails.Subscription.ID
	}
	seen := map[string]bool{}
	add := func(d ref) {
		for _, name := range codeNames(d.PromotionCode) {
			if !seen[name] {
				seen[name] = true
				o.Codes = append(o.Codes, name)
			}
		}
	}
	if in.Discount != nil {
		add(*in.Discount)
	}
	for _, d := range in.Discounts {
		add(d)
	}
	for _, d := range in.TotalDiscountAmounts {
		discount += d.Amount
		add(d.Discount)
	}
	o.Discount = discount
	return []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &o}}, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

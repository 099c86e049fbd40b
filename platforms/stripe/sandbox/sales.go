package sandbox

import "fmt"

// sale is what a customer bought and paid, from which the Checkout
// Session, Invoice, Charge and Refund objects are drawn.
type sale struct {
	account      *account
	currency     string
	customer     string
	email        string
	subtotal     int64 // before discounts, tax and shipping
	items        []Item
	lines        []saleLine // the items priced: discount spread, tax per line
	discount     int64
	shipping     int64
	tax          int64
	promo        *promoCode
	coupon       *coupon
	intent       string
	charge       string
	invoice      string
	subscription string
	created      int64
}

func (s *sale) total() int64 { return s.subtotal - s.discount + s.shipping + s.tax }

// price makes the sale's lines (ids with idPrefix) from its items and
// discount, and its tax, the lines' taxes.
func (s *sale) price(idPrefix string) {
	s.lines = priceLines(s.items, s.discount, s.account.taxBps, idPrefix)
	s.tax = 0
	for _, l := range s.lines {
		s.tax += l.tax
	}
}

// sessionJSON is a completed Checkout Session
// (https://docs.stripe.com/api/checkout/sessions/object).
func sessionJSON(id, mode string, s *sale) map[string]any {
	discounts := []any{}
	if s.promo != nil {
		discounts = append(discounts, map[string]any{"coupon": s.coupon.ID, "promotion_code": s.promo.ID})
	}
	var intent, shippingCost any
	if mode == "payment" {
		intent = s.intent
	}
	if s.shipping > 0 {
		shippingCost = map[string]any{"amount_subtotal": s.shipping, "amount_tax": 0, "amount_total": s.shipping,
			"shipping_rate": "shr_sandbox"}
	}
	return map[string]any{
		"id": id, "object": "checkout.session", "mode": mode, "status": "complete", "payment_status": "paid",
		"adaptive_pricing": map[string]any{"enabled": false}, "allow_promotion_codes": true,
		"amount_subtotal": s.subtotal, "amount_total": s.total(), "currency": s.currency,
		"automatic_tax":       map[string]any{"enabled": false, "liability": nil, "status": nil},
		"client_reference_id": nil, "created": s.created, "expires_at": s.created + 86400,
		"customer": s.customer, "customer_creation": "always", "customer_email": nil,
		"customer_details": map[string]any{"address": nil, "email": s.email, "name": nil, "phone": nil,
			"tax_exempt": "none", "tax_ids": []any{}},
		"discounts": discounts, "invoice": nullable(s.invoice), "livemode": true, "locale": nil,
		"metadata": map[string]string{}, "payment_intent": intent, "payment_link": nil,
		"payment_method_types": []string{"card"}, "shipping_cost": shippingCost,
		"subscription": nullable(s.subscription), "success_url": "https://example.com/thanks", "url": nil,
		"total_details": map[string]any{"amount_discount": s.discount, "amount_shipping": s.shipping,
			"amount_tax": s.tax},
		"ui_mode": "hosted",
	}
}

// invoiceJSON is a paid subscription Invoice (https://docs.stripe.com/api/invoices/object),
// its n-th (0 = the first), for the period [start, end), and all its
// lines: the invoice carries the first invoiceLinesShown of them.
func invoiceJSON(s *sale, number string, n int, start, end int64) (map[string]any, []any) {
	reason := "subscription_cycle"
	if n == 0 {
		reason = "subscription_create"
	}
	discounts, amounts, taxes, di := []any{}, []any{}, []any{}, ""
	if s.discount > 0 {
		di = "di_" + s.invoice[3:]
		discounts = append(discounts, di)
		amounts = append(amounts, map[string]any{"amount": s.discount, "discount": di})
	}
	if s.tax > 0 {
		taxes = append(taxes, taxJSON(s.tax, s.subtotal-s.discount))
	}
	lines := make([]any, len(s.lines))
	for i := range s.lines {
		lines[i] = invoiceLineJSON(&s.lines[i], s, di, start, end)
	}
	return map[string]any{
		"id": s.invoice, "object": "invoice", "account_country": "US", "account_name": s.account.Name,
		"amount_due": s.total(), "amount_paid": s.total(), "amount_remaining": 0, "amount_shipping": 0,
		"attempt_count": 1, "attempted": true, "billing_reason": reason, "collection_method": "charge_automatically",
		"created": start, "currency": s.currency, "customer": s.customer, "customer_email": s.email,
		"customer_name": nil, "discounts": discounts, "livemode": true, "metadata": map[string]string{},
		"lines": listJSON("/v1/invoices/"+s.invoice+"/lines", lines[:min(len(lines), invoiceLinesShown)],
			len(lines) > invoiceLinesShown),
		"number": number, "period_start": start, "period_end": end, "status": "paid",
		"parent": map[string]any{"type": "subscription_details", "quote_details": nil,
			"subscription_details": map[string]any{"metadata": map[string]string{}, "subscription": s.subscription}},
		"status_transitions": map[string]any{"finalized_at": start, "paid_at": start, "marked_uncollectible_at": nil,
			"voided_at": nil},
		"subtotal": s.subtotal, "subtotal_excluding_tax": s.subtotal, "total": s.total(),
		"total_discount_amounts": amounts, "total_excluding_tax": s.subtotal - s.discount,
		"total_pretax_credit_amounts": []any{}, "total_taxes": taxes,
	}, lines
}

// chargeJSON is a Charge (https://docs.stripe.com/api/charges/object);
// since API version 2022-11-15 its refunds are not included.
func chargeJSON(p *payment) map[string]any {
	return map[string]any{
		"id": p.charge, "object": "charge", "amount": p.amount, "amount_captured": p.amount,
		"amount_refunded": p.refunded, "refunded": p.refunded == p.amount, "captured": true, "paid": true,
		"status": "succeeded", "balance_transaction": "txn_" + p.charge[3:], "created": p.created,
		"currency": p.currency, "customer": p.customer, "description": nil, "disputed": false,
		"billing_details":                 map[string]any{"address": nil, "email": p.email, "name": nil, "phone": nil},
		"calculated_statement_descriptor": "SANDBOX", "failure_code": nil, "failure_message": nil,
		"fraud_details": map[string]any{}, "livemode": true, "metadata": map[string]string{},
		"outcome": map[string]any{"network_status": "approved_by_network", "reason": nil, "risk_level": "normal",
			"seller_message": "Payment complete.", "type": "authorized"},
		"payment_intent": p.intent, "payment_method": "pm_" + p.charge[3:], "receipt_email": p.email,
		"receipt_url": nil, "review": nil, "shipping": nil, "transfer_data": nil, "transfer_group": nil,
	}
}

// refundJSON is a Refund (https://docs.stripe.com/api/refunds/object).
func refundJSON(id string, p *payment, amount, created int64) map[string]any {
	return map[string]any{
		"id": id, "object": "refund", "amount": amount, "balance_transaction": "txn_" + id[3:],
		"charge": p.charge, "created": created, "currency": p.currency,
		"destination_details": map[string]any{"type": "card", "card": map[string]any{"reference_status": "pending",
			"reference_type": "acquirer_reference_number", "type": "refund"}},
		"metadata": map[string]string{}, "payment_intent": p.intent, "reason": nil, "receipt_number": nil,
		"source_transfer_reversal": nil, "status": "succeeded", "transfer_reversal": nil,
	}
}

// formatAmount renders minor units with two decimals, for descriptions.
func formatAmount(n int64) string {
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

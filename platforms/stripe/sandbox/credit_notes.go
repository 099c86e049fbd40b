package sandbox

import (
	"fmt"
	"strings"
)

// CreditNote is what crediting an invoice line produced.
type CreditNote struct {
	ID       string
	RefundID string
	Total    int64 // refunded, tax included
	EventID  string
}

// CreditNote plays the merchant crediting quantity units of one line of a
// paid invoice and refunding them to the card
// (https://docs.stripe.com/invoicing/dashboard/credit-notes): the note's
// line takes the units' share of the line's discount and tax, rounded half
// up. It delivers credit_note.created, then the refund it made
// (refund.created) and charge.refunded, as Stripe does.
func (s *Server) CreditNote(invoiceID, lineID string, quantity int64) (CreditNote, error) {
	s.mu.Lock()
	inv := s.invoices[invoiceID]
	if inv == nil {
		s.mu.Unlock()
		return CreditNote{}, fmt.Errorf("sandbox: no invoice %s", invoiceID)
	}
	var line *saleLine
	for i := range inv.sale.lines {
		if inv.sale.lines[i].id == lineID {
			line = &inv.sale.lines[i]
		}
	}
	p := s.payments[inv.sale.intent]
	if line == nil || p == nil || quantity < 1 || inv.credited[lineID]+quantity > line.Quantity {
		s.mu.Unlock()
		return CreditNote{}, fmt.Errorf("sandbox: invoice %s has no line %s with %d units left to credit", invoiceID, lineID, quantity)
	}
	cl := saleLine{Item: line.Item, id: newID("cnli_"), price: line.price,
		discount: shareOf(line.discount, quantity, line.Quantity), tax: shareOf(line.tax, quantity, line.Quantity)}
	cl.Quantity = quantity
	total := cl.amount() - cl.discount + cl.tax
	if total > p.amount-p.refunded {
		s.mu.Unlock()
		return CreditNote{}, fmt.Errorf("sandbox: a credit of %d exceeds the %d left on %s", total, p.amount-p.refunded, p.intent)
	}
	inv.credited[lineID] += quantity
	p.refunded += total
	r := &sbRefund{id: newID("re_"), p: p, amount: total, status: "succeeded", created: s.opts.Now().Unix()}
	s.refunds[r.id] = r
	cn := creditNoteJSON(newID("cn_"), inv, line.id, &cl, r.id, s.opts.Now().Unix())
	created := s.event(p.account, "credit_note.created", cn)
	refunded := s.event(p.account, "refund.created", r.json())
	charged := s.event(p.account, "charge.refunded", chargeJSON(p))
	s.mu.Unlock()
	out := CreditNote{ID: cn["id"].(string), RefundID: r.id, Total: total, EventID: created.id}
	return out, joinErr(s.send(created), joinErr(s.send(refunded), s.send(charged)))
}

// shareOf is part/whole of amount, rounded half up.
func shareOf(amount, part, whole int64) int64 { return (2*amount*part + whole) / (2 * whole) }

// creditNoteJSON is a Credit Note (https://docs.stripe.com/api/credit_notes/object)
// of one line (https://docs.stripe.com/api/credit_notes/line_item) of
// invoice line invoiceLine, all of it after payment and refunded.
func creditNoteJSON(id string, inv *sbInvoice, invoiceLine string, l *saleLine, refund string, created int64) map[string]any {
	sl := &inv.sale
	net := l.amount() - l.discount
	total := net + l.tax
	amounts, credits, taxes := []any{}, []any{}, []any{}
	if di := "di_" + sl.invoice[3:]; l.discount > 0 {
		amounts = append(amounts, map[string]any{"amount": l.discount, "discount": di})
		credits = append(credits, map[string]any{"amount": l.discount, "discount": di, "type": "discount"})
	}
	if l.tax > 0 {
		taxes = append(taxes, taxJSON(l.tax, net))
	}
	line := map[string]any{
		"id": l.id, "object": "credit_note_line_item", "amount": l.amount(), "description": l.Title,
		"discount_amount": l.discount, "discount_amounts": amounts, "invoice_line_item": invoiceLine,
		"livemode": true, "metadata": map[string]string{}, "pretax_credit_amounts": credits, "quantity": l.Quantity,
		"tax_rates": []any{}, "taxes": taxes, "type": "invoice_line_item", "unit_amount": l.UnitAmount,
		"unit_amount_decimal": fmt.Sprint(l.UnitAmount),
	}
	number, _ := inv.body["number"].(string)
	return map[string]any{
		"id": id, "object": "credit_note", "amount": total, "amount_shipping": 0, "created": created,
		"currency": sl.currency, "customer": sl.customer, "customer_balance_transaction": nil,
		"discount_amount": l.discount, "discount_amounts": amounts, "effective_at": created, "invoice": sl.invoice,
		"lines":    listJSON("/v1/credit_notes/"+id+"/lines", []any{line}, false),
		"livemode": true, "memo": nil, "metadata": map[string]string{},
		"number":             strings.TrimSpace(number + "-CN-" + fmt.Sprintf("%02d", len(inv.credited))),
		"out_of_band_amount": nil, "pdf": "https://pay.stripe.com/credit_notes/sandbox/pdf",
		"post_payment_amount": total, "pre_payment_amount": 0, "pretax_credit_amounts": credits,
		"reason":        "requested_by_customer",
		"refunds":       []any{map[string]any{"amount_refunded": total, "refund": refund, "type": "payment_record_refund"}},
		"shipping_cost": nil, "status": "issued", "subtotal": net, "subtotal_excluding_tax": net, "total": total,
		"total_excluding_tax": net, "total_taxes": taxes, "type": "post_payment", "voided_at": nil,
	}
}

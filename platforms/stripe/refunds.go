package stripe

import (
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// moneyBack is the part of a Refund (https://docs.stripe.com/api/refunds/object)
// or a Dispute (https://docs.stripe.com/api/disputes/object) read here:
// both give an amount of a payment back.
type moneyBack struct {
	ID            string `json:"id"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	Status        string `json:"status"`
	Charge        ref    `json:"charge"`
	PaymentIntent ref    `json:"payment_intent"`
	Created       int64  `json:"created"`
}

// readMoneyBack reads a refund or dispute (what names it in errors) as a
// refund of its order, the payment intent (the ExternalID of a checkout
// order) or else the charge.
func readMoneyBack(ev *envelope, what string) (moneyBack, platforms.Refund, error) {
	var m moneyBack
	if err := json.Unmarshal(ev.Data.Object, &m); err != nil {
		return m, platforms.Refund{}, fmt.Errorf("%w: %s: %v", platforms.ErrPayload, what, err)
	}
	order := m.PaymentIntent.ID
	if order == "" {
		order = m.Charge.ID
	}
	if m.ID == "" || order == "" || m.Amount < 0 {
		return m, platforms.Refund{}, fmt.Errorf("%w: %s %q names no payment or has a negative amount", platforms.ErrPayload, what, m.ID)
	}
	return m, platforms.Refund{ExternalID: m.ID, OrderExternalID: order, Currency: strings.ToUpper(m.Currency),
		Amount: m.Amount, CreatedAt: unix(m.Created, ev.Created)}, nil
}

// parseRefund books a refund once Stripe says it succeeded, and undoes
// one that failed or was canceled (status failed or canceled on
// refund.updated or charge.refund.updated): the refund and, when its
// charge was booked as refunded in full (charge.refunded), that too. A
// refund still pending or requiring action books nothing yet. Its order is
// the payment intent, the ExternalID of a checkout order.
//
// Approximation: Stripe refunds an amount of the charged total, tax and
// shipping included, and the event names neither the order's subtotal nor
// the charge's amount; the engine takes the same share of the order's
// subtotal as Amount is of its total (a full refund is exact, see
// parseChargeRefunded).
//
// A subscription invoice is an order of its own (in_...), which a refund
// cannot name in this API version (charges no longer name their invoice);
// its refunds are read from credit notes (parseCreditNote).
// https://docs.stripe.com/refunds#failed-refunds
func parseRefund(ev *envelope) ([]platforms.Event, error) {
	r, out, err := readMoneyBack(ev, "refund")
	if err != nil {
		return nil, err
	}
	switch r.Status {
	case "succeeded":
		return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: &out}}, nil
	case "failed", "canceled":
		out.Amount, out.Reason = 0, "refund "+r.Status
		events := []platforms.Event{{Kind: platforms.KindRefundUndone, Refund: &out}}
		if r.Charge.ID != "" {
			full := out
			full.ExternalID = "full_" + r.Charge.ID
			events = append(events, platforms.Event{Kind: platforms.KindRefundUndone, Refund: &full})
		}
		return events, nil
	}
	return nil, nil
}

// charge is the part of a Charge (https://docs.stripe.com/api/charges/object) read here.
type charge struct {
	ID             string `json:"id"`
	Amount         int64  `json:"amount"`
	AmountRefunded int64  `json:"amount_refunded"`
	Refunded       bool   `json:"refunded"`
	Currency       string `json:"currency"`
	PaymentIntent  ref    `json:"payment_intent"`
	Created        int64  `json:"created"`
}

// parseChargeRefunded books a charge refunded in full as a full refund of
// its order, so the whole commission is reversed exactly whatever the
// pieces; a partial charge.refunded gives nothing, its refund.created
// carries it.
func parseChargeRefunded(ev *envelope) ([]platforms.Event, error) {
	var c charge
	if err := json.Unmarshal(ev.Data.Object, &c); err != nil {
		return nil, fmt.Errorf("%w: charge: %v", platforms.ErrPayload, err)
	}
	if !c.Refunded {
		return nil, nil
	}
	order := c.PaymentIntent.ID
	if order == "" {
		order = c.ID
	}
	if c.ID == "" {
		return nil, fmt.Errorf("%w: charge without an id", platforms.ErrPayload)
	}
	out := platforms.Refund{ExternalID: "full_" + c.ID, OrderExternalID: order, Currency: strings.ToUpper(c.Currency),
		Full: true, CreatedAt: unix(ev.Created, c.Created)}
	return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: &out}}, nil
}

// creditNote is the part of a Credit Note (https://docs.stripe.com/api/credit_notes/object)
// read here.
type creditNote struct {
	ID                string `json:"id"`
	Invoice           ref    `json:"invoice"`
	Currency          string `json:"currency"`
	Status            string `json:"status"`
	Total             int64  `json:"total"`
	AmountShipping    int64  `json:"amount_shipping"`
	PostPaymentAmount *int64 `json:"post_payment_amount"`
	TotalTaxes        []struct {
		Amount int64 `json:"amount"`
	} `json:"total_taxes"`
	// TaxAmounts is where API versions before 2025-03-31.basil have the taxes.
	TaxAmounts []struct {
		Amount int64 `json:"amount"`
	} `json:"tax_amounts"`
	Lines   lineList[creditNoteLine] `json:"lines"`
	Created int64                    `json:"created"`
}

// parseCreditNoteVoided undoes a credit note booked as a refund: a voided
// note gives nothing back (https://docs.stripe.com/api/credit_notes/void).
func parseCreditNoteVoided(ev *envelope) ([]platforms.Event, error) {
	var cn creditNote
	if err := json.Unmarshal(ev.Data.Object, &cn); err != nil {
		return nil, fmt.Errorf("%w: credit note: %v", platforms.ErrPayload, err)
	}
	if cn.ID == "" || cn.Invoice.ID == "" {
		return nil, fmt.Errorf("%w: credit note %q names no invoice", platforms.ErrPayload, cn.ID)
	}
	out := platforms.Refund{ExternalID: cn.ID, OrderExternalID: cn.Invoice.ID, Currency: strings.ToUpper(cn.Currency),
		CreatedAt: unix(ev.Created, cn.Created), Reason: "credit note voided"}
	return []platforms.Event{{Kind: platforms.KindRefundUndone, Refund: &out}}, nil
}

// parseCreditNote books the part of a credit note given back on a paid
// invoice (post_payment_amount, refunded or credited to the customer) as a
// refund of that invoice's order. Its subtotal is the note's own, after
// discounts, without tax and shipping, in the share the post-payment part
// is of the note: round(net × post_payment_amount / total), exact when the
// whole note follows payment. Such a note is itemised: its lines name the
// invoice lines they credit (refundLines).
//
// The money of a refunding credit note also comes as a refund
// (refund.created, charge.refunded) of the invoice's payment, which names
// the payment intent, not the invoice: no order of a subscription's
// invoice is booked under that id, so that refund finds no order and the
// money is counted once, here.
func parseCreditNote(ev *envelope) ([]platforms.Event, error) {
	var cn creditNote
	if err := json.Unmarshal(ev.Data.Object, &cn); err != nil {
		return nil, fmt.Errorf("%w: credit note: %v", platforms.ErrPayload, err)
	}
	if cn.Status == "void" || cn.Total <= 0 {
		return nil, nil
	}
	if cn.PostPaymentAmount == nil {
		return nil, unreadable(ev, "post_payment_amount on the credit note")
	}
	if *cn.PostPaymentAmount <= 0 {
		return nil, nil
	}
	if cn.ID == "" || cn.Invoice.ID == "" {
		return nil, fmt.Errorf("%w: credit note %q names no invoice", platforms.ErrPayload, cn.ID)
	}
	net := cn.Total - cn.AmountShipping
	for _, t := range cn.TotalTaxes {
		net -= t.Amount
	}
	for _, t := range cn.TaxAmounts {
		net -= t.Amount
	}
	subtotal := currency.MulDivHalfUp(max(net, 0), min(*cn.PostPaymentAmount, cn.Total), cn.Total)
	out := platforms.Refund{ExternalID: cn.ID, OrderExternalID: cn.Invoice.ID, Currency: strings.ToUpper(cn.Currency),
		Subtotal: subtotal, CreatedAt: unix(cn.Created, ev.Created)}
	if *cn.PostPaymentAmount >= cn.Total {
		out.Lines = refundLines(cn.Lines, subtotal)
	}
	return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: &out}}, nil
}

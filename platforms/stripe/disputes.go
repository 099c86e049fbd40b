package stripe

import (
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms"
)

// Dispute event types (https://docs.stripe.com/disputes/how-disputes-work).
const (
	TopicDisputeCreated = "charge.dispute.created"
	TopicDisputeClosed  = "charge.dispute.closed"
)

// dispute is the part of a Dispute (https://docs.stripe.com/api/disputes/object) read here.
type dispute struct {
	ID            string `json:"id"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	Status        string `json:"status"`
	Charge        ref    `json:"charge"`
	PaymentIntent ref    `json:"payment_intent"`
	Created       int64  `json:"created"`
}

// parseDispute reads a dispute: when it opens (the disputed amount is
// withdrawn from the merchant) its amount is taken back as a refund of the
// order, its id the refund's; closed lost keeps it (and books it, should
// the opening have been missed); closed won gives it back. Inquiries
// (status warning_*) withdraw nothing and give nothing.
func parseDispute(ev *envelope) ([]platforms.Event, error) {
	var d dispute
	if err := json.Unmarshal(ev.Data.Object, &d); err != nil {
		return nil, fmt.Errorf("%w: dispute: %v", platforms.ErrPayload, err)
	}
	order := d.PaymentIntent.ID
	if order == "" {
		order = d.Charge.ID
	}
	if d.ID == "" || order == "" || d.Amount < 0 {
		return nil, fmt.Errorf("%w: dispute %q names no payment or has a negative amount", platforms.ErrPayload, d.ID)
	}
	out := platforms.Refund{ExternalID: d.ID, OrderExternalID: order, Currency: strings.ToUpper(d.Currency),
		Amount: d.Amount, CreatedAt: unix(d.Created, ev.Created)}
	switch {
	case strings.HasPrefix(d.Status, "warning_"):
		return nil, nil
	case d.Status == "won":
		out.Amount, out.Reason, out.CreatedAt = 0, "dispute won", unix(ev.Created, d.Created)
		return []platforms.Event{{Kind: platforms.KindRefundUndone, Refund: &out}}, nil
	case ev.Type == TopicDisputeClosed && d.Status != "lost":
		return nil, nil
	}
	return []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: &out}}, nil
}

package stripe

import (
	"strings"

	"codecredit/platforms"
)

// Dispute event types (https://docs.stripe.com/disputes/how-disputes-work).
const (
	TopicDisputeCreated = "charge.dispute.created"
	TopicDisputeClosed  = "charge.dispute.closed"
)

// parseDispute reads a dispute: when it opens (the disputed amount is
// withdrawn from the merchant) its amount is taken back as a refund of the
// order, its id the refund's; closed lost keeps it (and books it, should
// the opening have been missed); closed won gives it back. Inquiries
// (status warning_*) withdraw nothing and give nothing.
func parseDispute(ev *envelope) ([]platforms.Event, error) {
	d, out, err := readMoneyBack(ev, "dispute")
	if err != nil {
		return nil, err
	}
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

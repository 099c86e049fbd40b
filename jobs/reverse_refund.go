package jobs

import (
	"context"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// reverseRefund books a refund or cancellation through the engine: a pro
// rata reversal, a clawback after payout, or a refund kept until its order
// arrives. A redelivered refund id books nothing.
func (w *Worker) reverseRefund(ctx context.Context, ev *models.WebhookEvent, r platforms.Refund) error {
	if err := w.store.ReverseRefund(ctx, ev.ConnectionID, r); err != nil {
		return fmt.Errorf("reverse refund %q of order %q: %w", r.ExternalID, r.OrderExternalID, err)
	}
	w.log.Debug("refund booked", "event_id", ev.ID, "refund_id", r.ExternalID,
		"order_id", r.OrderExternalID, "full", r.Full)
	w.emails.NotifyReversal(ctx, ev.ConnectionID, r.OrderExternalID)
	return nil
}

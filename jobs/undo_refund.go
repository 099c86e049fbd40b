package jobs

import (
	"context"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// undoRefund gives back the commission a booked refund, chargeback or
// dispute took, when the platform says the money did not go back after
// all, with a ledger entry of its own. A refund never booked changes
// nothing; a redelivery books nothing more.
func (w *Worker) undoRefund(ctx context.Context, ev *models.WebhookEvent, r platforms.Refund) error {
	reason := r.Reason
	if reason == "" {
		reason = "refund undone on " + ev.Platform
	}
	if err := w.store.UndoRefund(ctx, ev.ConnectionID, r, reason); err != nil {
		return fmt.Errorf("undo refund %q of order %q: %w", r.ExternalID, r.OrderExternalID, err)
	}
	w.log.Info("refund undone", "event_id", ev.ID, "refund_id", r.ExternalID,
		"order_id", r.OrderExternalID, "reason", reason)
	return nil
}

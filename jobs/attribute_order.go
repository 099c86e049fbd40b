package jobs

import (
	"context"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// attributeOrder books a paid order through the attribution engine. The
// engine is idempotent per (connection, order id): a redelivered order
// returns the existing conversion and books nothing.
func (w *Worker) attributeOrder(ctx context.Context, ev *models.WebhookEvent, o platforms.Order) error {
	conv, err := w.store.AttributeOrder(ctx, ev.ConnectionID, o)
	if err != nil {
		return fmt.Errorf("attribute order %q: %w", o.ExternalID, err)
	}
	w.orderBooked(ctx, ev, o, conv)
	return nil
}

// bookOrderDelivery books a paid order that is its delivery's only event,
// marking the delivery processed in the same transaction when the engine
// can (see models.BookOrderDelivery); marked says whether it did.
func (w *Worker) bookOrderDelivery(ctx context.Context, ev *models.WebhookEvent, o platforms.Order) (marked bool, err error) {
	b, err := w.store.BookOrderDelivery(ctx, ev.ID, ev.ConnectionID, o)
	if err != nil {
		return false, fmt.Errorf("attribute order %q: %w", o.ExternalID, err)
	}
	w.orderBooked(ctx, ev, o, b.Conversion)
	return b.DeliveryMarked, nil
}

// orderBooked follows a booking: the approval at the hold's end, and the
// reversal notices of refunds that came before the order.
func (w *Worker) orderBooked(ctx context.Context, ev *models.WebhookEvent, o platforms.Order, conv *models.Conversion) {
	if conv == nil {
		w.log.Debug("order not attributed", "event_id", ev.ID, "order_id", o.ExternalID, "test", o.Test)
		return
	}
	w.log.Debug("order attributed", "event_id", ev.ID, "order_id", o.ExternalID,
		"conversion_id", conv.ID, "status", conv.Status, "commission", conv.Commission)
	w.scheduleApproval(ctx, conv)
	if conv.RefundedSubtotal > 0 { // refunds that came before the order were applied
		w.emails.NotifyReversal(ctx, ev.ConnectionID, o.ExternalID)
	}
}

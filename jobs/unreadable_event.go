package jobs

import (
	"context"
	"errors"

	"codecredit/models"
	"codecredit/platforms"
)

// noteOnConnection shows, on the event's connection, why an event that
// cannot be read is set aside (a Stripe event at an API version that lacks
// a field read, a malformed body), so the merchant sees the loss instead
// of a silence. Other failures are retried and say so on the event.
func (w *Worker) noteOnConnection(ctx context.Context, ev *models.WebhookEvent, err error) {
	if ev.ConnectionID == 0 || !errors.Is(err, platforms.ErrPayload) {
		return
	}
	if nErr := w.store.NoteConnectionError(ctx, ev.ConnectionID, err.Error()); nErr != nil {
		w.log.Error("note event failure on its connection", "event_id", ev.ID, "connection_id", ev.ConnectionID, "error", nErr)
	}
}

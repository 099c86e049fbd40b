package jobs

import (
	"context"
	"fmt"
	"time"

	"codecredit/models"
)

// takenFor is how long a delivery taken by a drain (or by another run of
// its task) is left to that booking: a drain's batch and its one-by-one
// rest end within drainBatchTimeout. Past it, the taker is taken for
// dead and the task books the delivery itself.
const takenFor = drainBatchTimeout + 5*time.Second

// takenPoll is how often a task waiting for another booking looks again.
const takenPoll = 100 * time.Millisecond

// takeOrAwait makes a task the only one booking an untried delivery. It
// takes the delivery, or, when a drain took it first, waits for that
// booking's verdict and returns the delivery as it then stands: processed
// (nothing left to do), failed (tried once: the task books it now, as
// its retry), or still taken past takenFor (the task books it).
// Without this, a delivery whose effects are not idempotent (a customer's
// data request) could be booked twice: once by the drain, once by a task
// that had stopped waiting for it.
func (w *Worker) takeOrAwait(ctx context.Context, ev *models.WebhookEvent) (*models.WebhookEvent, error) {
	if ev.Attempts > 0 || ev.ProcessedAt != nil {
		return ev, nil
	}
	took, err := w.store.TakeEvent(ctx, ev.ID)
	if err != nil {
		return nil, fmt.Errorf("jobs: take event %d: %w", ev.ID, err)
	}
	if took {
		return ev, nil
	}
	for {
		cur, err := w.store.GetWebhookEvent(ctx, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("jobs: load event %d: %w", ev.ID, err)
		}
		if cur.ProcessedAt != nil || cur.DeadAt != nil || cur.Attempts > 0 ||
			cur.TakenAt == nil || time.Since(*cur.TakenAt) > takenFor {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(takenPoll):
		}
	}
}

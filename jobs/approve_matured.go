package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// approveMatured handles TypeApproveMatured: pending commissions whose
// hold period is over become approved. Running it twice is harmless.
func (w *Worker) approveMatured(ctx context.Context, _ *asynq.Task) error {
	n, err := w.store.ApproveMatured(ctx)
	if err != nil {
		return fmt.Errorf("jobs: approve matured commissions: %w", err)
	}
	w.log.Info("matured commissions approved", "entries", n)
	return nil
}

// scheduleApprove queues the approval of the period now falls in; other
// workers ticking in the same period find it queued already.
func (w *Worker) scheduleApprove(ctx context.Context, now time.Time) {
	bucket := now.Truncate(w.opts.ApproveEvery)
	if err := w.client.enqueueApprovePeriodic(ctx, bucket, w.opts.ApproveEvery); err != nil {
		w.log.Error("schedule approve matured", "error", err)
	}
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
)

// Commission becomes payable when its hold ends: attributing an order
// queues an approval run for the moment its hold ends (asynq's ProcessAt),
// and every run queues the next one, at the earliest hold still running.
// Runs for the same second collapse into one task (its id names the
// second). The periodic run every ApproveEvery is the safety net for a
// queued run lost with Redis; approving twice is harmless.

// approveMatured handles TypeApproveMatured: pending commissions whose
// hold period is over become approved, and the next run is queued for
// when the next hold ends. Running it twice is harmless.
func (w *Worker) approveMatured(ctx context.Context, _ *asynq.Task) error {
	n, err := w.store.ApproveMatured(ctx)
	if err != nil {
		return fmt.Errorf("jobs: approve matured commissions: %w", err)
	}
	if n > 0 {
		w.log.Info("matured commissions approved", "entries", n)
	}
	next, err := w.store.NextApproval(ctx)
	if err != nil {
		return fmt.Errorf("jobs: next approval: %w", err)
	}
	if !next.IsZero() {
		if err := w.client.EnqueueApproveAt(ctx, next); err != nil {
			w.log.Warn("next approval not queued; the periodic run approves it", "at", next, "error", err)
		}
	}
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

// scheduleApproval queues the approval of a conversion's commission for
// when its hold ends; a conversion already approved needs none.
func (w *Worker) scheduleApproval(ctx context.Context, conv *models.Conversion) {
	if conv == nil || !conv.AwaitsApproval() {
		return
	}
	if err := w.client.EnqueueApproveAt(ctx, conv.ApproveAt); err != nil {
		w.log.Warn("approval not scheduled; the periodic run approves it", "conversion_id", conv.ID, "error", err)
	}
}

// ApproveTaskID is the id of the approval run queued for at: one per
// second, the first second not before at (asynq keeps whole seconds, and
// a run a fraction early would find nothing due yet).
func ApproveTaskID(at time.Time) string {
	return "approve_at:" + strconv.FormatInt(ceilSecond(at).Unix(), 10)
}

// EnqueueApproveAt queues an approval run for when at comes (at once if it
// has); asking again for the same second changes nothing.
func (c *Client) EnqueueApproveAt(ctx context.Context, at time.Time) error {
	task := asynq.NewTask(TypeApproveMatured, nil)
	_, err := c.client.EnqueueContext(ctx, task, asynq.Queue(c.queue), asynq.TaskID(ApproveTaskID(at)),
		asynq.ProcessAt(ceilSecond(at)), asynq.MaxRetry(3), asynq.Timeout(5*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue approval at %s: %w", at.UTC().Format(time.RFC3339), err)
	}
	return nil
}

func ceilSecond(at time.Time) time.Time {
	s := at.Truncate(time.Second)
	if s.Before(at) {
		s = s.Add(time.Second)
	}
	return s
}

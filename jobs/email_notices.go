package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// How old a queued email must be before the sweeper sends it again, and
// how many it looks at per sweep.
const (
	emailSweepAge   = 2 * time.Minute
	emailSweepBatch = 500
)

// EnqueueEmailSummaries queues one run of the earnings summaries; runs
// asked for while one is queued collapse into it. Each affiliate gets one
// summary per month whatever the number of runs, so the worker may ask
// every few minutes.
func (c *Client) EnqueueEmailSummaries(ctx context.Context) error {
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeEmailSummaries, nil), asynq.Queue(c.queue),
		asynq.MaxRetry(3), asynq.Timeout(10*time.Minute), asynq.Unique(30*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("jobs: enqueue email summaries: %w", err)
	}
	return nil
}

// ProcessSummaries handles TypeEmailSummaries: it writes the summaries
// that are due and queues them.
func (e *Emails) ProcessSummaries(ctx context.Context, _ *asynq.Task) error {
	ids, err := e.store.WriteEarningsSummaries(ctx, e.appURL)
	if err != nil {
		return fmt.Errorf("jobs: earnings summaries: %w", err)
	}
	if len(ids) > 0 {
		e.log.Info("earnings summaries written", "emails", len(ids))
	}
	e.enqueue(ctx, ids)
	return nil
}

// NotifyReversal writes and queues the notices of the refunds booked
// against an order's commission. Call it after ReverseRefund, and after
// AttributeOrder (a refund held until its order applies then). Failures
// are logged, never returned: the refund is booked either way, and a
// notice written but not queued is found by Sweep.
func (e *Emails) NotifyReversal(ctx context.Context, connectionID uint64, orderExternalID string) {
	ids, err := e.store.WriteReversalNotices(ctx, connectionID, orderExternalID, e.appURL)
	if err != nil {
		e.log.Warn("reversal notice not written", "connection_id", connectionID, "order_id", orderExternalID, "error", err)
		return
	}
	e.enqueue(ctx, ids)
}

// Sweep queues again the emails whose send seems lost (queued for
// emailSweepAge without a try, or sending past their lease) and returns
// how many it queued.
func (e *Emails) Sweep(ctx context.Context) (int, error) {
	ids, err := e.store.StaleEmails(ctx, e.store.Now().Add(-emailSweepAge), emailSweepBatch)
	if err != nil {
		return 0, fmt.Errorf("jobs: stale emails: %w", err)
	}
	if len(ids) > 0 && e.queue != nil {
		if err := e.queue.EnqueueEmails(ctx, ids); err != nil {
			return 0, err
		}
		e.log.Info("lost email sends queued again", "emails", len(ids))
	}
	return len(ids), nil
}

// enqueue queues new emails, logging a failure: Sweep finds them later.
func (e *Emails) enqueue(ctx context.Context, ids []uint64) {
	if len(ids) == 0 || e.queue == nil {
		return
	}
	if err := e.queue.EnqueueEmails(ctx, ids); err != nil {
		e.log.Warn("enqueue emails; the sweeper will retry", "emails", len(ids), "error", err)
	}
}

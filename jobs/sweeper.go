package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// sweepBatch is the most events one sweep queues again.
const sweepBatch = 500

// Sweep queues again the stored events received more than SweepAge ago that
// are still unprocessed and whose task will not run: an enqueue lost
// between storing and queueing, or a task orphaned by a killed worker (once
// its lease has expired). It returns how many it queued. The worker runs it
// every SweepEvery; a double processing is a no-op, so sweeping is always safe.
func (w *Worker) Sweep(ctx context.Context) (int, error) {
	cutoff := w.store.Now().Add(-w.opts.SweepAge)
	events, err := w.store.UnprocessedEvents(ctx, cutoff, sweepBatch)
	if err != nil || len(events) == 0 {
		return 0, wrapSweep(err)
	}
	orphans, err := w.orphanedTasks()
	if err != nil {
		return 0, wrapSweep(err)
	}
	window := max(w.opts.SweepAge, w.opts.SweepEvery)
	bucket := strconv.FormatInt(time.Now().Truncate(window).Unix(), 10)
	queued := 0
	for _, ev := range events {
		ok, err := w.sweepEvent(ctx, ev.ID, orphans, bucket)
		if err != nil {
			return queued, wrapSweep(err)
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

func wrapSweep(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("jobs: sweep: %w", err)
}

// orphanedTasks returns the IDs of the active tasks whose worker stopped
// extending their lease: it was killed or cut off.
func (w *Worker) orphanedTasks() (map[string]bool, error) {
	active, err := w.client.inspector.ListActiveTasks(w.client.queue, asynq.PageSize(10000))
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list active tasks: %w", err)
	}
	out := map[string]bool{}
	for _, t := range active {
		if t.IsOrphaned {
			out[t.ID] = true
		}
	}
	return out, nil
}

// sweepEvent queues one unprocessed event again when no task of it will
// run. It leaves alone a task that will (pending, scheduled, retrying,
// running) and a dead letter (archived: it failed for good and waits for an
// operator; sweeping it would only fill the dead-letter list). It reports
// whether it queued a task.
func (w *Worker) sweepEvent(ctx context.Context, eventID uint64, orphans map[string]bool, bucket string) (bool, error) {
	id := eventTaskID(eventID)
	info, err := w.client.inspector.GetTaskInfo(w.client.queue, id)
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return w.enqueueLost(ctx, eventID)
	case err != nil:
		return false, fmt.Errorf("event %d: %w", eventID, err)
	case info.State != asynq.TaskStateActive || !orphans[id]:
		return false, nil
	}
	// asynq itself retries an orphan only a minute or more after its lease
	// expired. A second task, under an ID of this sweep window, never
	// collides with the orphan, and books nothing if both end up running.
	return true, w.client.enqueueEvent(ctx, eventID, id+":sweep:"+bucket)
}

// enqueueLost queues an event that has no task. The event is read again
// first: its task may have finished since the sweep listed it (an event is
// marked processed before its task is deleted).
func (w *Worker) enqueueLost(ctx context.Context, eventID uint64) (bool, error) {
	ev, err := w.store.GetWebhookEvent(ctx, eventID)
	if err != nil {
		return false, fmt.Errorf("event %d: %w", eventID, err)
	}
	if ev.ProcessedAt != nil {
		return false, nil
	}
	return true, w.client.enqueueEvent(ctx, eventID, eventTaskID(eventID))
}

// SweepCodePushes queues again the code pushes still pending after
// SweepAge (an enqueue that was lost); a push still queued is not doubled.
func (w *Worker) SweepCodePushes(ctx context.Context) (int, error) {
	ids, err := w.store.PendingCodePushes(ctx, w.store.Now().Add(-w.opts.SweepAge), sweepBatch)
	for i, id := range ids {
		if err := w.client.EnqueuePushCode(ctx, id); err != nil {
			return i, wrapSweep(err)
		}
	}
	return len(ids), wrapSweep(err)
}

// sweepAndLog runs one sweep from the periodic loop.
func (w *Worker) sweepAndLog(ctx context.Context) {
	if n, err := w.SweepCodePushes(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("sweep pending code pushes", "error", err, "queued", n)
	}
	if n, err := w.SweepCodeDeactivations(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("sweep pending code deactivations", "error", err, "queued", n)
	}
	if err := w.sweepCatalogs(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("queue the daily catalog reads", "error", err)
	}
	n, err := w.Sweep(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("sweep unprocessed events", "error", err, "queued", n)
		}
		return
	}
	if n > 0 {
		w.log.Warn("unprocessed events queued again", "queued", n, "sweep_age", w.opts.SweepAge.String())
	}
}

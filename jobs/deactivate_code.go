package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// TypeDeactivateCode switches a code off on its store.
const TypeDeactivateCode = "codes:deactivate"

// deactivateMaxRetry bounds the retries of a deactivation the store
// throttles or cannot answer; the last attempt records the failure.
const deactivateMaxRetry = 12

// EnqueueDeactivateCode queues switching a code off on its store. A code
// already queued is not queued twice.
func (c *Client) EnqueueDeactivateCode(ctx context.Context, codeID uint64) error {
	payload, _ := json.Marshal(codePayload{CodeID: codeID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeDeactivateCode, payload), asynq.Queue(c.queue),
		asynq.TaskID(fmt.Sprintf("deactivate:%d", codeID)), asynq.MaxRetry(deactivateMaxRetry), asynq.Timeout(2*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue deactivation of code %d: %w", codeID, err)
	}
	return nil
}

// deactivateCode handles TypeDeactivateCode: it asks the code's store to
// stop accepting it and records the outcome on the code, for the admin to
// show. Throttling and outages are retried; a refusal is recorded with the
// store's reason.
func (w *Worker) deactivateCode(ctx context.Context, t *asynq.Task) error {
	var p codePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return permanent(fmt.Errorf("jobs: bad deactivate payload %q", t.Payload()))
	}
	code, conn, err := w.store.CodeToDeactivate(ctx, p.CodeID)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrConflict) {
		return nil // gone, or done
	}
	if err != nil {
		return err
	}
	failed := func(why string) error {
		return w.store.MarkCodeStoreOff(ctx, code.ID, models.StoreOffFailed, "Could not deactivate on the store: "+why)
	}
	if conn.Status != models.ConnectionActive {
		return failed(conn.DisplayName() + " is not connected (" + string(conn.Status) + "); install it again")
	}
	off, ok := w.opts.Platforms[conn.Platform].(platforms.CodeDeactivator)
	if !ok {
		return failed(fmt.Sprintf("Codecredit cannot turn codes off on %s; turn %s off in the store's admin", conn.DisplayName(), code.Code))
	}
	creds, err := w.store.ReadCredentials(conn)
	if err != nil {
		return err
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	err = off.DeactivateCode(ctx, pc, platforms.DiscountCode{PlatformID: code.PlatformID,
		PlatformCodeID: code.PlatformCodeID, Code: code.Code})
	if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil {
		return saveErr
	}
	return w.deactivated(ctx, conn, code, err, failed)
}

// deactivated records the outcome of a deactivation.
func (w *Worker) deactivated(ctx context.Context, conn *models.Connection, code *models.Code, err error,
	failed func(string) error) error {
	var rejected *platforms.RejectedError
	switch {
	case err == nil:
		return w.store.MarkCodeStoreOff(ctx, code.ID, models.StoreOff, "Deactivated on "+conn.DisplayName())
	case errors.As(err, &rejected):
		w.log.Info("store refused to deactivate code", "code_id", code.ID, "code", code.Code, "reason", rejected.Reason)
		return failed(rejected.Reason)
	case errors.Is(err, platforms.ErrUnauthorized):
		if mErr := failed("the store refused our access; install the app again"); mErr != nil {
			return mErr
		}
		return w.refused(ctx, conn, err)
	}
	if lastAttempt(ctx) {
		if mErr := failed("the store did not answer; try again later"); mErr != nil {
			return mErr
		}
	}
	return fmt.Errorf("jobs: deactivate code %d on connection %d: %w", code.ID, conn.ID, err)
}

// lastAttempt reports whether the running task will not be retried again.
func lastAttempt(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	limit, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= limit
}

// SweepCodeDeactivations queues again the deactivations still waiting
// after SweepAge (an enqueue that was lost); one still queued is not doubled.
func (w *Worker) SweepCodeDeactivations(ctx context.Context) (int, error) {
	ids, err := w.store.PendingCodeDeactivations(ctx, w.store.Now().Add(-w.opts.SweepAge), sweepBatch)
	for i, id := range ids {
		if err := w.client.EnqueueDeactivateCode(ctx, id); err != nil {
			return i, wrapSweep(err)
		}
	}
	return len(ids), wrapSweep(err)
}

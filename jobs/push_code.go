package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// pushCode handles TypePushCode: it creates a generated or manual code on
// its store with the affiliate's discount. A refusal by the store (the
// code is taken, a value is invalid) is recorded on the code for the user
// to see, and the code stops attributing, so our row and the store never
// claim different things. Throttling and outages are retried.
func (w *Worker) pushCode(ctx context.Context, t *asynq.Task) error {
	var p codePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return permanent(fmt.Errorf("jobs: bad push payload %q", t.Payload()))
	}
	code, conn, err := w.store.CodeToPush(ctx, p.CodeID)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrConflict) {
		return nil // gone, or already on the store
	}
	if err != nil {
		return err
	}
	if conn.Status != models.ConnectionActive {
		return w.store.MarkCodeSyncFailed(ctx, code.ID, "the store is not connected ("+string(conn.Status)+"); install it again")
	}
	cat, pc, err := w.catalogFor(conn)
	if err != nil {
		return permanent(err)
	}
	created, err := cat.CreateCode(ctx, pc, platforms.NewCode{Code: code.Code, Title: "Codecredit " + code.Code,
		DiscountType: code.DiscountType, DiscountValue: code.DiscountValue, Currency: code.Currency,
		OncePerCustomer: code.OncePerCustomer})
	if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil {
		return saveErr
	}
	return w.pushed(ctx, conn, code, created, err)
}

// pushed records the outcome of a push.
func (w *Worker) pushed(ctx context.Context, conn *models.Connection, code *models.Code, created platforms.DiscountCode, err error) error {
	var rejected *platforms.RejectedError
	switch {
	case err == nil:
		return w.store.MarkCodeSynced(ctx, code.ID, created)
	case errors.As(err, &rejected):
		w.log.Info("store refused code", "code_id", code.ID, "code", code.Code, "reason", rejected.Reason)
		return w.store.MarkCodeSyncFailed(ctx, code.ID, rejected.Reason)
	case errors.Is(err, platforms.ErrUnauthorized):
		if mErr := w.store.MarkCodeSyncFailed(ctx, code.ID, "the store refused our access; install the app again"); mErr != nil {
			return mErr
		}
		return w.refused(ctx, conn, err)
	}
	return fmt.Errorf("jobs: push code %d to connection %d: %w", code.ID, conn.ID, err)
}

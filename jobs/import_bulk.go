package jobs

import (
	"context"
	"errors"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// bulkCatalog is a catalog that can read a large store's codes in one bulk
// export (Shopify's bulk operations) instead of pages. ImportCodesInBulk
// returns false when the store is small enough for pages, or cursor is a
// page cursor; otherwise it calls save with each batch of codes and the
// checkpoint to resume after it, and returns the error that stopped it.
type bulkCatalog interface {
	ImportCodesInBulk(ctx context.Context, c *platforms.Conn, cursor string,
		save func(codes []platforms.DiscountCode, checkpoint string, total int) error) (bool, error)
}

// startOver is an error after which an import must begin again from the
// start (a bulk operation that failed or whose file expired).
type startOver interface{ StartOver() bool }

// importBulk runs the import through the catalog's bulk export when it
// takes it: each batch is upserted like a page and checkpointed with the
// export's position, so a restarted job reattaches to the same export and
// goes on after the last stored batch. It reports whether it handled the
// import.
func (w *Worker) importBulk(ctx context.Context, conn *models.Connection, cat bulkCatalog, pc *platforms.Conn, cursor string, done int) (bool, error) {
	total := conn.ImportTotal
	save := func(codes []platforms.DiscountCode, checkpoint string, t int) error {
		if err := w.saveIfChanged(ctx, conn.ID, pc); err != nil {
			return err
		}
		n, err := w.store.UpsertPlatformCodes(ctx, conn, codes)
		if err != nil {
			return err
		}
		done, total = done+n, t
		return w.store.SetImportProgress(ctx, conn.ID, checkpoint, done, total, models.ImportRunning)
	}
	handled, err := cat.ImportCodesInBulk(ctx, pc, cursor, save)
	if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil && err == nil {
		err = saveErr
	}
	var again startOver
	switch {
	case !handled:
		return false, err
	case errors.Is(err, platforms.ErrUnauthorized):
		_ = w.store.SetImportProgress(ctx, conn.ID, cursor, done, total, models.ImportFailed)
		return true, w.refused(ctx, conn, err)
	case errors.As(err, &again) && again.StartOver():
		if resetErr := w.store.SetImportProgress(ctx, conn.ID, "", 0, total, models.ImportFailed); resetErr != nil {
			return true, resetErr
		}
		return true, fmt.Errorf("jobs: import codes of connection %d: %w", conn.ID, err)
	case err != nil:
		return true, fmt.Errorf("jobs: import codes of connection %d: %w", conn.ID, err)
	}
	if err := w.store.SetImportProgress(ctx, conn.ID, "", done, done, models.ImportDone); err != nil {
		return true, err
	}
	w.log.Info("codes imported", "connection_id", conn.ID, "platform", conn.Platform, "codes", done, "bulk", true)
	return true, nil
}

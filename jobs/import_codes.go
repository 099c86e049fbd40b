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

// importCodes handles TypeImportCodes: it pages through the platform's
// discount codes from the checkpointed cursor, upserting each page and
// recording progress, so a restart resumes where it stopped. A large store
// on a platform with bulk exports is read through one instead (see
// importBulk), checkpointed the same way. Throttling is
// waited out as the platform asks. A finished import run again starts over
// (upserts make that harmless), which is what a reinstall wants.
func (w *Worker) importCodes(ctx context.Context, t *asynq.Task) error {
	var p connectionPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return permanent(fmt.Errorf("jobs: bad import payload %q", t.Payload()))
	}
	conn, err := w.store.GetConnection(ctx, p.ConnectionID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && conn.Status != models.ConnectionActive) {
		return nil // uninstalled or erased: nothing to import
	}
	if err != nil {
		return err
	}
	cat, pc, err := w.catalogFor(conn)
	if err != nil {
		w.importFailed(ctx, conn.ID, err)
		return permanent(err)
	}
	cursor, done := conn.ImportCursor, conn.ImportDone
	if conn.ImportState == models.ImportDone || conn.ImportState == "" {
		cursor, done = "", 0
	}
	handled := false
	if bc, ok := cat.(bulkCatalog); ok {
		handled, err = w.importBulk(ctx, conn, bc, pc, cursor, done)
	}
	if !handled && err == nil {
		err = w.importPages(ctx, conn, cat, pc, cursor, done, conn.ImportTotal)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		w.importFailed(ctx, conn.ID, err)
	}
	return err
}

// importFailed shows a failed attempt on the connection while asynq
// retries it (a worker shutting down is not a failure: it resumes).
func (w *Worker) importFailed(ctx context.Context, connID uint64, err error) {
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if mErr := w.store.MarkImportFailed(markCtx, connID, err); mErr != nil {
		w.log.Error("record import failure", "connection_id", connID, "error", mErr)
	}
}

func (w *Worker) importPages(ctx context.Context, conn *models.Connection, cat platforms.Catalog, pc *platforms.Conn, cursor string, done, total int) error {
	for {
		page, err := cat.ImportCodes(ctx, pc, cursor)
		if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil {
			return saveErr
		}
		var rl *platforms.RateLimitError
		switch {
		case errors.As(err, &rl):
			if err := waitRateLimit(ctx, rl); err != nil {
				return err
			}
			continue
		case errors.Is(err, platforms.ErrUnauthorized):
			_ = w.store.SetImportProgress(ctx, conn.ID, cursor, done, total, models.ImportFailed)
			return w.refused(ctx, conn, err)
		case err != nil:
			return fmt.Errorf("jobs: import codes of connection %d: %w", conn.ID, err)
		}
		n, err := w.store.UpsertPlatformCodes(ctx, conn, page.Codes)
		if err != nil {
			return err
		}
		done += n + page.Skipped
		if page.Total >= 0 {
			total = page.Total
		}
		state := models.ImportRunning
		if page.Next == "" {
			state, total = models.ImportDone, done // a platform that never said its total has now
		}
		if err := w.store.SetImportProgress(ctx, conn.ID, page.Next, done, total, state); err != nil {
			return err
		}
		if page.Next == "" {
			w.log.Info("codes imported", "connection_id", conn.ID, "platform", conn.Platform, "codes", done)
			return nil
		}
		cursor = page.Next
	}
}

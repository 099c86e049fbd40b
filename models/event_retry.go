package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ReviveEvent takes one of the account's failed deliveries off the
// dead-letter list so the worker books it again: it shows as pending
// until the next attempt succeeds or fails. A delivery that is not failed
// (processed, or still being retried) is ErrConflict and changes nothing.
func (s *Store) ReviveEvent(ctx context.Context, accountID, id uint64) (*WebhookEvent, error) {
	var ev WebhookEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx).Omit("body"), &ev, "event", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		if st := eventStatus(&ev); st != EventFailed {
			return conflictf("only a failed event can be retried; this one is %s", st)
		}
		res := tx.Model(&WebhookEvent{}).Where("id = ? AND dead_at IS NOT NULL AND processed_at IS NULL", id).
			Updates(map[string]any{"dead_at": nil, "last_error": ""})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("%w: the event changed meanwhile", ErrConflict)
		}
		ev.DeadAt, ev.LastError = nil, ""
		return nil
	})
	if err != nil {
		return nil, wrapErr("revive event", err)
	}
	ev.Status = eventStatus(&ev)
	return &ev, nil
}

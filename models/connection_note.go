package models

import (
	"context"
	"fmt"
)

// NoteConnectionError records on a connection why one of its events could
// not be booked (last_error), for the merchant to see; the connection's
// status is left as it is and it keeps receiving events.
func (s *Store) NoteConnectionError(ctx context.Context, connectionID uint64, reason string) error {
	err := s.db.WithContext(ctx).Model(&Connection{}).Where("id = ?", connectionID).
		Update("last_error", truncateText(reason)).Error
	if err != nil {
		return fmt.Errorf("models: note error on connection %d: %w", connectionID, err)
	}
	return nil
}

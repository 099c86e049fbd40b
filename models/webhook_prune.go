package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// WebhookLogKeep is how long the delivery log keeps a finished delivery
// (delivered, or failed for good) and its attempts; pending ones stay.
const WebhookLogKeep = 30 * 24 * time.Hour

// pruneBatch is how many deliveries one pass reads, oldest first.
const pruneBatch = 500

// PruneWebhookLog deletes, with their attempts, deliveries made and last
// changed before cutoff that are delivered or failed, oldest first, up to
// max; it reports how many went. It walks the deliveries in id order and
// stops at the first one made after cutoff, so a pass with nothing to do
// reads one batch (pruneBatch rows by primary key), however long the log.
func (s *Store) PruneWebhookLog(ctx context.Context, cutoff time.Time, max int) (int, error) {
	pruned := 0
	var after uint64
	for pruned < max {
		var rows []WebhookDelivery
		err := s.db.WithContext(ctx).Select("id", "status", "created_at", "updated_at").
			Where("id > ?", after).Order("id").Limit(pruneBatch).Find(&rows).Error
		if err != nil {
			return pruned, wrapErr("prune webhook log", err)
		}
		var ids []uint64
		done := len(rows) < pruneBatch
		for _, r := range rows {
			if !r.CreatedAt.Before(cutoff) || len(ids)+pruned >= max {
				done = true
				break
			}
			after = r.ID
			if (r.Status == DeliveryDelivered || r.Status == DeliveryFailed) && r.UpdatedAt.Before(cutoff) {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) > 0 {
			n, err := s.deleteDeliveries(ctx, ids, cutoff)
			pruned += n
			if err != nil {
				return pruned, wrapErr("prune webhook log", err)
			}
		}
		if done {
			break
		}
	}
	return pruned, nil
}

// deleteDeliveries deletes the deliveries of ids still finished and
// unchanged since cutoff (one redelivered meanwhile stays), and their
// attempts.
func (s *Store) deleteDeliveries(ctx context.Context, ids []uint64, cutoff time.Time) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var gone []uint64
		err := s.forUpdate(tx.Model(&WebhookDelivery{})).
			Where("id IN ? AND status IN ? AND updated_at < ?", ids, []string{DeliveryDelivered, DeliveryFailed}, cutoff).
			Pluck("id", &gone).Error
		if err != nil || len(gone) == 0 {
			return err
		}
		if err := tx.Where("delivery_id IN ?", gone).Delete(&WebhookAttempt{}).Error; err != nil {
			return err
		}
		n = len(gone)
		return tx.Where("id IN ?", gone).Delete(&WebhookDelivery{}).Error
	})
	return n, err
}

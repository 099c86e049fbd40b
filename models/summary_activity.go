package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// approveForSummaries approves what matured in an account before its
// monthly summaries are written, so they count it as payable.
func (s *Store) approveForSummaries(ctx context.Context, accountID uint64) error {
	_, err := s.approveMatured(ctx, accountID)
	return err
}

// monthMovements returns the affiliates whose commission was approved
// (its hold ended) or who were paid in [start, end): activity a summary
// reports even without a new order.
func monthMovements(tx *gorm.DB, accountID uint64, start, end time.Time) (map[uint64]bool, error) {
	var approved, paid []uint64
	err := tx.Model(&LedgerEntry{}).Distinct("affiliate_id").
		Where("account_id = ? AND kind <> ? AND status <> ? AND available_at >= ? AND available_at < ?",
			accountID, EntryPayout, EntryPending, start, end).Pluck("affiliate_id", &approved).Error
	if err != nil {
		return nil, err
	}
	err = tx.Model(&Payout{}).Distinct("affiliate_id").
		Where("account_id = ? AND paid_at >= ? AND paid_at < ?", accountID, start, end).Pluck("affiliate_id", &paid).Error
	out := map[uint64]bool{}
	for _, id := range append(approved, paid...) {
		out[id] = true
	}
	return out, err
}

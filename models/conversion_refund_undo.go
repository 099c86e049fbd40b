package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// RefundUndo records that a booked refund did not take the money back
// after all: a refund that failed or was cancelled, a dispute the merchant
// won, a chargeback reversed. The refund row stays as it was; the
// commission it reversed comes back as a new ledger entry.
type RefundUndo struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;index" json:"account_id"`
	ConnectionID uint64    `gorm:"not null;index" json:"connection_id"`
	RefundID     uint64    `gorm:"not null;uniqueIndex" json:"refund_id"`
	Reason       string    `json:"reason,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// UndoRefund undoes the refund r names (by ExternalID and OrderExternalID)
// for reason: the commission it took back is restored by a positive entry
// (before payout with the accrual's status and hold; after payout a
// payable adjustment), and a reversed conversion is live again. A refund
// still held for its order is dropped. A refund never booked, or already
// undone, changes nothing.
func (s *Store) UndoRefund(ctx context.Context, connectionID uint64, r platforms.Refund, reason string) error {
	if r.ExternalID == "" || r.OrderExternalID == "" {
		return wrapErr("undo refund", invalidf("refund to undo needs an id and an order id"))
	}
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return wrapErr("undo refund", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "order", strconv.FormatUint(conn.ID, 10), r.OrderExternalID); err != nil {
			return err
		}
		var ref Refund
		err := tx.Where("connection_id = ? AND external_refund_id = ? AND external_order_id = ?",
			conn.ID, r.ExternalID, r.OrderExternalID).Take(&ref).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // never booked: nothing to undo
		}
		if err != nil {
			return err
		}
		undo := RefundUndo{AccountID: conn.AccountID, ConnectionID: conn.ID, RefundID: ref.ID, Reason: reason}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&undo)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // already undone
		}
		if ref.AppliedAt == nil {
			// Held for its order: marked applied, to nothing, so it never is.
			return tx.Model(&Refund{}).Where("id = ?", ref.ID).Update("applied_at", s.now()).Error
		}
		if ref.ConversionID == nil {
			return nil
		}
		var conv Conversion
		if err := s.forUpdate(tx).Where("id = ?", *ref.ConversionID).Take(&conv).Error; err != nil {
			return err
		}
		return s.restoreRefund(tx, &conv, &ref, reason)
	})
	if err != nil {
		return fmt.Errorf("models: undo refund %s: %w", r.ExternalID, err)
	}
	return nil
}

// restoreRefund recomputes what the conversion's remaining refunds take
// back, round(commission × refunded / subtotal) as applyRefund does, and
// books the difference back.
func (s *Store) restoreRefund(tx *gorm.DB, conv *Conversion, ref *Refund, reason string) error {
	refunded, left, err := refundedStill(tx, conv)
	if err != nil {
		return err
	}
	target := int64(0)
	switch {
	case conv.Subtotal > 0:
		target = currency.MulDiv(conv.Commission, refunded, conv.Subtotal)
	case left > 0:
		target = conv.Commission
	}
	lines, err := loadConversionLines(tx, conv.ID)
	if err != nil {
		return err
	}
	if len(lines) > 0 {
		if target, err = s.reverseLines(tx, conv, lines, nil); err != nil {
			return err
		}
	}
	// (For an order booked by line, the undo can also take back a unit more:
	// each line rounds its own share.)
	if delta := conv.ReversedCommission - target; delta != 0 && conv.AffiliateID != nil {
		if err := s.bookRestore(tx, conv, ref, delta, reason); err != nil {
			return err
		}
	}
	updates := map[string]any{"refunded_subtotal": refunded, "reversed_commission": target}
	if conv.Status == ConversionReversed && refunded < conv.Subtotal {
		status, err := s.liveStatus(tx, conv)
		if err != nil {
			return err
		}
		updates["status"] = status
	}
	return tx.Model(&Conversion{}).Where("id = ?", conv.ID).Updates(updates).Error
}

// remainingRefunds are the conversion's applied refunds not undone, in its
// currency.
func remainingRefunds(tx *gorm.DB, conv *Conversion) ([]Refund, error) {
	var refs []Refund
	err := tx.Where("conversion_id = ? AND applied_at IS NOT NULL AND (currency = ? OR currency = '')", conv.ID, conv.Currency).
		Where("id NOT IN (?)", tx.Model(&RefundUndo{}).Select("refund_id").Where("connection_id = ?", conv.ConnectionID)).
		Find(&refs).Error
	return refs, err
}

// refundedStill is the subtotal the remaining refunds give back, capped at
// the conversion's subtotal (all of it when one of them is full), and how
// many refunds remain.
func refundedStill(tx *gorm.DB, conv *Conversion) (refunded int64, left int, err error) {
	refs, err := remainingRefunds(tx, conv)
	if err != nil {
		return 0, 0, err
	}
	for i := range refs {
		if refs[i].Full {
			return conv.Subtotal, len(refs), nil
		}
		refunded += refundedGoods(conv, &refs[i])
	}
	return min(refunded, conv.Subtotal), len(refs), nil
}

// liveStatus is the status a conversion no longer fully reversed takes
// back: its accrual's.
func (s *Store) liveStatus(tx *gorm.DB, conv *Conversion) (string, error) {
	var accrual LedgerEntry
	err := tx.Where("conversion_id = ? AND kind = ?", conv.ID, EntryAccrual).Take(&accrual).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ConversionPending, nil
	}
	if err != nil {
		return "", err
	}
	switch accrual.Status {
	case EntryPaid:
		return ConversionPaid, nil
	case EntryApproved:
		return ConversionApproved, nil
	}
	return ConversionPending, nil
}

// bookRestore writes the positive entry giving delta back: an adjustment
// with the accrual's status and hold, or, once the accrual was paid (the
// refund was a clawback), payable at once.
func (s *Store) bookRestore(tx *gorm.DB, conv *Conversion, ref *Refund, delta int64, reason string) error {
	var accrual LedgerEntry
	err := s.forUpdate(tx).Where("conversion_id = ? AND kind = ?", conv.ID, EntryAccrual).Take(&accrual).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	key := "undo:" + strconv.FormatUint(ref.ID, 10)
	e := LedgerEntry{
		AccountID: conv.AccountID, AffiliateID: accrual.AffiliateID, ConversionID: &conv.ID,
		RefundID: &ref.ID, Kind: EntryAdjustment, Amount: delta, Currency: conv.Currency,
		Status: accrual.Status, AvailableAt: accrual.AvailableAt, DedupKey: &key,
		Note: "restored: " + reason,
	}
	if accrual.Status == EntryPaid {
		e.Status, e.AvailableAt = EntryApproved, s.now()
	}
	return tx.Create(&e).Error
}

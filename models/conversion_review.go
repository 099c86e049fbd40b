package models

import (
	"context"
	"strconv"

	"gorm.io/gorm"

	"codecredit/platforms/currency"
)

// Review is the merchant's decision on a flagged self-referral.
type Review struct {
	Conversion *Conversion   `json:"conversion"`
	Audit      *LedgerAudit  `json:"audit"`
	Entries    []LedgerEntry `json:"entries"` // what the decision booked (none for a rejection)
}

// ApproveFlagged pays a flagged self-referral after all: its commission is
// booked as it would have been when the order arrived (the affiliate's
// rule on the order subtotal, held until the conversion's approve date,
// less what refunds already took back), as its own ledger entries, and the
// decision is audited. A conversion already reviewed is ErrConflict and
// books nothing; one that is not flagged is ErrConflict too.
func (s *Store) ApproveFlagged(ctx context.Context, accountID, conversionID uint64, h HandChange) (*Review, error) {
	return s.review(ctx, accountID, conversionID, AuditApprove, h)
}

// RejectFlagged keeps a flagged self-referral out of the balance for good
// and records the decision; like ApproveFlagged it happens once.
func (s *Store) RejectFlagged(ctx context.Context, accountID, conversionID uint64, h HandChange) (*Review, error) {
	return s.review(ctx, accountID, conversionID, AuditReject, h)
}

func (s *Store) review(ctx context.Context, accountID, conversionID uint64, action string, h HandChange) (*Review, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	var out *Review
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var conv Conversion
		if err := first(s.forUpdate(tx), &conv, "conversion", "id = ? AND account_id = ?", conversionID, accountID); err != nil {
			return err
		}
		if err := checkReviewable(tx, &conv); err != nil {
			return err
		}
		key := "review:" + strconv.FormatUint(conv.ID, 10)
		a := &LedgerAudit{AccountID: accountID, Action: action, AffiliateID: *conv.AffiliateID,
			ConversionID: &conv.ID, Currency: conv.Currency, ReviewKey: &key}
		out = &Review{Conversion: &conv, Audit: a, Entries: []LedgerEntry{}}
		if action == AuditApprove {
			entries, err := s.bookApproval(tx, &conv, h.Reason)
			if err != nil {
				return err
			}
			out.Entries = entries
			a.Amount = conv.Commission - conv.ReversedCommission
			if len(entries) > 0 {
				a.LedgerEntryID = &entries[0].ID
			}
		}
		return s.audit(tx, a, h)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkReviewable refuses a conversion that is not an unreviewed flagged
// self-referral.
func checkReviewable(tx *gorm.DB, conv *Conversion) error {
	var done []LedgerAudit
	err := tx.Where("account_id = ? AND conversion_id = ? AND action IN ?", conv.AccountID, conv.ID,
		[]string{AuditApprove, AuditReject}).Limit(1).Find(&done).Error
	switch {
	case err != nil:
		return err
	case len(done) > 0 && done[0].Action == AuditApprove:
		return conflictf("this conversion was already approved on %s by %s", done[0].CreatedAt.Format("2006-01-02"), done[0].Actor)
	case len(done) > 0:
		return conflictf("this conversion was already rejected on %s by %s", done[0].CreatedAt.Format("2006-01-02"), done[0].Actor)
	case conv.Status != ConversionFlagged || conv.AffiliateID == nil:
		return conflictf("only a flagged self-referral can be approved or rejected; this conversion is %s", conv.Status)
	}
	return nil
}

// bookApproval books an approved self-referral's commission: the accrual
// the order would have booked and, when refunds came before the
// approval, the reversal they would have booked.
func (s *Store) bookApproval(tx *gorm.DB, conv *Conversion, reason string) ([]LedgerEntry, error) {
	rule, _, err := effectiveRule(tx, conv.AccountID, *conv.AffiliateID, nil)
	if err != nil {
		return nil, err
	}
	conv.Commission = rule.Commission(conv.Subtotal, conv.Currency)
	conv.CommissionNote = rule.CommissionNote(conv.Subtotal, conv.Currency)
	conv.ReversedCommission = 0
	if conv.Subtotal > 0 && conv.RefundedSubtotal > 0 {
		conv.ReversedCommission = currency.MulDiv(conv.Commission, min(conv.RefundedSubtotal, conv.Subtotal), conv.Subtotal)
	}
	if err := approvedLines(tx, conv); err != nil {
		return nil, err
	}
	entryStatus := LedgerStatus(EntryPending)
	conv.Status = ConversionPending
	if !conv.ApproveAt.After(s.now()) {
		entryStatus, conv.Status = EntryApproved, ConversionApproved
	}
	if conv.RefundedSubtotal >= conv.Subtotal && conv.RefundedSubtotal > 0 {
		conv.Status = ConversionReversed
	}
	conv.FlagReason = ""
	err = tx.Model(&Conversion{}).Where("id = ?", conv.ID).Updates(map[string]any{
		"status": conv.Status, "commission": conv.Commission, "commission_note": conv.CommissionNote,
		"reversed_commission": conv.ReversedCommission, "flag_reason": "", "updated_at": s.now()}).Error
	if err != nil || conv.Commission == 0 {
		return []LedgerEntry{}, err
	}
	id := strconv.FormatUint(conv.ID, 10)
	note := "self-referral approved by hand: " + reason
	accrualKey, reversalKey := "accrual:"+id, "review:"+id+":refunds"
	entries := []LedgerEntry{{AccountID: conv.AccountID, AffiliateID: *conv.AffiliateID, ConversionID: &conv.ID,
		Kind: EntryAccrual, Amount: conv.Commission, Currency: conv.Currency, Status: entryStatus,
		AvailableAt: conv.ApproveAt, DedupKey: &accrualKey, Note: note}}
	if conv.ReversedCommission > 0 {
		entries = append(entries, LedgerEntry{AccountID: conv.AccountID, AffiliateID: *conv.AffiliateID,
			ConversionID: &conv.ID, Kind: EntryReversal, Amount: -conv.ReversedCommission, Currency: conv.Currency,
			Status: entryStatus, AvailableAt: conv.ApproveAt, DedupKey: &reversalKey,
			Note: "refunded before the approval"})
	}
	for i := range entries {
		if err := tx.Create(&entries[i]).Error; err != nil {
			return nil, err
		}
	}
	return entries, nil
}

// approvedLines sets an approved conversion's commission from its lines,
// when it has any: what each line would have earned when the order was
// booked, less what its refunds took back.
func approvedLines(tx *gorm.DB, conv *Conversion) error {
	lines, err := loadConversionLines(tx, conv.ID)
	if err != nil || len(lines) == 0 {
		return err
	}
	conv.Commission, conv.ReversedCommission = 0, 0
	for _, l := range lines {
		conv.Commission += l.Commission
		conv.ReversedCommission += l.ReversedCommission
	}
	conv.CommissionNote = ""
	return nil
}

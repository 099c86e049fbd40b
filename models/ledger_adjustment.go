package models

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// Adjustment is a signed amount the merchant adds to an affiliate's
// balance by hand: a bonus (positive) or a correction (either sign).
type Adjustment struct {
	AffiliateID uint64
	Amount      int64  // minor units, not zero
	Currency    string // the account's when empty
	HandChange
}

// CreateAdjustment books an adjustment as an approved (payable) ledger
// entry and audits it. It counts in balances and payouts like any entry.
// An adjustment already made with the same key is returned as it is, with
// created false, and nothing new is booked.
func (s *Store) CreateAdjustment(ctx context.Context, accountID uint64, in Adjustment) (e *LedgerEntry, created bool, err error) {
	if err := in.check(); err != nil {
		return nil, false, wrapErr("create adjustment", err)
	}
	if in.Amount == 0 {
		return nil, false, wrapErr("create adjustment", invalidf("amount must not be zero"))
	}
	if err := CheckAmount("amount", abs(in.Amount)); err != nil {
		return nil, false, wrapErr("create adjustment", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		e, created = nil, false
		prior, err := s.priorHandChange(tx, accountID, AuditAdjustment, in.Key)
		if err != nil || prior != nil {
			if prior != nil && prior.LedgerEntryID != nil {
				e = &LedgerEntry{}
				err = tx.Take(e, *prior.LedgerEntryID).Error
			}
			return err
		}
		created = true
		aff, cur, err := s.handTarget(tx, accountID, in.AffiliateID, in.Currency)
		if err != nil {
			return err
		}
		now := s.now()
		e = &LedgerEntry{AccountID: accountID, AffiliateID: aff.ID, Kind: EntryAdjustment, Amount: in.Amount,
			Currency: cur, Status: EntryApproved, AvailableAt: now, Note: in.Reason}
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		return s.audit(tx, &LedgerAudit{AccountID: accountID, Action: AuditAdjustment, AffiliateID: aff.ID,
			LedgerEntryID: &e.ID, Amount: in.Amount, Currency: cur}, in.HandChange)
	})
	if err != nil {
		return nil, false, wrapErr("create adjustment", err)
	}
	return e, created, nil
}

// handTarget loads the affiliate of a change by hand and settles its
// currency (the account's when empty).
func (s *Store) handTarget(tx *gorm.DB, accountID, affiliateID uint64, currency string) (*Affiliate, string, error) {
	var aff Affiliate
	if affiliateID == 0 {
		return nil, "", invalidf("affiliate_id is required")
	}
	if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, "", invalidf("affiliate %d does not exist", affiliateID)
		}
		return nil, "", err
	}
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" {
		var a Account
		if err := tx.Take(&a, accountID).Error; err != nil {
			return nil, "", err
		}
		currency = a.Currency
	}
	if !ValidCurrency(currency) {
		return nil, "", invalidf("currency %q is not an ISO 4217 code", currency)
	}
	return &aff, currency, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

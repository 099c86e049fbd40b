// Payouts: a payout pays an affiliate's approved balance in one currency
// and marks the entries it covers paid; a payout run (payout_run.go) pays
// everyone at once, payout_detail.go shows what one payout covered.

package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Payout is money sent to one affiliate in one currency.
type Payout struct {
	ID          uint64    `gorm:"primaryKey" json:"id"`
	AccountID   uint64    `gorm:"not null;index" json:"account_id"`
	AffiliateID uint64    `gorm:"not null;index" json:"affiliate_id"`
	Amount      int64     `gorm:"not null" json:"amount"`
	Currency    string    `gorm:"size:3;not null" json:"currency"`
	Reference   string    `json:"reference,omitempty"`
	EntryCount  int       `gorm:"not null" json:"entry_count"`
	PaidAt      time.Time `gorm:"not null" json:"paid_at"`
	// RunID is the "pay everyone payable" run that made it, if one did.
	RunID  *uint64 `gorm:"index" json:"run_id,omitempty"`
	Method string  `gorm:"not null;default:''" json:"method,omitempty"`
	// Carried is the (negative) sum of clawbacks from earlier payouts that
	// this payout nets: Amount is what was earned plus Carried.
	Carried int64 `gorm:"not null;default:0" json:"carried"`
	// PeriodStart and PeriodEnd are when the orders it covers were placed.
	PeriodStart *time.Time `json:"period_start,omitempty"`
	PeriodEnd   *time.Time `json:"period_end,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	// Status is where the money stands (payout_status.go): paid, queued,
	// sending, unclaimed, failed or returned. A payout recorded by hand is
	// paid.
	Status string `gorm:"-" json:"status,omitempty"`
	// SettledAt is when the platform confirmed the payment or its failure;
	// PaidAt is when the payout was made.
	SettledAt *time.Time `gorm:"-" json:"settled_at,omitempty"`
	// StatusReason is the platform's reason for a payout not paid.
	StatusReason string `gorm:"-" json:"status_reason,omitempty"`
}

// CreatePayout marks an affiliate's approved balance in currency as paid:
// every approved entry moves to paid under one Payout, and a payout entry
// records the money sent. Nothing approved (or a net clawback) is ErrInvalid.
func (s *Store) CreatePayout(ctx context.Context, accountID, affiliateID uint64, currency, reference string) (*Payout, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if !ValidCurrency(currency) {
		return nil, wrapErr("create payout", invalidf("currency %q is not an ISO 4217 code", currency))
	}
	var p *Payout
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		if err := s.lockKey(tx, "payout", strconv.FormatUint(affiliateID, 10)); err != nil {
			return err
		}
		var entries []LedgerEntry
		err := s.forUpdate(tx).Where("account_id = ? AND affiliate_id = ? AND currency = ? AND status = ? AND kind <> ?",
			accountID, affiliateID, currency, EntryApproved, EntryPayout).Find(&entries).Error
		if err != nil {
			return err
		}
		if p, err = s.payEntries(tx, &aff, currency, reference, entries); err != nil {
			return err
		}
		return emitHooks(tx, nil, s.now(), payoutHook(HookPayoutPaid, p, "", ""))
	})
	if err != nil {
		return nil, fmt.Errorf("models: create payout: %w", err)
	}
	settled := p.PaidAt
	p.Status, p.SettledAt = ItemPaid, &settled // recorded by hand: paid now
	return p, nil
}

func (s *Store) payEntries(tx *gorm.DB, aff *Affiliate, currency, reference string, entries []LedgerEntry) (*Payout, error) {
	var total int64
	ids := make([]uint64, 0, len(entries))
	convIDs := []uint64{}
	for _, e := range entries {
		total += e.Amount
		ids = append(ids, e.ID)
		if e.ConversionID != nil && e.Kind == EntryAccrual {
			convIDs = append(convIDs, *e.ConversionID)
		}
	}
	if total <= 0 {
		return nil, invalidf("%s has no approved %s balance to pay (approved: %s)", aff.Name, currency, FormatMinor(total, currency))
	}
	now := s.now()
	p := &Payout{AccountID: aff.AccountID, AffiliateID: aff.ID, Amount: total, Currency: currency,
		Reference: strings.TrimSpace(reference), EntryCount: len(entries), PaidAt: now}
	if err := s.coverPayout(tx, p, entries); err != nil {
		return nil, err
	}
	if err := tx.Create(p).Error; err != nil {
		return nil, err
	}
	if err := tx.Model(&LedgerEntry{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": EntryPaid, "payout_id": p.ID, "updated_at": now}).Error; err != nil {
		return nil, err
	}
	key := "payout:" + strconv.FormatUint(p.ID, 10)
	entry := LedgerEntry{AccountID: aff.AccountID, AffiliateID: aff.ID, PayoutID: &p.ID, Kind: EntryPayout,
		Amount: -total, Currency: currency, Status: EntryPaid, AvailableAt: now, DedupKey: &key, Note: p.Reference}
	if err := tx.Create(&entry).Error; err != nil {
		return nil, err
	}
	if len(convIDs) == 0 {
		return p, nil
	}
	return p, tx.Model(&Conversion{}).Where("id IN ? AND status = ?", convIDs, ConversionApproved).
		Updates(map[string]any{"status": ConversionPaid, "updated_at": now}).Error
}

// ListPayouts lists an account's payouts, newest first.
func (s *Store) ListPayouts(ctx context.Context, accountID uint64) ([]Payout, error) {
	var out []Payout
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Limit(1000).Find(&out).Error
	if err == nil {
		err = s.fillPayoutStatus(ctx, accountID, out)
	}
	if err != nil {
		return out, fmt.Errorf("models: list payouts: %w", err)
	}
	return out, nil
}

// GetPayout loads one payout of the account.
func (s *Store) GetPayout(ctx context.Context, accountID, id uint64) (*Payout, error) {
	var p Payout
	err := first(s.db.WithContext(ctx), &p, "payout", "id = ? AND account_id = ?", id, accountID)
	one := []Payout{p}
	if err == nil {
		err = s.fillPayoutStatus(ctx, accountID, one)
	}
	if err != nil {
		return nil, fmt.Errorf("models: get payout: %w", err)
	}
	return &one[0], nil
}

package models

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Ledger entry kinds.
const (
	EntryAccrual    = "accrual"    // commission booked for a conversion
	EntryReversal   = "reversal"   // commission taken back before payout
	EntryAdjustment = "adjustment" // after payout (clawback) or by hand
	EntryPayout     = "payout"     // money sent to the affiliate
)

// LedgerStatus is where a ledger entry's money stands (LedgerEntry.Status).
type LedgerStatus string

// Ledger entry statuses, the values of LedgerStatus. They are untyped so
// SQL text and plain-string filters can use them as they are.
const (
	EntryPending  = "pending"  // booked, still in its hold period
	EntryApproved = "approved" // hold over: payable at the next payout
	EntryPaid     = "paid"     // included in a payout
)

// LedgerEntry is one append-only line of an affiliate's account. Amounts
// are never edited: only Status moves forward (pending → approved → paid).
// DedupKey makes each booking happen at most once.
type LedgerEntry struct {
	ID           uint64       `gorm:"primaryKey" json:"id"`
	AccountID    uint64       `gorm:"not null;uniqueIndex:idx_ledger_dedup;index:idx_ledger_balance" json:"account_id"`
	AffiliateID  uint64       `gorm:"not null;index:idx_ledger_balance" json:"affiliate_id"`
	ConversionID *uint64      `gorm:"index" json:"conversion_id,omitempty"`
	RefundID     *uint64      `json:"refund_id,omitempty"`
	PayoutID     *uint64      `gorm:"index" json:"payout_id,omitempty"`
	Kind         string       `gorm:"size:16;not null" json:"kind"`
	Amount       int64        `gorm:"not null" json:"amount"`
	Currency     string       `gorm:"size:3;not null" json:"currency"`
	Status       LedgerStatus `gorm:"size:16;not null;index:idx_ledger_status_available" json:"status"`
	AvailableAt  time.Time    `gorm:"not null;index:idx_ledger_status_available" json:"available_at"`
	DedupKey     *string      `gorm:"uniqueIndex:idx_ledger_dedup" json:"-"`
	Note         string       `json:"note,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Balance is one affiliate's commission in one currency, by status.
type Balance struct {
	AffiliateID    uint64 `json:"affiliate_id"`
	AffiliateName  string `json:"affiliate_name"`
	AffiliateEmail string `json:"affiliate_email"`
	Currency       string `json:"currency"`
	Pending        int64  `json:"pending"`
	Approved       int64  `json:"approved"`
	Paid           int64  `json:"paid"`
	// NextPayableAt is when the earliest pending commission's hold ends
	// and it becomes payable; nil when nothing is pending.
	NextPayableAt *time.Time `json:"next_payable_at"`
}

// ApproveMatured moves pending entries whose hold period is over to
// approved, and their conversions with them. It returns how many entries moved.
func (s *Store) ApproveMatured(ctx context.Context) (int64, error) {
	return s.approveMatured(ctx, 0)
}

// ApproveMaturedFor is ApproveMatured for one account, at the merchant's
// request (the worker also runs it for everyone periodically).
func (s *Store) ApproveMaturedFor(ctx context.Context, accountID uint64) (int64, error) {
	if accountID == 0 {
		return 0, wrapErr("approve matured for", invalidf("no account"))
	}
	return s.approveMatured(ctx, accountID)
}

func (s *Store) approveMatured(ctx context.Context, accountID uint64) (int64, error) {
	now := s.now()
	scope := func(tx *gorm.DB) *gorm.DB {
		if accountID != 0 {
			return tx.Where("account_id = ?", accountID)
		}
		return tx
	}
	var moved int64
	// Conversions first, then entries: the same lock order as refunds.
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := emitApprovals(tx, accountID, now); err != nil {
			return err
		}
		err := scope(tx.Model(&Conversion{})).Where("status = ? AND approve_at <= ?", ConversionPending, now).
			Updates(map[string]any{"status": ConversionApproved, "updated_at": now}).Error
		if err != nil {
			return err
		}
		res := scope(tx.Model(&LedgerEntry{})).Where("status = ? AND available_at <= ?", EntryPending, now).
			Updates(map[string]any{"status": EntryApproved, "updated_at": now})
		moved = res.RowsAffected
		return res.Error
	})
	return moved, err
}

// Balances sums the ledger per affiliate and currency. affiliateID 0 means all.
func (s *Store) Balances(ctx context.Context, accountID, affiliateID uint64) ([]Balance, error) {
	type row struct {
		AffiliateID uint64
		Name, Email string
		Currency    string
		Status      string
		Sum         int64
	}
	q := s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("ledger_entries.affiliate_id, COALESCE(affiliates.name, '') AS name, COALESCE(affiliates.email, '') AS email, "+
			"ledger_entries.currency, ledger_entries.status, SUM(ledger_entries.amount) AS sum").
		Joins("LEFT JOIN affiliates ON affiliates.id = ledger_entries.affiliate_id AND affiliates.account_id = ledger_entries.account_id").
		Where("ledger_entries.account_id = ? AND ledger_entries.kind <> ?", accountID, EntryPayout)
	if affiliateID != 0 {
		q = q.Where("ledger_entries.affiliate_id = ?", affiliateID)
	}
	var rows []row
	err := q.Group("ledger_entries.affiliate_id, affiliates.name, affiliates.email, ledger_entries.currency, ledger_entries.status").
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: balances: %w", err)
	}
	byKey := map[string]*Balance{}
	var out []*Balance
	for _, r := range rows {
		k := strconv.FormatUint(r.AffiliateID, 10) + "/" + r.Currency
		b := byKey[k]
		if b == nil {
			b = &Balance{AffiliateID: r.AffiliateID, AffiliateName: r.Name, AffiliateEmail: r.Email, Currency: r.Currency}
			byKey[k] = b
			out = append(out, b)
		}
		switch r.Status {
		case EntryPending:
			b.Pending += r.Sum
		case EntryApproved:
			b.Approved += r.Sum
		case EntryPaid:
			b.Paid += r.Sum
		}
	}
	if err := s.fillNextPayable(ctx, accountID, affiliateID, out); err != nil {
		return nil, fmt.Errorf("models: balances: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AffiliateID != out[j].AffiliateID {
			return out[i].AffiliateID < out[j].AffiliateID
		}
		return out[i].Currency < out[j].Currency
	})
	res := make([]Balance, len(out))
	for i, b := range out {
		res[i] = *b
	}
	return res, nil
}

package models

import "time"

// Ledger entry kinds.
const (
	EntryAccrual    = "accrual"    // commission booked for a conversion
	EntryReversal   = "reversal"   // commission taken back before payout
	EntryAdjustment = "adjustment" // after payout (clawback) or by hand
	EntryPayout     = "payout"     // money sent to the affiliate
)

// Ledger entry statuses.
const (
	EntryPending  = "pending"
	EntryApproved = "approved"
	EntryPaid     = "paid"
)

// LedgerEntry is one append-only line of an affiliate's account. Amounts
// are never edited: only Status moves forward (pending → approved → paid).
// DedupKey makes each booking happen at most once.
type LedgerEntry struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;uniqueIndex:idx_ledger_dedup;index:idx_ledger_balance" json:"account_id"`
	AffiliateID  uint64    `gorm:"not null;index:idx_ledger_balance" json:"affiliate_id"`
	ConversionID *uint64   `gorm:"index" json:"conversion_id,omitempty"`
	RefundID     *uint64   `json:"refund_id,omitempty"`
	PayoutID     *uint64   `gorm:"index" json:"payout_id,omitempty"`
	Kind         string    `gorm:"size:16;not null" json:"kind"`
	Amount       int64     `gorm:"not null" json:"amount"`
	Currency     string    `gorm:"size:3;not null" json:"currency"`
	Status       string    `gorm:"size:16;not null;index:idx_ledger_status_available" json:"status"`
	AvailableAt  time.Time `gorm:"not null;index:idx_ledger_status_available" json:"available_at"`
	DedupKey     *string   `gorm:"uniqueIndex:idx_ledger_dedup" json:"-"`
	Note         string    `json:"note,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

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
	CreatedAt   time.Time `json:"created_at"`
}

package models

import (
	"context"
	"time"
)

// Balance is one affiliate's commission in one currency, by status.
type Balance struct {
	AffiliateID uint64 `json:"affiliate_id"`
	Currency    string `json:"currency"`
	Pending     int64  `json:"pending"`
	Approved    int64  `json:"approved"`
	Paid        int64  `json:"paid"`
}

// ApproveMatured moves pending entries whose hold period is over to
// approved, and their conversions with them. It returns how many entries moved.
func (s *Store) ApproveMatured(ctx context.Context) (int64, error) {
	panic("models: ApproveMatured lands with the ledger")
}

// Balances sums the ledger per affiliate and currency. affiliateID 0 means all.
func (s *Store) Balances(ctx context.Context, accountID, affiliateID uint64) ([]Balance, error) {
	panic("models: Balances lands with the ledger")
}

// CreatePayout marks an affiliate's approved balance in currency as paid.
func (s *Store) CreatePayout(ctx context.Context, accountID, affiliateID uint64, currency, reference string) (*Payout, error) {
	panic("models: CreatePayout lands with the ledger")
}

// ListPayouts lists an account's payouts, newest first.
func (s *Store) ListPayouts(ctx context.Context, accountID uint64) ([]Payout, error) {
	panic("models: ListPayouts lands with the ledger")
}

// ConversionFilter narrows ListConversions.
type ConversionFilter struct {
	Status      string
	AffiliateID uint64
	Page        int // 1-based
	PerPage     int
}

// ListConversions lists an account's conversions, newest first, with the total count.
func (s *Store) ListConversions(ctx context.Context, accountID uint64, f ConversionFilter) ([]Conversion, int64, error) {
	panic("models: ListConversions lands with the ledger")
}

// DaySummary is one day of an account's results.
type DaySummary struct {
	Day         string `json:"day"` // YYYY-MM-DD, UTC
	Currency    string `json:"currency"`
	Conversions int64  `json:"conversions"`
	Sales       int64  `json:"sales"`
	Commission  int64  `json:"commission"`
}

// Summary returns sales, commission and conversions per day in [from, to).
func (s *Store) Summary(ctx context.Context, accountID uint64, from, to time.Time) ([]DaySummary, error) {
	panic("models: Summary lands with the ledger")
}

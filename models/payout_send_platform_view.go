package models

import (
	"context"
	"time"
)

// PlatformItemView is one payout of a Stripe or store-credit run as the
// merchant sees it.
type PlatformItemView struct {
	PayoutID      uint64 `json:"payout_id"`
	AffiliateID   uint64 `json:"affiliate_id"`
	AffiliateName string `json:"affiliate_name"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	State         string `json:"state"` // prepared, sent, paid, failed
	// PlatformStatus is "paid" or the platform's refusal code
	// (balance_insufficient, OWNER_NOT_FOUND, …).
	PlatformStatus string `json:"platform_status,omitempty"`
	// PlatformID is the Stripe transfer or the store credit transaction.
	PlatformID string    `json:"platform_id,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Key        string    `json:"key"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"last_error,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// PlatformRunView is a Stripe or store-credit run with each payout's state,
// who it left out, and the totals by state (minor units).
type PlatformRunView struct {
	PayoutRun
	Items   []PlatformItemView `json:"items"`
	Skipped []PayoutRunSkip    `json:"skipped"`
	RunTotals
}

// GetPlatformRun loads one Stripe or store-credit run of the account.
func (s *Store) GetPlatformRun(ctx context.Context, accountID, runID uint64) (*PlatformRunView, error) {
	var run PayoutRun
	db := s.db.WithContext(ctx)
	if err := first(db, &run, "payout run", "id = ? AND account_id = ? AND method IN ?", runID, accountID,
		[]string{MethodStripeConnect, MethodStoreCredit}); err != nil {
		return nil, wrapErr("get platform run", err)
	}
	v := &PlatformRunView{PayoutRun: run, Items: []PlatformItemView{}, Skipped: []PayoutRunSkip{}}
	err := db.Model(&PayoutSendItem{}).
		Select("payout_send_items.payout_id, payout_send_items.affiliate_id, COALESCE(affiliates.name, '') AS affiliate_name, "+
			"payout_send_items.amount, payout_send_items.currency, payout_send_items.state, "+
			"payout_send_items.platform_state AS platform_status, payout_send_items.platform_id, payout_send_items.reason, "+
			"payout_platform_items.key, payout_platform_items.attempts, payout_platform_items.last_error, payout_send_items.updated_at").
		Joins("JOIN payout_platform_items ON payout_platform_items.payout_id = payout_send_items.payout_id").
		Joins("LEFT JOIN affiliates ON affiliates.id = payout_send_items.affiliate_id AND affiliates.account_id = payout_send_items.account_id").
		Where("payout_send_items.run_id = ? AND payout_send_items.account_id = ?", runID, accountID).
		Order("payout_send_items.payout_id").Scan(&v.Items).Error
	if err != nil {
		return nil, wrapErr("get platform run", err)
	}
	for i, it := range v.Items {
		if v.add(it.State, it.Amount) {
			v.Items[i].LastError = "" // settled: an error met on the way no longer matters
		}
	}
	err = db.Where("run_id = ? AND account_id = ?", runID, accountID).Order("id").Find(&v.Skipped).Error
	return v, wrapErr("get platform run", err)
}

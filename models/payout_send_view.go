package models

import (
	"context"
	"time"
)

// PayPalItemView is one payout of a PayPal run as the merchant sees it.
type PayPalItemView struct {
	PayoutID      uint64    `json:"payout_id"`
	AffiliateID   uint64    `json:"affiliate_id"`
	AffiliateName string    `json:"affiliate_name"`
	Amount        int64     `json:"amount"`
	Currency      string    `json:"currency"`
	State         string    `json:"state"`                    // prepared, sent, paid, failed
	PayPalStatus  string    `json:"paypal_status,omitempty"`  // SUCCESS, UNCLAIMED, RETURNED, …
	PayPalItemID  string    `json:"paypal_item_id,omitempty"` // payout_item_id
	Reason        string    `json:"reason,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// PayPalRunView is a PayPal run with its batch and per-item states, and
// the totals by state.
type PayPalRunView struct {
	PayoutRun
	Send  PayoutSend       `json:"send"`
	Items []PayPalItemView `json:"items"`
	RunTotals
}

// RunTotals sum a platform run's items by state (minor units): paid,
// waiting on the platform, and returned to the balance.
type RunTotals struct {
	Paid     int64 `json:"paid"`
	Waiting  int64 `json:"waiting"`
	Returned int64 `json:"returned"`
}

// add counts an item of amount in state and reports whether it is settled
// (paid or returned).
func (t *RunTotals) add(state string, amount int64) bool {
	switch state {
	case SendPaid:
		t.Paid += amount
	case SendFailed:
		t.Returned += amount
	default:
		t.Waiting += amount
		return false
	}
	return true
}

// GetPayPalRun loads one PayPal run of the account with its items.
func (s *Store) GetPayPalRun(ctx context.Context, accountID, runID uint64) (*PayPalRunView, error) {
	var run PayoutRun
	db := s.db.WithContext(ctx)
	if err := first(db, &run, "payout run", "id = ? AND account_id = ?", runID, accountID); err != nil {
		return nil, wrapErr("get paypal run", err)
	}
	v := &PayPalRunView{PayoutRun: run, Items: []PayPalItemView{}}
	if err := first(db, &v.Send, "paypal payout run", "run_id = ? AND account_id = ?", runID, accountID); err != nil {
		return nil, wrapErr("get paypal run", err)
	}
	err := db.Model(&PayoutSendItem{}).
		Select("payout_send_items.payout_id, payout_send_items.affiliate_id, COALESCE(affiliates.name, '') AS affiliate_name, "+
			"payout_send_items.amount, payout_send_items.currency, payout_send_items.state, "+
			"payout_send_items.platform_state AS pay_pal_status, payout_send_items.platform_id AS pay_pal_item_id, "+
			"payout_send_items.reason, payout_send_items.updated_at").
		Joins("LEFT JOIN affiliates ON affiliates.id = payout_send_items.affiliate_id AND affiliates.account_id = payout_send_items.account_id").
		Where("payout_send_items.run_id = ? AND payout_send_items.account_id = ?", runID, accountID).
		Order("payout_send_items.payout_id").Scan(&v.Items).Error
	for _, it := range v.Items {
		v.add(it.State, it.Amount)
	}
	return v, wrapErr("get paypal run", err)
}

// OpenPayPalSends lists the runs whose PayPal send is not done, oldest
// first, for the sweeper that queues their send again.
func (s *Store) OpenPayPalSends(ctx context.Context, limit int) ([]PayoutSend, error) {
	var out []PayoutSend
	err := s.db.WithContext(ctx).Where("state <> ? AND (next_poll_at IS NULL OR next_poll_at <= ?)", BatchDone, s.now()).
		Order("run_id").Limit(limit).Find(&out).Error
	return out, wrapErr("open paypal sends", err)
}

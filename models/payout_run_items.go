// A run's items as the merchant sees them, whatever the method: one row per
// payout with its status in words, the platform's reason, and whether a
// retry can pay it (payout_retry.go makes the retry).

package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Statuses of a run item (RunItem.Status).
const (
	ItemQueued    = "queued"    // stored; the platform does not have it yet
	ItemSending   = "sending"   // the platform has it; not settled
	ItemUnclaimed = "unclaimed" // sent, waiting for the recipient to claim it
	ItemPaid      = "paid"      // the recipient has the money
	ItemFailed    = "failed"    // never paid: the money is back in the balance
	ItemReturned  = "returned"  // came back (returned, refunded, reversed): back in the balance
)

// RunItem is one payout of a run.
type RunItem struct {
	PayoutID       uint64    `json:"payout_id"`
	RunID          uint64    `json:"run_id"`
	AffiliateID    uint64    `json:"affiliate_id"`
	AffiliateName  string    `json:"affiliate_name"`
	Method         string    `json:"method"` // paypal, stripe_connect, store_credit, manual, or the run's own words
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Status         string    `json:"status"`
	PlatformStatus string    `json:"platform_status,omitempty"` // the platform's own word (SUCCESS, RETURNED, …)
	PlatformID     string    `json:"platform_id,omitempty"`     // the platform's id of the item
	Reason         string    `json:"reason,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
	// RetryOf is the failed payout this one retried; RetriedBy the payout
	// that retried this one (it is no longer the latest attempt).
	RetryOf   *uint64 `json:"retry_of,omitempty"`
	RetriedBy *uint64 `json:"retried_by,omitempty"`
	// Retryable says whether "Retry failed items" pays it again now;
	// RetryNote says why not, for a failed item that is not.
	Retryable bool   `json:"retryable"`
	RetryNote string `json:"retry_note,omitempty"`

	state  string // the send item's state ("" for a payout marked paid by hand)
	sealed []byte
}

// StatusTotal is how many latest attempts of a run have a status, and
// their sum.
type StatusTotal struct {
	Count  int   `json:"count"`
	Amount int64 `json:"amount"`
}

// RunItems is a run with every item, retries included, the totals per
// status of the latest attempts, and what a retry would pay.
type RunItems struct {
	PayoutRun
	Send            *PayoutSend            `json:"send,omitempty"`
	Items           []RunItem              `json:"items"`
	Totals          map[string]StatusTotal `json:"totals"`
	RetryableCount  int                    `json:"retryable_count"`
	RetryableAmount int64                  `json:"retryable_amount"`
}

// GetRunItems loads one run of the account with its items; a run that
// retried items of another is shown as part of that one.
func (s *Store) GetRunItems(ctx context.Context, accountID, runID uint64) (*RunItems, error) {
	v, err := s.runItems(s.db.WithContext(ctx), accountID, runID)
	return v, wrapErr("get run items", err)
}

// runItems is GetRunItems inside tx.
func (s *Store) runItems(tx *gorm.DB, accountID, runID uint64) (*RunItems, error) {
	root, err := rootRun(tx, accountID, runID)
	if err != nil {
		return nil, err
	}
	v := &RunItems{Items: []RunItem{}, Totals: map[string]StatusTotal{}}
	if err := first(tx, &v.PayoutRun, "payout run", "id = ? AND account_id = ?", root, accountID); err != nil {
		return nil, err
	}
	v.Payouts = nil
	var sends []PayoutSend
	if err := tx.Where("run_id = ? AND account_id = ?", root, accountID).Limit(1).Find(&sends).Error; err != nil {
		return nil, err
	}
	if len(sends) == 1 {
		v.Send = &sends[0]
	}
	var retries []PayoutRetry
	if err := tx.Where("root_run_id = ? AND account_id = ?", root, accountID).Find(&retries).Error; err != nil {
		return nil, err
	}
	runIDs := []uint64{root}
	for _, r := range retries {
		runIDs = append(runIDs, r.RetryRunID)
	}
	if v.Items, err = loadItems(tx, accountID, runIDs, v.Method); err != nil {
		return nil, err
	}
	retryOf, retriedBy := map[uint64]uint64{}, map[uint64]uint64{}
	for _, r := range retries {
		retryOf[r.PayoutID], retriedBy[r.FailedPayoutID] = r.FailedPayoutID, r.PayoutID
	}
	return v, s.judgeItems(tx, v, retryOf, retriedBy)
}

// rootRun is the run whose items runID retried, or runID itself.
func rootRun(tx *gorm.DB, accountID, runID uint64) (uint64, error) {
	var roots []uint64
	err := tx.Model(&PayoutRetry{}).Where("retry_run_id = ? AND account_id = ?", runID, accountID).Limit(1).Pluck("root_run_id", &roots).Error
	if err != nil || len(roots) == 0 {
		return runID, err
	}
	return roots[0], nil
}

// loadItems reads the payouts of runs with their send state, if any.
func loadItems(tx *gorm.DB, accountID uint64, runIDs []uint64, runMethod string) ([]RunItem, error) {
	type row struct {
		PayoutID, RunID, AffiliateID     uint64
		AffiliateName                    string
		Amount                           int64
		Currency, State, PlatformState   string
		PlatformID, Reason, PayoutMethod string
		Sealed                           []byte
		PaidAt, UpdatedAt                *time.Time
	}
	var rows []row
	err := tx.Table("payouts").
		Select("payouts.id AS payout_id, payouts.run_id, payouts.affiliate_id, COALESCE(affiliates.name, '') AS affiliate_name, "+
			"payouts.amount, payouts.currency, payouts.method AS payout_method, payouts.paid_at, "+
			"COALESCE(payout_send_items.state, '') AS state, COALESCE(payout_send_items.platform_state, '') AS platform_state, "+
			"COALESCE(payout_send_items.platform_id, '') AS platform_id, COALESCE(payout_send_items.reason, '') AS reason, "+
			"payout_send_items.sealed, payout_send_items.updated_at").
		Joins("LEFT JOIN payout_send_items ON payout_send_items.payout_id = payouts.id AND payout_send_items.account_id = payouts.account_id").
		Joins("LEFT JOIN affiliates ON affiliates.id = payouts.affiliate_id AND affiliates.account_id = payouts.account_id").
		Where("payouts.account_id = ? AND payouts.run_id IN ?", accountID, runIDs).Order("payouts.id").Scan(&rows).Error
	out := make([]RunItem, 0, len(rows))
	for _, r := range rows {
		it := RunItem{PayoutID: r.PayoutID, RunID: r.RunID, AffiliateID: r.AffiliateID, AffiliateName: r.AffiliateName,
			Amount: r.Amount, Currency: r.Currency, PlatformStatus: r.PlatformState, PlatformID: r.PlatformID,
			Reason: r.Reason, state: r.State, sealed: r.Sealed, Method: itemMethod(r.State, r.PayoutMethod, runMethod)}
		it.Status = ItemStatus(r.State, r.PlatformState)
		if r.UpdatedAt != nil {
			it.UpdatedAt = *r.UpdatedAt
		} else if r.PaidAt != nil {
			it.UpdatedAt = *r.PaidAt
		}
		out = append(out, it)
	}
	return out, err
}

// itemMethod names how an item is paid.
func itemMethod(state, payoutMethod, runMethod string) string {
	switch {
	case state != "" && (payoutMethod == MethodPayPal || payoutMethod == ""):
		return PayoutPayPal
	case payoutMethod != "":
		return payoutMethod
	case runMethod != "":
		return runMethod
	}
	return PayoutManual
}

// ItemStatus turns a send item's state and the platform's status into
// the item's status; a payout without a send ("") was marked paid by hand.
func ItemStatus(state, platformStatus string) string {
	switch state {
	case "", SendPaid:
		return ItemPaid
	case SendPrepared:
		return ItemQueued
	case SendSent:
		if platformStatus == "UNCLAIMED" {
			return ItemUnclaimed
		}
		return ItemSending
	}
	switch platformStatus {
	case "RETURNED", "REFUNDED", "REVERSED":
		return ItemReturned
	}
	return ItemFailed
}

// NeedsRecipient reports whether the platform's reason is about the
// recipient's account (RECEIVER_UNREGISTERED, RECEIVER_ACCOUNT_LOCKED, …):
// paying the same details again fails again; the affiliate must act.
func NeedsRecipient(platformStatus, reason string) bool {
	return platformStatus == "UNCLAIMED" || platformStatus == "RETURNED" || strings.HasPrefix(reason, "RECEIVER_")
}

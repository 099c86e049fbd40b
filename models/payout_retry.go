// Retrying a run's failed items. Only an item the platform reported not
// paid (its money is back in the balance) is retried, never one whose
// outcome is unknown (queued, sending, unclaimed). A retry is a new PayPal
// run of its own: new payouts, so new sender item ids, and a new batch
// key, sent by the same send job exactly once. A failed payout is retried
// at most once (the primary key of PayoutRetry); a retry that fails can be
// retried in turn.

package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// PayoutRetry links a failed payout to the payout that retried it.
type PayoutRetry struct {
	FailedPayoutID uint64    `gorm:"primaryKey;autoIncrement:false"`
	AccountID      uint64    `gorm:"not null;index"`
	RootRunID      uint64    `gorm:"not null;index"` // the run the merchant retried from
	RetryRunID     uint64    `gorm:"not null;index"`
	PayoutID       uint64    `gorm:"not null;uniqueIndex"`
	CreatedAt      time.Time `gorm:"not null"`
}

// RetryResult is what a retry made.
type RetryResult struct {
	RetryRunID uint64 `json:"retry_run_id"`
	Count      int    `json:"count"`
	Total      int64  `json:"total"`
	Currency   string `json:"currency"`
}

// RetryFailedItems pays again, through PayPal, every item of the account's
// run that a retry can fix (RunItem.Retryable), in a new run stored before
// PayPal is called; the caller queues its send. Nothing to retry is
// ErrConflict: two requests at once retry each item once, the second finds
// nothing left. An account without PayPal credentials is ErrInvalid.
func (s *Store) RetryFailedItems(ctx context.Context, accountID, runID uint64) (*RetryResult, error) {
	if err := first(s.db.WithContext(ctx), &PayoutRun{}, "payout run", "id = ? AND account_id = ?", runID, accountID); err != nil {
		return nil, wrapErr("retry failed items", err)
	}
	if creds, err := s.PayPalCredentials(ctx, accountID); err != nil || creds == nil {
		if err == nil {
			err = invalidf("connect PayPal first: enter the client id and secret of your PayPal REST app")
		}
		return nil, wrapErr("retry failed items", err)
	}
	var res *RetryResult
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "payout-run", strconv.FormatUint(accountID, 10)); err != nil {
			return err
		}
		v, err := s.runItems(tx, accountID, runID)
		if err != nil {
			return err
		}
		res, err = s.retryItems(tx, v)
		return err
	})
	if err != nil {
		return nil, wrapErr("retry failed items", err)
	}
	return res, nil
}

// retryItems makes the retry run of v's retryable items inside tx.
func (s *Store) retryItems(tx *gorm.DB, v *RunItems) (*RetryResult, error) {
	if v.RetryableCount == 0 {
		return nil, conflictf("no item of this run can be retried now")
	}
	var acct Account
	if err := first(tx, &acct, "account", v.AccountID); err != nil {
		return nil, err
	}
	emails, err := s.payPalEmails(tx, v.AccountID)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	run := &PayoutRun{AccountID: v.AccountID, IdempotencyKey: "retry-" + strconv.FormatUint(v.ID, 10) + "-" + hex.EncodeToString(b),
		Currency: v.Currency, MinPayout: acct.MinPayout, Method: MethodPayPal}
	if err := tx.Create(run).Error; err != nil {
		return nil, err
	}
	var items []PayoutSendItem
	for _, it := range v.Items {
		if !it.Retryable {
			continue
		}
		p, err := s.payInRun(tx, &acct, it.AffiliateID, run)
		if err != nil || p == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		sealed, err := s.cipher.Encrypt([]byte(emails[it.AffiliateID]))
		if err != nil {
			return nil, err
		}
		items = append(items, PayoutSendItem{PayoutID: p.ID, RunID: run.ID, AccountID: v.AccountID, AffiliateID: it.AffiliateID,
			Sealed: sealed, Amount: p.Amount, Currency: p.Currency, State: SendPrepared, UpdatedAt: s.now()})
		link := PayoutRetry{FailedPayoutID: it.PayoutID, AccountID: v.AccountID, RootRunID: v.ID, RetryRunID: run.ID, PayoutID: p.ID, CreatedAt: s.now()}
		if err := tx.Create(&link).Error; err != nil {
			return nil, err
		}
		run.PayoutCount++
		run.Total += p.Amount
	}
	if run.PayoutCount == 0 {
		return nil, conflictf("no item of this run can be retried now: the balances were paid since")
	}
	if err := s.storeSend(tx, run, items); err != nil {
		return nil, err
	}
	return &RetryResult{RetryRunID: run.ID, Count: run.PayoutCount, Total: run.Total, Currency: run.Currency}, nil
}

// judgeItems marks retries, sums the latest attempts by status and says
// which failed items a retry can pay now.
func (s *Store) judgeItems(tx *gorm.DB, v *RunItems, retryOf, retriedBy map[uint64]uint64) error {
	var emails map[uint64]string
	var sums map[uint64]int64
	for i := range v.Items {
		it := &v.Items[i]
		if id, ok := retryOf[it.PayoutID]; ok {
			it.RetryOf = &id
		}
		if id, ok := retriedBy[it.PayoutID]; ok {
			it.RetriedBy = &id
			continue // superseded: its retry counts instead
		}
		t := v.Totals[it.Status]
		t.Count++
		t.Amount += it.Amount
		v.Totals[it.Status] = t
		if it.state != SendFailed {
			continue
		}
		if emails == nil {
			var err error
			if emails, err = s.payPalEmails(tx, v.AccountID); err != nil {
				return err
			}
			if sums, err = approvedSums(tx, v.AccountID, v.Currency); err != nil {
				return err
			}
		}
		it.RetryNote = s.retryNote(it, emails[it.AffiliateID], sums[it.AffiliateID])
		if it.Retryable = it.RetryNote == ""; it.Retryable {
			v.RetryableCount++
			v.RetryableAmount += sums[it.AffiliateID]
		}
	}
	return nil
}

// retryNote says why a failed item cannot be retried now; "" when it can.
func (s *Store) retryNote(it *RunItem, email string, approved int64) string {
	switch it.PlatformStatus {
	case "BLOCKED":
		return "PayPal blocked this payment: pay the affiliate another way."
	case "REFUNDED", "REVERSED":
		return "The payment was taken back after it was paid: check with PayPal before paying again."
	}
	switch {
	case email == "":
		return "The affiliate is no longer paid by PayPal: pay them from the Payouts page."
	case approved <= 0:
		return "Nothing to pay: the balance was paid since."
	case NeedsRecipient(it.PlatformStatus, it.Reason):
		sent, err := s.cipher.Decrypt(it.sealed)
		if err != nil || string(sent) == email {
			return "Waiting for the affiliate to update their PayPal email (they were emailed)."
		}
	}
	return ""
}

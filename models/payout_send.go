// PayPal payout runs: a run whose payouts PayPal pays. The run, its
// payouts, their ledger entries and the PayPal batch key are stored in one
// transaction before PayPal is called (StartPayPalRun); the send job then
// calls PayPal with that key, as often as it has to, and books what PayPal
// reports item by item (payout_send_apply.go). Reads: payout_send_view.go.

package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// MethodPayPal is the Method of a run paid through PayPal Payouts.
const MethodPayPal = "PayPal Payouts"

// maxPayPalItems is the most payouts PayPal takes in one batch; a run pays
// at most that many, the rest wait for the next run.
const maxPayPalItems = 15000

// Ledger statuses of a payout sent through a platform. While PayPal has
// not settled a payout its entries (the covered ones and the payout entry)
// are "sending": neither payable again nor paid. A payout PayPal paid moves
// them to paid; one PayPal did not pay (failed, returned, …) puts the
// covered entries back to approved and its payout entry to "returned",
// next to a "returned" payout entry of the opposite amount.
const (
	EntrySending  = "sending"
	EntryReturned = "returned"
)

// States of a payout sent through PayPal (PayoutSendItem.State).
const (
	SendPrepared = "prepared" // stored, PayPal not called yet (or no answer)
	SendSent     = "sent"     // PayPal has the batch; the item is not settled
	SendPaid     = "paid"     // PayPal reports SUCCESS
	SendFailed   = "failed"   // PayPal did not pay: the money is back in the balance
)

// States of a run's send (PayoutSend.State).
const (
	BatchPrepared = "prepared" // stored; PayPal not known to have it
	BatchSent     = "sent"     // PayPal answered with its batch id
	BatchDone     = "done"     // every item is paid or failed
)

// PayoutSend is the PayPal batch of one run: SenderBatchID is generated and
// stored before PayPal is called, so every call for the run uses the same
// key and PayPal pays the batch once.
type PayoutSend struct {
	RunID         uint64 `gorm:"primaryKey;autoIncrement:false" json:"run_id"`
	AccountID     uint64 `gorm:"not null;index" json:"-"`
	SenderBatchID string `gorm:"size:64;not null;uniqueIndex" json:"sender_batch_id"`
	BatchID       string `gorm:"size:64;not null;default:''" json:"batch_id,omitempty"`
	State         string `gorm:"size:16;not null" json:"state"`
	LastError     string `gorm:"not null;default:''" json:"last_error,omitempty"`
	// NextPollAt is when a batch whose open items all wait on their
	// recipients (UNCLAIMED for up to 30 days, ONHOLD) is read again;
	// nil reads it as often as the send job runs.
	NextPollAt *time.Time `json:"next_poll_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// PayoutSendItem is one payout of a PayPal run: its sender_item_id is the
// payout id. The recipient's email is sealed as payout details are.
type PayoutSendItem struct {
	PayoutID      uint64    `gorm:"primaryKey;autoIncrement:false"`
	RunID         uint64    `gorm:"not null;index"`
	AccountID     uint64    `gorm:"not null;index"`
	AffiliateID   uint64    `gorm:"not null"`
	Sealed        []byte    `gorm:"not null"`
	Amount        int64     `gorm:"not null"`
	Currency      string    `gorm:"size:3;not null"`
	State         string    `gorm:"size:16;not null"`
	PlatformState string    `gorm:"size:32;not null;default:''"`
	PlatformID    string    `gorm:"size:64;not null;default:''"`
	Reason        string    `gorm:"not null;default:''"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// StartPayPalRun pays, through PayPal, every affiliate whose payout method
// is PayPal and whose approved balance in the account's currency reaches
// the minimum: in one transaction it makes the run and its payouts, moves
// their entries to "sending" and stores the PayPal batch key. PayPal is
// called later, by the send job. The same key returns the run already made
// (created false). Nobody to pay, or no PayPal credentials, is ErrInvalid.
func (s *Store) StartPayPalRun(ctx context.Context, accountID uint64, key string) (run *PayoutRun, created bool, err error) {
	in := PayoutRunInput{IdempotencyKey: key, Method: MethodPayPal}
	if err := in.check(); err != nil {
		return nil, false, wrapErr("start paypal run", err)
	}
	creds, err := s.PayPalCredentials(ctx, accountID)
	if err != nil {
		return nil, false, wrapErr("start paypal run", err)
	}
	if creds == nil {
		return nil, false, wrapErr("start paypal run", invalidf("connect PayPal first: enter the client id and secret of your PayPal REST app"))
	}
	return s.runOnce(ctx, "start paypal run", accountID, in, s.preparePayPal)
}

// preparePayPal makes the run, its payouts and its send inside tx.
func (s *Store) preparePayPal(tx *gorm.DB, accountID uint64, in PayoutRunInput) (*PayoutRun, error) {
	var acct Account
	if err := first(tx, &acct, "account", accountID); err != nil {
		return nil, err
	}
	emails, err := s.payPalEmails(tx, accountID)
	if err != nil {
		return nil, err
	}
	floor := max(acct.MinPayout, 1)
	sums, err := approvedSums(tx, accountID, acct.Currency)
	if err != nil {
		return nil, err
	}
	run := &PayoutRun{AccountID: accountID, IdempotencyKey: in.IdempotencyKey, Currency: acct.Currency,
		MinPayout: acct.MinPayout, Method: in.Method, Payouts: []Payout{}}
	var items []PayoutSendItem
	for _, affID := range sortedKeys(sums) {
		email, ok := emails[affID]
		if !ok || sums[affID] < floor || len(items) == maxPayPalItems {
			continue
		}
		if run.ID == 0 {
			if err := tx.Create(run).Error; err != nil {
				return nil, err
			}
		}
		p, err := s.payInRun(tx, &acct, affID, run)
		if err != nil || p == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		sealed, err := s.cipher.Encrypt([]byte(email))
		if err != nil {
			return nil, err
		}
		items = append(items, PayoutSendItem{PayoutID: p.ID, RunID: run.ID, AccountID: accountID, AffiliateID: affID,
			Sealed: sealed, Amount: p.Amount, Currency: p.Currency, State: SendPrepared, UpdatedAt: s.now()})
		run.Payouts = append(run.Payouts, *p)
		run.PayoutCount++
		run.Total += p.Amount
	}
	if run.PayoutCount == 0 {
		return nil, invalidf("no affiliate paid by PayPal has an approved balance of at least %s", FormatMinor(floor, acct.Currency))
	}
	return run, s.storeSend(tx, run, items)
}

// markRunSending saves a run's count and total, moves the entries of its
// payouts to sending and stores its send items: what every platform run
// (PayPal, Stripe, store credit) does before anything is called.
func (s *Store) markRunSending(tx *gorm.DB, run *PayoutRun, items []PayoutSendItem) error {
	if err := tx.Model(run).Updates(map[string]any{"payout_count": run.PayoutCount, "total": run.Total}).Error; err != nil {
		return err
	}
	err := tx.Model(&LedgerEntry{}).Where("account_id = ? AND payout_id IN (?)", run.AccountID,
		tx.Model(&Payout{}).Select("id").Where("run_id = ?", run.ID)).
		Updates(map[string]any{"status": EntrySending, "updated_at": s.now()}).Error
	if err != nil {
		return err
	}
	return tx.CreateInBatches(items, 500).Error
}

// storeSend marks the run's entries sending and stores its items and key.
func (s *Store) storeSend(tx *gorm.DB, run *PayoutRun, items []PayoutSendItem) error {
	if err := s.markRunSending(tx, run, items); err != nil {
		return err
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	key := "cc-" + strconv.FormatUint(run.ID, 10) + "-" + hex.EncodeToString(b)
	return tx.Create(&PayoutSend{RunID: run.ID, AccountID: run.AccountID, SenderBatchID: key, State: BatchPrepared}).Error
}

// payPalEmails opens the account's payout details and keeps the PayPal
// ones: affiliate id → PayPal email.
func (s *Store) payPalEmails(tx *gorm.DB, accountID uint64) (map[uint64]string, error) {
	var rows []PayoutDetails
	// Only PayPal rows are opened ('' is a row the method migration has
	// not reached yet, e.g. a store without its key at that time).
	if err := tx.Where("account_id = ? AND method IN ?", accountID, []string{PayoutPayPal, ""}).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]string, len(rows))
	for _, r := range rows {
		sec, err := s.openPayoutSecret(r.Sealed)
		if err != nil {
			return nil, err
		}
		if sec.Method == PayoutPayPal && sec.Value != "" {
			out[r.AffiliateID] = sec.Value
		}
	}
	return out, nil
}

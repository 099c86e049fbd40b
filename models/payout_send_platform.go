// Payout runs paid through a platform call per payout: Stripe Connect
// transfers (payout_send_stripe.go) and Shopify store credit
// (payout_send_store_credit.go). As for PayPal, the run, its payouts,
// their "sending" ledger entries and each payout's key are stored in one
// transaction before any call; the send job then calls the platform per
// payout with that key and books what it answers with ApplyPayoutItem,
// using the same item states as PayPal items (prepared, sent, paid,
// failed). Sending: payout_send_platform_items.go.

package models

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Methods of runs paid through a platform (PayoutRun.Method).
const (
	MethodStripeConnect = "Stripe Connect transfers"
	MethodStoreCredit   = "Shopify store credit"
)

// PayoutPlatformItem is how one payout of a Stripe or store-credit run is
// sent. Key is made before any call and never changes: it is the Stripe
// Idempotency-Key, and the reference a lost store credit is looked for by.
type PayoutPlatformItem struct {
	PayoutID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	RunID     uint64 `gorm:"not null;index"`
	AccountID uint64 `gorm:"not null;index"`
	// Method is PayoutStripeConnect or PayoutStoreCredit.
	Method string `gorm:"size:16;not null"`
	Key    string `gorm:"size:64;not null;uniqueIndex"`
	// Attempts counts the calls begun; FirstAttemptAt and AttemptedAt are
	// when the first and the last began (nil: the platform was never called).
	Attempts       int        `gorm:"not null;default:0"`
	FirstAttemptAt *time.Time `json:"-"`
	AttemptedAt    *time.Time `json:"-"`
	LastError      string     `gorm:"not null;default:''"`
}

// PayoutRunSkip is an affiliate a run left out although their approved
// balance reached the minimum, and why (e.g. Stripe onboarding unfinished).
type PayoutRunSkip struct {
	ID          uint64 `gorm:"primaryKey" json:"-"`
	RunID       uint64 `gorm:"not null;index" json:"-"`
	AccountID   uint64 `gorm:"not null;index" json:"-"`
	AffiliateID uint64 `gorm:"not null" json:"affiliate_id"`
	Name        string `gorm:"not null;default:''" json:"affiliate_name"`
	Amount      int64  `gorm:"not null" json:"amount"`
	Reason      string `gorm:"not null" json:"reason"`
}

// payee is where one affiliate of a method is paid (Dest), or why they
// cannot be (Skip).
type payee struct {
	Dest, Skip string
}

// PlatformRun is a run paid through a platform, with who it left out.
type PlatformRun struct {
	PayoutRun
	Skipped []PayoutRunSkip `json:"skipped"`
}

// startPlatformRun makes a run of method (PayoutStripeConnect or
// PayoutStoreCredit) once per key: payees lists the affiliates paid that
// way with where, or why not. Nobody payable is ErrInvalid naming who was
// left out and why.
func (s *Store) startPlatformRun(ctx context.Context, op string, accountID uint64, key, method, runMethod string,
	payees func(tx *gorm.DB, accountID uint64) (map[uint64]payee, error)) (*PlatformRun, bool, error) {
	var skipped []PayoutRunSkip
	build := func(tx *gorm.DB, accountID uint64, in PayoutRunInput) (*PayoutRun, error) {
		ps, err := payees(tx, accountID)
		if err != nil {
			return nil, err
		}
		var run *PayoutRun
		run, skipped, err = s.preparePlatform(tx, accountID, in, method, ps)
		return run, err
	}
	run, created, err := s.runOnce(ctx, op, accountID, PayoutRunInput{IdempotencyKey: key, Method: runMethod}, build)
	if err != nil {
		return nil, false, err
	}
	if !created && run.Method != runMethod {
		return nil, false, wrapErr(op, conflictf("idempotency_key %q was used for a run paid by %s", key, cmp.Or(run.Method, "hand")))
	}
	if !created {
		err = s.db.WithContext(ctx).Where("run_id = ? AND account_id = ?", run.ID, accountID).Order("id").Find(&skipped).Error
	}
	if skipped == nil {
		skipped = []PayoutRunSkip{}
	}
	return &PlatformRun{PayoutRun: *run, Skipped: skipped}, created, wrapErr(op, err)
}

// preparePlatform makes the run, its payouts, items and skips inside tx.
func (s *Store) preparePlatform(tx *gorm.DB, accountID uint64, in PayoutRunInput, method string, ps map[uint64]payee) (*PayoutRun, []PayoutRunSkip, error) {
	var acct Account
	if err := first(tx, &acct, "account", accountID); err != nil {
		return nil, nil, err
	}
	floor := max(acct.MinPayout, 1)
	sums, err := approvedSums(tx, accountID, acct.Currency)
	if err != nil {
		return nil, nil, err
	}
	run := &PayoutRun{AccountID: accountID, IdempotencyKey: in.IdempotencyKey, Currency: acct.Currency,
		MinPayout: acct.MinPayout, Method: in.Method, Payouts: []Payout{}}
	var sends []PayoutSendItem
	var skipped []PayoutRunSkip
	for _, affID := range sortedKeys(sums) {
		p, ok := ps[affID]
		if !ok || sums[affID] < floor {
			continue
		}
		if p.Skip != "" {
			skipped = append(skipped, PayoutRunSkip{AccountID: accountID, AffiliateID: affID, Amount: sums[affID], Reason: p.Skip})
			continue
		}
		if run.ID == 0 {
			if err := tx.Create(run).Error; err != nil {
				return nil, nil, err
			}
		}
		pay, err := s.payInRun(tx, &acct, affID, run)
		if err != nil {
			return nil, nil, err
		}
		if pay == nil {
			continue
		}
		sealed, err := s.cipher.Encrypt([]byte(p.Dest))
		if err != nil {
			return nil, nil, err
		}
		sends = append(sends, PayoutSendItem{PayoutID: pay.ID, RunID: run.ID, AccountID: accountID, AffiliateID: affID,
			Sealed: sealed, Amount: pay.Amount, Currency: pay.Currency, State: SendPrepared, UpdatedAt: s.now()})
		run.Payouts = append(run.Payouts, *pay)
		run.PayoutCount++
		run.Total += pay.Amount
	}
	if err := nameSkips(tx, accountID, skipped); err != nil {
		return nil, nil, err
	}
	if run.PayoutCount == 0 {
		return nil, nil, nobodyToPay(method, floor, acct.Currency, skipped)
	}
	return run, skipped, s.storePlatformSend(tx, run, method, sends, skipped)
}

// nameSkips fills in the affiliates' names.
func nameSkips(tx *gorm.DB, accountID uint64, skipped []PayoutRunSkip) error {
	for i := range skipped {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", skipped[i].AffiliateID, accountID); err != nil {
			return err
		}
		skipped[i].Name = aff.Name
	}
	return nil
}

// nobodyToPay is the ErrInvalid of a run that would pay no one.
func nobodyToPay(method string, floor int64, currency string, skipped []PayoutRunSkip) error {
	msg := fmt.Sprintf("no affiliate paid by %s has an approved balance of at least %s", methodName(method), FormatMinor(floor, currency))
	if len(skipped) == 0 {
		return invalidf("%s", msg)
	}
	why := make([]string, 0, 5)
	for _, sk := range skipped[:min(len(skipped), 5)] {
		why = append(why, sk.Name+": "+sk.Reason)
	}
	return invalidf("%s that can be paid now (%s)", msg, strings.Join(why, "; "))
}

func methodName(method string) string {
	if method == PayoutStripeConnect {
		return "Stripe Connect"
	}
	return "store credit"
}

// storePlatformSend marks the run's entries sending and stores its items,
// each with its own key, and its skips.
func (s *Store) storePlatformSend(tx *gorm.DB, run *PayoutRun, method string, sends []PayoutSendItem, skipped []PayoutRunSkip) error {
	if err := s.markRunSending(tx, run, sends); err != nil {
		return err
	}
	items := make([]PayoutPlatformItem, 0, len(sends))
	for _, it := range sends {
		key, err := newItemKey(run.ID, it.PayoutID)
		if err != nil {
			return err
		}
		items = append(items, PayoutPlatformItem{PayoutID: it.PayoutID, RunID: run.ID, AccountID: run.AccountID, Method: method, Key: key})
	}
	if err := tx.CreateInBatches(items, 500).Error; err != nil {
		return err
	}
	for i := range skipped {
		skipped[i].RunID = run.ID
	}
	if len(skipped) == 0 {
		return nil
	}
	return tx.CreateInBatches(skipped, 500).Error
}

// newItemKey is a payout's key: its run, its id and 80 random bits.
func newItemKey(runID, payoutID uint64) (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "cc-" + strconv.FormatUint(runID, 10) + "-" + strconv.FormatUint(payoutID, 10) + "-" + hex.EncodeToString(b), nil
}

package models

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MaxMinPayout bounds the minimum payout setting (minor units).
const MaxMinPayout = 1_000_000_000

// PayoutRun is one "pay everyone payable": a payout to each affiliate whose
// approved balance in the account's currency reached the minimum, made in
// one transaction. Its key makes a repeated request return the same run.
type PayoutRun struct {
	ID             uint64    `gorm:"primaryKey" json:"id"`
	AccountID      uint64    `gorm:"not null;uniqueIndex:idx_payout_run_key" json:"account_id"`
	IdempotencyKey string    `gorm:"size:64;not null;uniqueIndex:idx_payout_run_key" json:"idempotency_key"`
	Currency       string    `gorm:"size:3;not null" json:"currency"`
	MinPayout      int64     `gorm:"not null" json:"min_payout"`
	PayoutCount    int       `gorm:"not null" json:"payout_count"`
	Total          int64     `gorm:"not null" json:"total"`
	Method         string    `gorm:"not null;default:''" json:"method,omitempty"`
	Reference      string    `gorm:"not null;default:''" json:"reference,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	// Payouts are the run's payouts (GetPayoutRun and RunPayouts fill them).
	Payouts []Payout `gorm:"-" json:"payouts"`
}

// PayoutRunInput is what a merchant sends to pay everyone payable.
type PayoutRunInput struct {
	IdempotencyKey string // 8–64 letters, digits, - or _; the same key returns the same run
	Method         string // how the money is sent ("PayPal", "bank transfer"); optional
	Reference      string // a batch id for the merchant's records; optional
}

var runKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// check validates the input.
func (in *PayoutRunInput) check() error {
	if !runKeyPattern.MatchString(in.IdempotencyKey) {
		return invalidf("idempotency_key must be 8 to 64 letters, digits, - or _")
	}
	in.Method, in.Reference = strings.TrimSpace(in.Method), strings.TrimSpace(in.Reference)
	if err := CheckLine("method", in.Method, 100); err != nil {
		return err
	}
	return CheckLine("reference", in.Reference, 200)
}

// RunPayouts pays every affiliate whose approved balance in the account's
// currency is positive and at least the account's minimum payout, in one
// transaction. A run already made with the same key is returned as it is,
// with created false, and nothing new is paid. When nobody can be paid,
// nothing is stored and the error is ErrInvalid.
func (s *Store) RunPayouts(ctx context.Context, accountID uint64, in PayoutRunInput) (run *PayoutRun, created bool, err error) {
	return s.runOnce(ctx, "run payouts", accountID, in, s.payEveryone)
}

// runOnce makes a run with build under the account's run lock, unless a run
// with the same key exists: that one is returned with created false.
func (s *Store) runOnce(ctx context.Context, op string, accountID uint64, in PayoutRunInput,
	build func(tx *gorm.DB, accountID uint64, in PayoutRunInput) (*PayoutRun, error)) (run *PayoutRun, created bool, err error) {
	if err := in.check(); err != nil {
		return nil, false, wrapErr(op, err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		run, created = nil, false
		if err := s.lockKey(tx, "payout-run", strconv.FormatUint(accountID, 10)); err != nil {
			return err
		}
		var prior PayoutRun
		err := tx.Where("account_id = ? AND idempotency_key = ?", accountID, in.IdempotencyKey).Take(&prior).Error
		if err == nil {
			run = &prior
			return tx.Where("run_id = ?", prior.ID).Order("id").Find(&run.Payouts).Error
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		run, err = build(tx, accountID, in)
		created = err == nil
		return err
	})
	if err != nil {
		return nil, false, wrapErr(op, err)
	}
	return run, created, nil
}

// payEveryone makes the run inside tx.
func (s *Store) payEveryone(tx *gorm.DB, accountID uint64, in PayoutRunInput) (*PayoutRun, error) {
	var acct Account
	if err := first(tx, &acct, "account", accountID); err != nil {
		return nil, err
	}
	floor := max(acct.MinPayout, 1)
	sums, err := approvedSums(tx, accountID, acct.Currency)
	if err != nil {
		return nil, err
	}
	run := &PayoutRun{AccountID: accountID, IdempotencyKey: in.IdempotencyKey, Currency: acct.Currency,
		MinPayout: acct.MinPayout, Method: in.Method, Reference: in.Reference, Payouts: []Payout{}}
	for _, affID := range sortedKeys(sums) {
		if sums[affID] < floor {
			continue
		}
		if run.ID == 0 {
			if err := tx.Create(run).Error; err != nil {
				return nil, err
			}
		}
		p, err := s.payInRun(tx, &acct, affID, run)
		if err != nil {
			return nil, err
		}
		if p != nil {
			run.Payouts = append(run.Payouts, *p)
			run.PayoutCount++
			run.Total += p.Amount
		}
	}
	if run.PayoutCount == 0 {
		return nil, invalidf("no affiliate has an approved balance of at least %s to pay", FormatMinor(floor, acct.Currency))
	}
	// Paid by the merchant, outside Codecredit: paid as soon as recorded.
	paid := make([]hookEvent, 0, len(run.Payouts))
	for i := range run.Payouts {
		paid = append(paid, payoutHook(HookPayoutPaid, &run.Payouts[i], "", ""))
	}
	if err := emitHooks(tx, nil, s.now(), paid...); err != nil {
		return nil, err
	}
	return run, tx.Model(run).Updates(map[string]any{"payout_count": run.PayoutCount, "total": run.Total}).Error
}

// payInRun pays one affiliate's approved balance under the run, reading
// it again under the affiliate's payout lock; nil when it fell below the
// minimum meanwhile.
func (s *Store) payInRun(tx *gorm.DB, acct *Account, affID uint64, run *PayoutRun) (*Payout, error) {
	var aff Affiliate
	if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affID, acct.ID); err != nil {
		return nil, err
	}
	if err := s.lockKey(tx, "payout", strconv.FormatUint(affID, 10)); err != nil {
		return nil, err
	}
	var entries []LedgerEntry
	err := s.forUpdate(tx).Where("account_id = ? AND affiliate_id = ? AND currency = ? AND status = ? AND kind <> ?",
		acct.ID, affID, acct.Currency, EntryApproved, EntryPayout).Find(&entries).Error
	if err != nil {
		return nil, err
	}
	var sum int64
	for _, e := range entries {
		sum += e.Amount
	}
	if sum < max(acct.MinPayout, 1) {
		return nil, nil
	}
	p, err := s.payEntries(tx, &aff, acct.Currency, run.Reference, entries)
	if err != nil {
		return nil, err
	}
	p.RunID, p.Method = &run.ID, run.Method
	return p, tx.Model(p).Updates(map[string]any{"run_id": run.ID, "method": run.Method}).Error
}

// approvedSums is each affiliate's approved balance in currency.
func approvedSums(tx *gorm.DB, accountID uint64, currency string) (map[uint64]int64, error) {
	type row struct {
		AffiliateID uint64
		Sum         int64
	}
	var rows []row
	err := tx.Model(&LedgerEntry{}).Select("affiliate_id, SUM(amount) AS sum").
		Where("account_id = ? AND currency = ? AND status = ? AND kind <> ?", accountID, currency, EntryApproved, EntryPayout).
		Group("affiliate_id").Scan(&rows).Error
	out := make(map[uint64]int64, len(rows))
	for _, r := range rows {
		out[r.AffiliateID] = r.Sum
	}
	return out, err
}

func sortedKeys(m map[uint64]int64) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// GetPayoutRun loads one run of the account with its payouts.
func (s *Store) GetPayoutRun(ctx context.Context, accountID, id uint64) (*PayoutRun, error) {
	var run PayoutRun
	db := s.db.WithContext(ctx)
	if err := first(db, &run, "payout run", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get payout run", err)
	}
	return &run, wrapErr("get payout run", db.Where("run_id = ? AND account_id = ?", id, accountID).Order("id").Find(&run.Payouts).Error)
}

package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PayoutSchedule pays an account's affiliates by itself each month: on
// or after DayOfMonth (1-28), one run per method in Methods (payout
// methods, comma-separated: PayoutPayPal, PayoutStripeConnect,
// PayoutStoreCredit). No row: payouts are started by hand only.
type PayoutSchedule struct {
	AccountID  uint64    `gorm:"primaryKey;autoIncrement:false" json:"-"`
	DayOfMonth int       `gorm:"not null" json:"day_of_month"`
	Methods    string    `gorm:"size:100;not null" json:"-"`
	UpdatedAt  time.Time `json:"-"`
}

// ScheduleInput is a payout schedule as the API reads and shows it.
type ScheduleInput struct {
	DayOfMonth int      `json:"day_of_month"`
	Methods    []string `json:"methods"`
}

// ScheduledMethods are the payout methods a schedule can pay by itself.
var ScheduledMethods = []string{PayoutPayPal, PayoutStripeConnect, PayoutStoreCredit}

// Input is the schedule as the API shows it.
func (p *PayoutSchedule) Input() ScheduleInput {
	return ScheduleInput{DayOfMonth: p.DayOfMonth, Methods: strings.Split(p.Methods, ",")}
}

// check validates a schedule, naming the field at fault.
func (in ScheduleInput) check() error {
	if in.DayOfMonth < 1 || in.DayOfMonth > 28 {
		return withField("day_of_month", invalidf("day of month must be 1 to 28 (every month has it)"))
	}
	if len(in.Methods) == 0 {
		return withField("methods", invalidf("choose at least one payout method to pay on schedule"))
	}
	for _, m := range in.Methods {
		if !slices.Contains(ScheduledMethods, m) {
			return withField("methods", invalidf("payout method %q cannot be scheduled: use paypal, stripe_connect or store_credit", m))
		}
	}
	return nil
}

// GetPayoutSchedule is the account's payout schedule; nil when off.
func (s *Store) GetPayoutSchedule(ctx context.Context, accountID uint64) (*ScheduleInput, error) {
	var row PayoutSchedule
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapErr("get payout schedule", err)
	}
	in := row.Input()
	return &in, nil
}

// SavePayoutSchedule sets the account's payout schedule; nil turns it off.
// Nothing changes unless the schedule is valid.
func (s *Store) SavePayoutSchedule(ctx context.Context, accountID uint64, in *ScheduleInput) error {
	if in == nil {
		err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Delete(&PayoutSchedule{}).Error
		return wrapErr("save payout schedule", err)
	}
	if err := in.check(); err != nil {
		return wrapErr("save payout schedule", err)
	}
	var methods []string
	for _, m := range ScheduledMethods { // one each, in a fixed order
		if slices.Contains(in.Methods, m) {
			methods = append(methods, m)
		}
	}
	row := PayoutSchedule{AccountID: accountID, DayOfMonth: in.DayOfMonth, Methods: strings.Join(methods, ","), UpdatedAt: s.now()}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var acct Account
		if err := first(tx, &acct, "account", accountID); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"day_of_month", "methods", "updated_at"})}).Create(&row).Error
	})
	return wrapErr("save payout schedule", err)
}

// DuePayoutSchedules are the schedules whose day has come in now's month.
func (s *Store) DuePayoutSchedules(ctx context.Context, now time.Time) ([]PayoutSchedule, error) {
	var rows []PayoutSchedule
	err := s.db.WithContext(ctx).Where("day_of_month <= ?", now.UTC().Day()).Order("account_id").Find(&rows).Error
	return rows, wrapErr("due payout schedules", err)
}

// ScheduleKey is the idempotency key of the scheduled run of method in
// now's month (UTC), so that the month's run starts once.
func ScheduleKey(now time.Time, method string) string {
	return fmt.Sprintf("schedule-%s-%s", now.UTC().Format("2006-01"), method)
}

// HasPayoutRun says whether the account has a run with this idempotency key.
func (s *Store) HasPayoutRun(ctx context.Context, accountID uint64, key string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&PayoutRun{}).Where("account_id = ? AND idempotency_key = ?", accountID, key).Count(&n).Error
	return n > 0, wrapErr("has payout run", err)
}

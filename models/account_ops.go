package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"codecredit/models/commission"
)

// AccountSettings changes some of an account's settings; nil fields stay.
// All of them are checked before any is saved, and they are saved together.
type AccountSettings struct {
	NamingRule  *string         // code template, e.g. "{FIRST}{DISCOUNT}"
	Currency    *string         // ISO 4217, the shop currency of new connections
	DefaultRule *CommissionRule // replaces the account-wide commission rule
	MinPayout   *int64          // minor units of Currency; see Account.MinPayout
	// Base replaces what commissions are computed on, for orders booked
	// from now on.
	Base *commission.Base
	// Lifetime replaces the lifetime attribution settings.
	Lifetime *LifetimeSettings
}

// LifetimeSettings are an account's lifetime attribution settings (see
// Account.LifetimeOn).
type LifetimeSettings struct {
	On       bool `json:"on"`
	Days     int  `json:"days"` // 0: for ever
	CodeWins bool `json:"code_wins"`
}

// Lifetime is the account's lifetime attribution settings.
func (a *Account) Lifetime() LifetimeSettings {
	return LifetimeSettings{On: a.LifetimeOn, Days: a.LifetimeDays, CodeWins: a.LifetimeCodeWins}
}

// UpdateAccountSettings saves the settings set in in. A naming rule is
// checked by generating a code for a sample affiliate, so a rule that
// cannot make codes is refused here rather than at generation time.
func (s *Store) UpdateAccountSettings(ctx context.Context, accountID uint64, in AccountSettings) (*Account, error) {
	changes := map[string]any{}
	if in.NamingRule != nil {
		rule := strings.TrimSpace(*in.NamingRule)
		if err := checkNamingRule(rule, DiscountSpec{Type: DiscountPercentage, Value: 1000}); err != nil {
			return nil, wrapErr("update account settings", err)
		}
		changes["naming_rule"] = rule
	}
	if in.Currency != nil {
		cur := strings.ToUpper(strings.TrimSpace(*in.Currency))
		if !ValidCurrency(cur) {
			return nil, wrapErr("update account settings", invalidf("currency %q is not an ISO 4217 code", cur))
		}
		changes["currency"] = cur
	}
	if in.MinPayout != nil {
		if *in.MinPayout < 0 || *in.MinPayout > MaxMinPayout {
			return nil, wrapErr("update account settings", invalidf("min_payout must be from 0 to %d minor units", int64(MaxMinPayout)))
		}
		changes["min_payout"] = *in.MinPayout
	}
	if l := in.Lifetime; l != nil {
		if l.Days < 0 || l.Days > 36500 {
			return nil, wrapErr("update account settings", withField("lifetime.days", invalidf("lifetime days must be from 0 (for ever) to 36500")))
		}
		changes["lifetime_on"], changes["lifetime_days"], changes["lifetime_code_wins"] = l.On, l.Days, l.CodeWins
	}
	if b := in.Base; b != nil {
		changes["base_shipping"], changes["base_tax"], changes["base_before_discount"] = b.Shipping, b.Tax, b.BeforeDiscount
	}
	var a Account
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &a, "account", accountID); err != nil {
			return err
		}
		if len(changes) > 0 {
			changes["updated_at"] = s.now()
			if err := tx.Model(&a).Updates(changes).Error; err != nil {
				return err
			}
		}
		if in.DefaultRule != nil {
			if _, err := saveCommissionRule(tx, accountID, 0, *in.DefaultRule); err != nil {
				return err
			}
		}
		return tx.First(&a, accountID).Error
	})
	if err != nil {
		return nil, wrapErr("update account settings", err)
	}
	return &a, nil
}

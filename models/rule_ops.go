package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// GetDefaultRule returns the account-wide commission rule. An account
// without a stored one gets the built-in default (ID 0, not saved).
func (s *Store) GetDefaultRule(ctx context.Context, accountID uint64) (*CommissionRule, error) {
	r, _, err := effectiveRule(s.db.WithContext(ctx), accountID, 0, nil)
	return r, wrapErr("get default rule", err)
}

// SetDefaultRule replaces the account-wide commission rule. It applies to
// orders attributed from now on; booked commission never changes. An empty
// currency is the account's.
func (s *Store) SetDefaultRule(ctx context.Context, accountID uint64, r CommissionRule) (*CommissionRule, error) {
	var out *CommissionRule
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = saveCommissionRule(tx, accountID, 0, r)
		return err
	})
	return out, wrapErr("set default rule", err)
}

// GetAffiliateRule returns the rule an affiliate earns under: its own
// override (own = true) or else the account default (own = false).
func (s *Store) GetAffiliateRule(ctx context.Context, accountID, affiliateID uint64) (rule *CommissionRule, own bool, err error) {
	if _, err := s.GetAffiliate(ctx, accountID, affiliateID); err != nil {
		return nil, false, wrapErr("get affiliate rule", err)
	}
	return effectiveRule(s.db.WithContext(ctx), accountID, affiliateID, nil)
}

// SetAffiliateRule gives one affiliate its own commission rule, replacing
// any earlier override.
func (s *Store) SetAffiliateRule(ctx context.Context, accountID, affiliateID uint64, r CommissionRule) (*CommissionRule, error) {
	if affiliateID == 0 {
		return nil, wrapErr("set affiliate rule", notFound("affiliate"))
	}
	var out *CommissionRule
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var a Affiliate
		if err := first(tx, &a, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		var err error
		out, err = saveCommissionRule(tx, accountID, affiliateID, r)
		return err
	})
	return out, wrapErr("set affiliate rule", err)
}

// DeleteAffiliateRule removes an affiliate's override, so it earns under
// the account default again. Without an override it does nothing.
func (s *Store) DeleteAffiliateRule(ctx context.Context, accountID, affiliateID uint64) error {
	if _, err := s.GetAffiliate(ctx, accountID, affiliateID); err != nil {
		return wrapErr("delete affiliate rule", err)
	}
	return wrapErr("delete affiliate rule", s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ?", accountID, affiliateID).
		Delete(&CommissionRule{}).Error)
}

// effectiveRule is the commission rule an affiliate earns under: its own
// override (own = true), else the account default, else the built-in
// default in the account's currency (ID 0, not saved). Affiliate 0 asks for
// the account default. acct, when the caller has it loaded, spares a query.
func effectiveRule(db *gorm.DB, accountID, affiliateID uint64, acct *Account) (rule *CommissionRule, own bool, err error) {
	var rows []CommissionRule
	err = db.Where("account_id = ? AND affiliate_id IN ?", accountID, []uint64{0, affiliateID}).
		Order("affiliate_id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, false, err
	}
	if len(rows) > 0 {
		return &rows[0], affiliateID != 0 && rows[0].AffiliateID == affiliateID, nil
	}
	if acct == nil {
		acct = &Account{}
		if err := first(db, acct, "account", accountID); err != nil {
			return nil, false, err
		}
	}
	def := DefaultCommissionRule(accountID, acct.Currency)
	return &def, false, nil
}

// findCommissionRule loads the stored rule of one scope, if any.
func findCommissionRule(db *gorm.DB, accountID, affiliateID uint64) (*CommissionRule, bool, error) {
	var rows []CommissionRule
	err := db.Where("account_id = ? AND affiliate_id = ?", accountID, affiliateID).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, false, err
	}
	return &rows[0], true, nil
}

// saveCommissionRule validates r and upserts it as the rule of one scope.
func saveCommissionRule(tx *gorm.DB, accountID, affiliateID uint64, r CommissionRule) (*CommissionRule, error) {
	r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
	if r.Currency == "" {
		var a Account
		if err := first(tx, &a, "account", accountID); err != nil {
			return nil, err
		}
		r.Currency = a.Currency
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	row := CommissionRule{AccountID: accountID, AffiliateID: affiliateID, Kind: r.Kind,
		BasisPoints: r.BasisPoints, FlatAmount: r.FlatAmount, Currency: r.Currency,
		RecurringMonths: r.RecurringMonths, HoldDays: r.HoldDays, RepeatBasisPoints: r.RepeatBasisPoints,
		RepeatFlatAmount: r.RepeatFlatAmount}
	if row.Kind == CommissionPercent {
		row.FlatAmount = 0
	} else {
		row.BasisPoints = 0
	}
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "account_id"}, {Name: "affiliate_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"kind", "basis_points", "flat_amount", "currency",
			"recurring_months", "hold_days", "repeat_basis_points", "repeat_flat_amount", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return nil, err
	}
	saved, _, err := findCommissionRule(tx, accountID, affiliateID)
	return saved, err
}

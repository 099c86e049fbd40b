package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// AccountSettings changes some of an account's settings; nil fields stay.
// All of them are checked before any is saved, and they are saved together.
type AccountSettings struct {
	NamingRule  *string         // code template, e.g. "{FIRST}{DISCOUNT}"
	Currency    *string         // ISO 4217, the shop currency of new connections
	DefaultRule *CommissionRule // replaces the account-wide commission rule
}

// UpdateAccountSettings saves the settings set in in. A naming rule is
// checked by generating a code for a sample affiliate, so a rule that
// cannot make codes is refused here rather than at generation time.
func (s *Store) UpdateAccountSettings(ctx context.Context, accountID uint64, in AccountSettings) (*Account, error) {
	changes := map[string]any{}
	if in.NamingRule != nil {
		rule := strings.TrimSpace(*in.NamingRule)
		if err := checkNamingRule(rule, DiscountSpec{Type: DiscountPercentage, Value: 1000}); err != nil {
			return nil, err
		}
		changes["naming_rule"] = rule
	}
	if in.Currency != nil {
		cur := strings.ToUpper(strings.TrimSpace(*in.Currency))
		if !ValidCurrency(cur) {
			return nil, invalidf("currency %q is not an ISO 4217 code", cur)
		}
		changes["currency"] = cur
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
		return nil, err
	}
	return &a, nil
}

// GetPayout loads one payout of the account.
func (s *Store) GetPayout(ctx context.Context, accountID, id uint64) (*Payout, error) {
	var p Payout
	if err := first(s.db.WithContext(ctx), &p, "payout", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, err
	}
	return &p, nil
}

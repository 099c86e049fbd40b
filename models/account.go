package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
)

// Account is a merchant using Codecredit.
type Account struct {
	ID         uint64 `gorm:"primaryKey" json:"id"`
	Name       string `gorm:"not null" json:"name"`
	Email      string `json:"email,omitempty"`
	Currency   string `gorm:"size:3;not null;default:USD" json:"currency"`
	NamingRule string `gorm:"not null;default:'{FIRST}{DISCOUNT}'" json:"naming_rule"`
	// MinPayout is the smallest approved balance, in minor units of
	// Currency, that "pay everyone payable" pays; 0 pays any positive one.
	MinPayout int64 `gorm:"not null;default:0" json:"min_payout"`
	// The commission base (see commission.Base): by default goods after
	// discounts, tax and shipping left out.
	BaseShipping       bool `gorm:"not null;default:false" json:"base_shipping"`
	BaseTax            bool `gorm:"not null;default:false" json:"base_tax"`
	BaseBeforeDiscount bool `gorm:"not null;default:false" json:"base_before_discount"`
	// Tiers (see CommissionTier): what they count ("" for no tiers,
	// TierSales or TierOrders), over which period, and whether crossing
	// one tops up the period's earlier sales with a bonus.
	TierMetric string `gorm:"size:8;not null;default:''" json:"tier_metric"`
	TierPeriod string `gorm:"size:8;not null;default:'month'" json:"tier_period"`
	TierBonus  bool   `gorm:"not null;default:false" json:"tier_bonus"`
	// Lifetime attribution (see CustomerLink): a customer's later orders
	// without an affiliate's code are credited to the affiliate whose code
	// they first ordered with, for LifetimeDays after that first order (0:
	// for ever). LifetimeCodeWins says whether a later order with another
	// affiliate's code goes to that affiliate (who then keeps the
	// customer) or stays with the first.
	LifetimeOn       bool      `gorm:"not null;default:false" json:"lifetime_on"`
	LifetimeDays     int       `gorm:"not null;default:0" json:"lifetime_days"`
	LifetimeCodeWins bool      `gorm:"not null;default:true" json:"lifetime_code_wins"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// APIKey authenticates a merchant's scripts; only its SHA-256 is stored.
// Scopes (space-separated, see api_key.go) say what it may do; a revoked
// key authenticates nothing.
type APIKey struct {
	ID         uint64     `gorm:"primaryKey" json:"id"`
	AccountID  uint64     `gorm:"not null;index" json:"account_id"`
	Hash       string     `gorm:"size:64;not null;uniqueIndex" json:"-"`
	Prefix     string     `gorm:"size:12;not null" json:"prefix"`
	Name       string     `gorm:"size:100;not null;default:''" json:"name"`
	Scopes     string     `gorm:"size:500;not null;default:'full'" json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// DefaultNamingRule is the code template a new account starts with.
const DefaultNamingRule = "{FIRST}{DISCOUNT}"

// CreateAccount creates a merchant account with the account-wide default
// commission rule (10%, 30 hold days).
func (s *Store) CreateAccount(ctx context.Context, name, email, currency string) (*Account, error) {
	name = strings.TrimSpace(name)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" {
		currency = "USD"
	}
	if name == "" {
		return nil, wrapErr("create account", invalidf("account name is required"))
	}
	if !ValidCurrency(currency) {
		return nil, wrapErr("create account", invalidf("currency %q is not an ISO 4217 code", currency))
	}
	a := &Account{Name: name, Email: strings.TrimSpace(email), Currency: currency, NamingRule: DefaultNamingRule}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		rule := DefaultCommissionRule(a.ID, currency)
		return tx.Create(&rule).Error
	})
	if err != nil {
		return nil, wrapErr("create account", err)
	}
	return a, nil
}

// GetAccount loads an account.
func (s *Store) GetAccount(ctx context.Context, id uint64) (*Account, error) {
	var a Account
	if err := first(s.db.WithContext(ctx), &a, "account", id); err != nil {
		return nil, wrapErr("get account", err)
	}
	return &a, nil
}

// Base is what the account's commissions are computed on.
func (a *Account) Base() commission.Base {
	return commission.Base{Shipping: a.BaseShipping, Tax: a.BaseTax, BeforeDiscount: a.BaseBeforeDiscount}
}

package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Account is a merchant using Codecredit.
type Account struct {
	ID         uint64    `gorm:"primaryKey" json:"id"`
	Name       string    `gorm:"not null" json:"name"`
	Email      string    `json:"email,omitempty"`
	Currency   string    `gorm:"size:3;not null;default:USD" json:"currency"`
	NamingRule string    `gorm:"not null;default:'{FIRST}{DISCOUNT}'" json:"naming_rule"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// APIKey authenticates a merchant's scripts; only its SHA-256 is stored.
type APIKey struct {
	ID         uint64     `gorm:"primaryKey" json:"id"`
	AccountID  uint64     `gorm:"not null;index" json:"account_id"`
	Hash       string     `gorm:"size:64;not null;uniqueIndex" json:"-"`
	Prefix     string     `gorm:"size:12;not null" json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// apiKeyPrefix starts every key so a leaked one is easy to recognise.
const apiKeyPrefix = "cc_"

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
		return nil, invalidf("account name is required")
	}
	if !ValidCurrency(currency) {
		return nil, invalidf("currency %q is not an ISO 4217 code", currency)
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
		return nil, err
	}
	return a, nil
}

// GetAccount loads an account.
func (s *Store) GetAccount(ctx context.Context, id uint64) (*Account, error) {
	var a Account
	if err := first(s.db.WithContext(ctx), &a, "account", id); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAPIKey makes a new key for an account and returns it in clear; it
// cannot be shown again.
func (s *Store) CreateAPIKey(ctx context.Context, accountID uint64) (string, error) {
	if _, err := s.GetAccount(ctx, accountID); err != nil {
		return "", err
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := apiKeyPrefix + hex.EncodeToString(raw)
	row := APIKey{AccountID: accountID, Hash: hashKey(key), Prefix: key[:10]}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return "", err
	}
	return key, nil
}

// AccountByAPIKey returns the account a key belongs to, or ErrNotFound.
func (s *Store) AccountByAPIKey(ctx context.Context, key string) (*Account, error) {
	if !strings.HasPrefix(key, apiKeyPrefix) || len(key) > 100 {
		return nil, notFound("api key")
	}
	var k APIKey
	if err := first(s.db.WithContext(ctx), &k, "api key", "hash = ?", hashKey(key)); err != nil {
		return nil, err
	}
	return s.GetAccount(ctx, k.AccountID)
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

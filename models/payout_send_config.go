package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PayPalAccount is the PayPal REST app an account pays through: its client
// id, secret and webhook id, sealed with the store's cipher like platform
// credentials. One row per account; saving again replaces it.
type PayPalAccount struct {
	AccountID uint64    `gorm:"primaryKey;autoIncrement:false"`
	Sealed    []byte    `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// PayPalCredentials is a PayPalAccount opened.
type PayPalCredentials struct {
	ClientID  string `json:"client_id"`
	Secret    string `json:"secret"`
	WebhookID string `json:"webhook_id"`
}

// SavePayPalCredentials checks and stores, sealed, the account's PayPal
// REST app credentials. Client id and secret are required (one line of at
// most 200 characters each); the webhook id is optional.
func (s *Store) SavePayPalCredentials(ctx context.Context, accountID uint64, c PayPalCredentials) error {
	c.ClientID, c.Secret, c.WebhookID = strings.TrimSpace(c.ClientID), strings.TrimSpace(c.Secret), strings.TrimSpace(c.WebhookID)
	if c.ClientID == "" {
		return wrapErr("save paypal credentials", withField("client_id", invalidf("enter the client id of your PayPal REST app")))
	}
	if c.Secret == "" {
		return wrapErr("save paypal credentials", withField("secret", invalidf("enter the secret of your PayPal REST app")))
	}
	for _, f := range []struct{ name, v string }{{"client_id", c.ClientID}, {"secret", c.Secret}, {"webhook_id", c.WebhookID}} {
		if err := CheckLine(f.name, f.v, 200); err != nil {
			return wrapErr("save paypal credentials", err)
		}
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return err
	}
	sealed, err := s.cipher.Encrypt(plain)
	if err != nil {
		return wrapErr("save paypal credentials", err)
	}
	row := PayPalAccount{AccountID: accountID, Sealed: sealed, UpdatedAt: s.now()}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var acct Account
		if err := first(tx, &acct, "account", accountID); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"sealed", "updated_at"})}).Create(&row).Error
	})
	return wrapErr("save paypal credentials", err)
}

// PayPalCredentials opens the account's PayPal credentials; nil when none
// are saved.
func (s *Store) PayPalCredentials(ctx context.Context, accountID uint64) (*PayPalCredentials, error) {
	var rows []PayPalAccount
	if err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return nil, wrapErr("paypal credentials", err)
	}
	plain, err := s.cipher.Decrypt(rows[0].Sealed)
	if err != nil {
		return nil, wrapErr("paypal credentials", err)
	}
	var c PayPalCredentials
	return &c, wrapErr("paypal credentials", json.Unmarshal(plain, &c))
}

// openPayoutSecret opens a PayoutDetails row's sealed details.
func (s *Store) openPayoutSecret(sealed []byte) (payoutSecret, error) {
	var sec payoutSecret
	plain, err := s.cipher.Decrypt(sealed)
	if err != nil {
		return sec, err
	}
	return sec, json.Unmarshal(plain, &sec)
}

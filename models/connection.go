package models

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// ConnectionStatus is whether a platform store still works with the app
// (Connection.Status).
type ConnectionStatus string

// Connection statuses.
const (
	ConnectionActive      ConnectionStatus = "active"      // installed; deliveries and calls go through
	ConnectionUninstalled ConnectionStatus = "uninstalled" // the merchant removed the app from the store
	// ConnectionNeedsReinstall marks a connection whose credentials the
	// platform refused: the merchant must install or connect again.
	ConnectionNeedsReinstall ConnectionStatus = "needs_reinstall"
)

// Connection is one platform store of an account (a Shopify shop, a Stripe
// account, ...). Credentials are encrypted at rest with AES-GCM.
type Connection struct {
	ID           uint64           `gorm:"primaryKey" json:"id"`
	AccountID    uint64           `gorm:"not null;index" json:"account_id"`
	Platform     string           `gorm:"size:32;not null;uniqueIndex:idx_connection_source" json:"platform"`
	ExternalID   string           `gorm:"size:255;not null;uniqueIndex:idx_connection_source" json:"external_id"`
	Name         string           `gorm:"size:255;not null;default:''" json:"name"` // the store's name, for people
	Status       ConnectionStatus `gorm:"size:16;not null;default:active" json:"status"`
	Currency     string           `gorm:"size:3" json:"currency,omitempty"`
	Credentials  []byte           `json:"-"`
	ImportCursor string           `json:"-"`
	ImportDone   int              `json:"import_done"`
	ImportTotal  int              `json:"import_total"`
	ImportState  string           `gorm:"size:16;not null;default:''" json:"import_state,omitempty"` // running, done, failed
	LastError    string           `json:"last_error,omitempty"`
	// ImportStartedAt and ImportFinishedAt time the latest import.
	ImportStartedAt  *time.Time `json:"import_started_at,omitempty"`
	ImportFinishedAt *time.Time `json:"import_finished_at,omitempty"`
	InstalledAt      time.Time  `json:"installed_at"`
	UninstalledAt    *time.Time `json:"uninstalled_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// DisplayName is how people know the store: its name, or for a row
// connected before names were kept, its domain or the platform's name.
func (c *Connection) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	switch c.Platform {
	case platforms.Shopify:
		return strings.TrimSuffix(c.ExternalID, ".myshopify.com")
	case platforms.WooCommerce:
		if u, err := url.Parse(c.ExternalID); err == nil && u.Host != "" {
			return u.Host + strings.TrimSuffix(u.Path, "/")
		}
	case platforms.Stripe:
		return "Stripe account"
	case platforms.Paddle:
		return "Paddle account"
	case platforms.API:
		return "Orders sent through the API"
	}
	return c.ExternalID
}

// Credentials are a connection's secrets: tokens, keys, webhook secrets.
type Credentials map[string]string

// SetCredentials encrypts creds onto c (not saved).
func (s *Store) SetCredentials(c *Connection, creds Credentials) error {
	plain, err := json.Marshal(creds)
	if err != nil {
		return wrapErr("set credentials", err)
	}
	sealed, err := s.cipher.Encrypt(plain)
	if err != nil {
		return wrapErr("set credentials", err)
	}
	c.Credentials = sealed
	return nil
}

// ReadCredentials decrypts a connection's secrets.
func (s *Store) ReadCredentials(c *Connection) (Credentials, error) {
	creds := Credentials{}
	if len(c.Credentials) == 0 {
		return creds, nil
	}
	plain, err := s.cipher.Decrypt(c.Credentials)
	if err != nil {
		return nil, wrapErr("read credentials", err)
	}
	return creds, wrapErr("read credentials", json.Unmarshal(plain, &creds))
}

// GetConnection loads a connection.
func (s *Store) GetConnection(ctx context.Context, id uint64) (*Connection, error) {
	var c Connection
	if err := first(s.db.WithContext(ctx), &c, "connection", id); err != nil {
		return nil, wrapErr("get connection", err)
	}
	return &c, nil
}

// APIConnection returns the account's built-in connection for orders sent
// through the JSON API, creating it on first use.
func (s *Store) APIConnection(ctx context.Context, accountID uint64) (*Connection, error) {
	a, err := s.GetAccount(ctx, accountID)
	if err != nil {
		return nil, wrapErr("api connection", err)
	}
	c := Connection{
		AccountID: accountID, Platform: platforms.API, ExternalID: strconv.FormatUint(accountID, 10),
		Status: ConnectionActive, Currency: a.Currency, InstalledAt: s.now(),
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&c).Error; err != nil {
			return err
		}
		return tx.Where("platform = ? AND external_id = ?", c.Platform, c.ExternalID).First(&c).Error
	})
	if err != nil {
		return nil, wrapErr("api connection", err)
	}
	return &c, nil
}

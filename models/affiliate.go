package models

import (
	"time"
)

// Affiliate statuses.
const (
	AffiliateActive   = "active"
	AffiliateDisabled = "disabled"
)

// Affiliate is a partner who promotes the merchant with their own codes.
type Affiliate struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	AccountID uint64    `gorm:"not null;uniqueIndex:idx_affiliate_email" json:"account_id"`
	Name      string    `gorm:"not null" json:"name"`
	Email     string    `gorm:"not null;uniqueIndex:idx_affiliate_email" json:"email"`
	Status    string    `gorm:"size:16;not null;default:active" json:"status"`
	Notes     string    `json:"notes,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

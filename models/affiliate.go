package models

import (
	"time"
)

// AffiliateStatus is whether an affiliate takes part (Affiliate.Status).
// It is an alias of string: the affiliate list's scans and filters hand
// plain strings in and out of it.
type AffiliateStatus = string

// Affiliate statuses, the values of AffiliateStatus.
const (
	AffiliateActive   AffiliateStatus = "active"   // takes part; the status a new affiliate gets
	AffiliateDisabled AffiliateStatus = "disabled" // switched off by the merchant, history kept; sent no email
)

// Affiliate is a partner who promotes the merchant with their own codes.
type Affiliate struct {
	ID        uint64          `gorm:"primaryKey" json:"id"`
	AccountID uint64          `gorm:"not null;uniqueIndex:idx_affiliate_email" json:"account_id"`
	Name      string          `gorm:"not null" json:"name"`
	Email     string          `gorm:"not null;uniqueIndex:idx_affiliate_email" json:"email"`
	Status    AffiliateStatus `gorm:"size:16;not null;default:active" json:"status"`
	Notes     string          `json:"notes,omitempty"`
	// LifetimeDays overrides the program's lifetime attribution window for
	// the customers this affiliate brings: nil the program's, 0 for ever,
	// -1 none.
	LifetimeDays *int      `json:"lifetime_days"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

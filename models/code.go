package models

import (
	"strings"
	"time"
	"unicode"
)

// Code sources.
const (
	SourceImported  = "imported"
	SourceGenerated = "generated"
	SourceManual    = "manual"
)

// Discount types.
const (
	DiscountPercentage   = "percentage"   // DiscountValue in basis points
	DiscountFixedAmount  = "fixed_amount" // DiscountValue in minor units
	DiscountFreeShipping = "free_shipping"
	DiscountOther        = "other"
)

// SyncStatus is where a code stands with its platform (Code.SyncStatus).
type SyncStatus string

// Sync states of a code with its platform.
const (
	SyncNone    SyncStatus = ""        // not tied to a platform
	SyncPending SyncStatus = "pending" // waiting to be created on the platform
	SyncSynced  SyncStatus = "synced"  // the platform has it as it is here
	SyncFailed  SyncStatus = "failed"  // the platform refused it; SyncError says why
)

// Code is a discount code. Code keeps the platform's spelling; Normalized
// is what matching uses (case-insensitive). ConnectionID is 0 for a code
// not tied to a platform store.
type Code struct {
	ID              uint64     `gorm:"primaryKey" json:"id"`
	AccountID       uint64     `gorm:"not null;uniqueIndex:idx_code_norm;index:idx_code_account" json:"account_id"`
	ConnectionID    uint64     `gorm:"not null;default:0;uniqueIndex:idx_code_norm" json:"connection_id"`
	Code            string     `gorm:"not null" json:"code"`
	Normalized      string     `gorm:"not null;uniqueIndex:idx_code_norm" json:"-"`
	DiscountType    string     `gorm:"size:16;not null;default:percentage" json:"discount_type"`
	DiscountValue   int64      `gorm:"not null;default:0" json:"discount_value"`
	Currency        string     `gorm:"size:3" json:"currency,omitempty"`
	OncePerCustomer bool       `gorm:"not null;default:false" json:"once_per_customer"`
	Source          string     `gorm:"size:16;not null" json:"source"`
	PlatformID      string     `json:"platform_id,omitempty"`      // the platform's discount id
	PlatformCodeID  string     `json:"platform_code_id,omitempty"` // the platform's id of this code
	AffiliateID     *uint64    `gorm:"index" json:"affiliate_id,omitempty"`
	Active          bool       `gorm:"not null" json:"active"` // no DB default: GORM would put it in place of a wanted false
	SyncStatus      SyncStatus `gorm:"size:16;not null;default:''" json:"sync_status,omitempty"`
	SyncError       string     `json:"sync_error,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`

	// StoreStatus and StoreNote follow turning the code off on its store
	// (StoreOffPending, StoreOff, StoreOffFailed) and say how it went.
	StoreStatus StoreOffStatus `gorm:"size:32;not null;default:''" json:"store_status,omitempty"`
	StoreNote   string         `gorm:"not null;default:''" json:"store_note,omitempty"`

	// Uses and Sales are its earning orders and their net subtotal per
	// currency (ListCodesWithStats fills them in).
	Uses  int64       `gorm:"-" json:"uses"`
	Sales []CodeSales `gorm:"-" json:"sales"`
}

// NormalizeCode is the matching form of a code: control characters
// dropped, trimmed, inner spaces kept, upper-cased.
func NormalizeCode(code string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, code))
}

package models

import (
	"strings"
	"time"

	"gorm.io/gorm"
)

// Actions a merchant takes by hand on the ledger, each audited.
const (
	AuditApprove    = "approve"    // a flagged self-referral paid after all
	AuditReject     = "reject"     // a flagged self-referral kept out for good
	AuditManual     = "manual"     // a conversion added by hand
	AuditAdjustment = "adjustment" // a signed amount added by hand
)

// OriginManual marks a conversion the merchant added by hand.
const OriginManual = "manual"

// MaxReasonLength bounds the reason given for a change made by hand.
const MaxReasonLength = 500

// LedgerAudit records who changed an affiliate's money by hand, when and
// why. ReviewKey makes a flagged conversion's review happen once: a
// second approval or rejection of the same conversion is a conflict.
type LedgerAudit struct {
	ID            uint64  `gorm:"primaryKey" json:"id"`
	AccountID     uint64  `gorm:"not null;index;uniqueIndex:idx_ledger_audit_key" json:"account_id"`
	Action        string  `gorm:"size:16;not null" json:"action"`
	AffiliateID   uint64  `gorm:"not null" json:"affiliate_id"`
	ConversionID  *uint64 `gorm:"index" json:"conversion_id,omitempty"`
	LedgerEntryID *uint64 `json:"ledger_entry_id,omitempty"`
	Amount        int64   `gorm:"not null;default:0" json:"amount"`
	Currency      string  `gorm:"size:3;not null;default:''" json:"currency,omitempty"`
	ReviewKey     *string `gorm:"uniqueIndex" json:"-"`
	// IdempotencyKey is the key the merchant's client sent with a change
	// by hand; a repeat with the same key returns the first change.
	IdempotencyKey *string   `gorm:"size:64;uniqueIndex:idx_ledger_audit_key" json:"-"`
	Actor          string    `gorm:"not null" json:"actor"`
	Reason         string    `gorm:"not null" json:"reason"`
	CreatedAt      time.Time `json:"created_at"`
}

// HandChange is who makes a change by hand and why; both are required.
type HandChange struct {
	Actor  string
	Reason string
	// Key is optional on adjustments and manual conversions: 8–64
	// letters, digits, - or _; a repeat with the same key books nothing.
	Key string
}

// check trims and bounds the actor and the reason.
func (h *HandChange) check() error {
	h.Actor, h.Reason = strings.TrimSpace(h.Actor), strings.TrimSpace(h.Reason)
	if h.Actor == "" {
		return invalidf("no one to record the change for")
	}
	if h.Reason == "" {
		return invalidf("reason is required: say why (a bonus, a correction, ...)")
	}
	if err := CheckLine("reason", h.Reason, MaxReasonLength); err != nil {
		return err
	}
	if h.Key != "" && !runKeyPattern.MatchString(h.Key) {
		return invalidf("idempotency_key must be 8 to 64 letters, digits, - or _")
	}
	return CheckLine("actor", h.Actor, MaxLineLength)
}

// audit writes one audit row in tx.
func (s *Store) audit(tx *gorm.DB, a *LedgerAudit, h HandChange) error {
	a.Actor, a.Reason, a.CreatedAt = h.Actor, h.Reason, s.now()
	if h.Key != "" {
		a.IdempotencyKey = &h.Key
	}
	return tx.Create(a).Error
}

// ConversionAudits lists the changes made by hand to a conversion, oldest first.
func conversionAudits(tx *gorm.DB, accountID, conversionID uint64) ([]LedgerAudit, error) {
	out := []LedgerAudit{}
	err := tx.Where("account_id = ? AND conversion_id = ?", accountID, conversionID).Order("id").Find(&out).Error
	return out, err
}

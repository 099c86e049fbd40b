package models

import "time"

// Commission kinds.
const (
	CommissionPercent = "percent" // BasisPoints of the order subtotal
	CommissionFlat    = "flat"    // FlatAmount minor units per order
)

// CommissionRule decides what an attributed order earns. The account default
// has AffiliateID 0; an affiliate's override has its id.
// RecurringMonths: nil = renewals earn for the subscription's lifetime,
// 0 = first payment only, N = renewals within N months of the first payment.
type CommissionRule struct {
	ID              uint64 `gorm:"primaryKey" json:"id"`
	AccountID       uint64 `gorm:"not null;uniqueIndex:idx_rule_scope" json:"account_id"`
	AffiliateID     uint64 `gorm:"not null;default:0;uniqueIndex:idx_rule_scope" json:"affiliate_id"`
	Kind            string `gorm:"size:16;not null" json:"kind"`
	BasisPoints     int64  `gorm:"not null;default:0" json:"basis_points"`
	FlatAmount      int64  `gorm:"not null;default:0" json:"flat_amount"`
	Currency        string `gorm:"size:3;not null" json:"currency"`
	RecurringMonths *int   `json:"recurring_months"`
	HoldDays        int    `gorm:"not null" json:"hold_days"` // no DB default: GORM would put it in place of a wanted 0
	// RepeatBasisPoints (a percent rule) or RepeatFlatAmount (a flat one),
	// when set, is what a repeat order earns: one whose customer has an
	// earlier order recorded here (any code, any affiliate). Nil: the same
	// as a first order.
	RepeatBasisPoints *int64    `json:"repeat_basis_points"`
	RepeatFlatAmount  *int64    `json:"repeat_flat_amount"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// DefaultCommissionRule is what a new account starts with: 10% of the
// subtotal, first payment only, 30 days hold (the usual refund window).
func DefaultCommissionRule(accountID uint64, currency string) CommissionRule {
	zero := 0
	return CommissionRule{AccountID: accountID, Kind: CommissionPercent, BasisPoints: 1000,
		Currency: currency, RecurringMonths: &zero, HoldDays: 30}
}

// Validate checks a rule's fields.
func (r *CommissionRule) Validate() error {
	switch r.Kind {
	case CommissionPercent:
		if r.BasisPoints < 0 || r.BasisPoints > 10000 {
			return invalidf("basis_points must be between 0 and 10000")
		}
	case CommissionFlat:
		if err := CheckAmount("flat_amount", r.FlatAmount); err != nil {
			return err
		}
	default:
		return invalidf("kind must be %q or %q", CommissionPercent, CommissionFlat)
	}
	if !ValidCurrency(r.Currency) {
		return invalidf("currency %q is not an ISO 4217 code", r.Currency)
	}
	if r.RecurringMonths != nil && (*r.RecurringMonths < 0 || *r.RecurringMonths > 1200) {
		return invalidf("recurring_months must be between 0 and 1200, or null for lifetime")
	}
	if r.HoldDays < 0 || r.HoldDays > 365 {
		return invalidf("hold_days must be between 0 and 365")
	}
	if r.Kind == CommissionPercent {
		r.RepeatFlatAmount = nil
		if v := r.RepeatBasisPoints; v != nil && (*v < 0 || *v > 10000) {
			return invalidf("repeat_basis_points must be between 0 and 10000, or null for the first order's rate")
		}
	} else {
		r.RepeatBasisPoints = nil
		if v := r.RepeatFlatAmount; v != nil {
			if err := CheckAmount("repeat_flat_amount", *v); err != nil {
				return err
			}
		}
	}
	return nil
}

// HasRepeatRate reports whether repeat orders earn another rate.
func (r *CommissionRule) HasRepeatRate() bool {
	return r.Kind == CommissionPercent && r.RepeatBasisPoints != nil || r.Kind == CommissionFlat && r.RepeatFlatAmount != nil
}

// Commission is what an order subtotal earns under the rule, in the
// order's currency. A flat rule in another currency earns nothing (there is
// no exchange rate we could trust).
func (r *CommissionRule) Commission(subtotal int64, currency string) int64 {
	if subtotal <= 0 {
		return 0
	}
	if r.Kind == CommissionFlat {
		if r.Currency != currency {
			return 0
		}
		return r.FlatAmount
	}
	return ApplyBasisPoints(subtotal, r.BasisPoints)
}

// CommissionNote says why an order earned nothing under the rule when that
// is not obvious: a flat rule in another currency than the order's.
func (r *CommissionRule) CommissionNote(subtotal int64, currency string) string {
	if subtotal > 0 && r.Kind == CommissionFlat && r.Currency != currency {
		return "no commission: the flat rule pays " + FormatMinor(r.FlatAmount, r.Currency) + " " + r.Currency +
			" per order, and this order is in " + currency + " (no exchange rate is applied)"
	}
	return ""
}

package models

import (
	"context"

	"gorm.io/gorm"
)

// ConversionDetail is everything about one conversion: the order, its
// store, the code and affiliate, why it earned what it did, its refunds,
// every ledger entry booked for it and the changes made to it by hand.
type ConversionDetail struct {
	Conversion
	Platform       string    `json:"platform"`
	StoreName      string    `json:"store_name"`
	AffiliateName  string    `json:"affiliate_name,omitempty"`
	AffiliateEmail string    `json:"affiliate_email,omitempty"`
	CreditedBy     string    `json:"credited_by"` // code, renewal, manual, none
	Rule           *RuleView `json:"rule,omitempty"`
	// Lines are the order's lines as booked, each with what it earned and
	// the rule that decided it; empty when the order came without lines.
	Lines   []ConversionLine `json:"lines"`
	Entries []LedgerEntry    `json:"entries"`
	Audits  []LedgerAudit    `json:"audits"`
}

// RuleView is the commission rule an affiliate's orders earn by now.
type RuleView struct {
	CommissionRule
	Own   bool   `json:"own"`   // the affiliate's own rule, not the account default
	Terms string `json:"terms"` // what it pays, in words
}

// Credit reasons of a conversion.
const (
	CreditCode    = "code"    // the order's code belongs to the affiliate
	CreditRenewal = "renewal" // a renewal of a subscription the affiliate brought
	CreditRepeat  = "repeat"  // a later order of a customer the affiliate brought (lifetime attribution)
	CreditManual  = "manual"  // added by hand
	CreditNone    = "none"    // a known code without an affiliate
)

// GetConversionDetail loads one of the account's conversions with all it
// takes to explain it; another account's is ErrNotFound.
func (s *Store) GetConversionDetail(ctx context.Context, accountID, id uint64) (*ConversionDetail, error) {
	db := s.db.WithContext(ctx)
	var d ConversionDetail
	if err := first(db, &d.Conversion, "conversion", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	var conn Connection
	if err := db.Where("id = ? AND account_id = ?", d.ConnectionID, accountID).Limit(1).Find(&conn).Error; err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	d.Platform, d.StoreName = conn.Platform, conn.DisplayName()
	d.CreditedBy = creditedBy(&d.Conversion)
	refunds := []Conversion{d.Conversion}
	var err error
	if err = s.loadRefunds(ctx, refunds); err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	d.Refunds = refunds[0].Refunds
	if err := s.explainRule(db, &d); err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	if d.Lines, err = loadConversionLines(db, id); err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	d.Entries = []LedgerEntry{}
	err = db.Where("account_id = ? AND conversion_id = ?", accountID, id).Order("created_at, id").Find(&d.Entries).Error
	if err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	if d.Audits, err = conversionAudits(db, accountID, id); err != nil {
		return nil, wrapErr("get conversion detail", err)
	}
	return &d, nil
}

func creditedBy(c *Conversion) string {
	switch {
	case c.Origin == OriginManual:
		return CreditManual
	case c.AffiliateID == nil:
		return CreditNone
	case c.Lifetime:
		return CreditRepeat
	case c.Recurring:
		return CreditRenewal
	}
	return CreditCode
}

// explainRule fills in the affiliate and the rule its orders earn by.
func (s *Store) explainRule(db *gorm.DB, d *ConversionDetail) error {
	if d.AffiliateID == nil {
		return nil
	}
	var aff Affiliate
	if err := db.Where("id = ? AND account_id = ?", *d.AffiliateID, d.AccountID).Limit(1).Find(&aff).Error; err != nil {
		return err
	}
	d.AffiliateName, d.AffiliateEmail = aff.Name, aff.Email
	rule, _, err := effectiveRule(db, d.AccountID, *d.AffiliateID, nil)
	if err != nil {
		return err
	}
	d.Rule = &RuleView{CommissionRule: *rule, Own: rule.AffiliateID != 0, Terms: CommissionTerms(rule)}
	return nil
}

// What the affiliate portal shows once signed in: balances and recent
// conversions of the signed-in affiliate.

package models

import (
	"context"
	"fmt"
	"time"

	"codecredit/models/emailtmpl"
)

// PortalConversion is one order as its affiliate sees it: no customer data.
type PortalConversion struct {
	PlacedAt    time.Time        `json:"placed_at"`
	OrderNumber string           `json:"order_number"`
	Code        string           `json:"code"`
	Currency    string           `json:"currency"`
	Subtotal    int64            `json:"subtotal"`   // net of refunds
	Commission  int64            `json:"commission"` // net of reversals
	Status      ConversionStatus `json:"status"`
	// PayableAt is when commission on hold becomes payable (nil otherwise).
	PayableAt *time.Time `json:"payable_at,omitempty"`
}

// PortalView is everything the portal shows one affiliate.
type PortalView struct {
	Program     emailtmpl.Program
	Affiliate   Affiliate
	Codes       []emailtmpl.Code
	Commission  string
	Balances    []Balance
	Conversions []PortalConversion
	Total       int64 // conversions in all
	Page        int
	PerPage     int
}

// PortalOverview gathers, for one affiliate only, its active codes and
// their links, its balances (the ledger's, as Balances sums them), its
// commission terms and a page of its conversions.
func (s *Store) PortalOverview(ctx context.Context, aff *Affiliate, page int) (*PortalView, error) {
	if aff == nil || aff.ID == 0 || aff.AccountID == 0 {
		return nil, wrapErr("portal overview", notFound("affiliate"))
	}
	db := s.db.WithContext(ctx)
	set, err := emailSettings(db, aff.AccountID)
	if err != nil {
		return nil, fmt.Errorf("models: portal overview: %w", err)
	}
	acct, links, err := linkContext(db, aff.AccountID, set)
	if err != nil {
		return nil, fmt.Errorf("models: portal overview: %w", err)
	}
	rule, _, err := effectiveRule(db, acct.ID, aff.ID, acct)
	if err != nil {
		return nil, fmt.Errorf("models: portal overview: %w", err)
	}
	v := &PortalView{Program: program(acct, set), Affiliate: *aff, Commission: CommissionTerms(rule)}
	v.Affiliate.Notes = "" // the merchant's own notes are not the affiliate's to read
	var codes []Code
	if err := db.Where("account_id = ? AND affiliate_id = ? AND active = ?", aff.AccountID, aff.ID, true).
		Order("id").Find(&codes).Error; err != nil {
		return nil, wrapErr("portal overview", err)
	}
	for _, c := range codes {
		v.Codes = append(v.Codes, links.code(c))
	}
	if v.Balances, err = s.Balances(ctx, aff.AccountID, aff.ID); err != nil {
		return nil, fmt.Errorf("models: portal overview: %w", err)
	}
	return v, wrapErr("portal overview", s.portalConversions(ctx, aff, page, v))
}

// portalConversions fills v with one page of the affiliate's conversions.
func (s *Store) portalConversions(ctx context.Context, aff *Affiliate, page int, v *PortalView) error {
	page, per := ClampPaging(page, DefaultPerPage)
	rows, total, err := s.ListConversions(ctx, aff.AccountID, ConversionFilter{AffiliateID: aff.ID, Page: page, PerPage: per})
	if err != nil {
		return err
	}
	v.Total, v.Page, v.PerPage = total, page, per
	for _, c := range rows {
		pc := PortalConversion{PlacedAt: c.PlacedAt, OrderNumber: firstNonEmpty(c.OrderNumber, c.ExternalOrderID),
			Code: c.Code, Currency: c.Currency, Subtotal: c.Subtotal - c.RefundedSubtotal,
			Commission: c.Commission - c.ReversedCommission, Status: c.Status}
		if c.AwaitsApproval() {
			pc.PayableAt = &c.ApproveAt
		}
		v.Conversions = append(v.Conversions, pc)
	}
	return nil
}

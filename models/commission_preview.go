package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms"
)

// CommissionPreview is an order to try the rules on, as if it were paid
// now with a code of the affiliate's on the store: nothing is stored.
type CommissionPreview struct {
	Order        platforms.Order
	AffiliateID  uint64 // 0: an affiliate under the program default
	CodeID       uint64 // 0: no code rule
	ConnectionID uint64 // the store whose product ids the lines name; 0 for any
	// RepeatCustomer previews a repeat customer's order (see
	// CommissionRule.RepeatBasisPoints).
	RepeatCustomer bool
}

// PreviewLine is what one line of a previewed order would earn.
type PreviewLine struct {
	commission.Line
	Title string `json:"title"`
	Why   string `json:"why"`
}

// PreviewResult is what a previewed order would earn, and why.
type PreviewResult struct {
	Currency   string        `json:"currency"`
	Subtotal   int64         `json:"subtotal"`
	Commission int64         `json:"commission"`
	Why        string        `json:"why"`
	Note       string        `json:"note,omitempty"`
	Lines      []PreviewLine `json:"lines"`
}

// PreviewCommission works out what an order would earn under the
// account's rules as they are now, the same way booking does. The order's
// subtotal is its lines' net when it has lines; its currency is the
// account's when empty. An affiliate, code or store of another account is
// ErrNotFound.
func (s *Store) PreviewCommission(ctx context.Context, accountID uint64, p CommissionPreview) (*PreviewResult, error) {
	o := p.Order
	o.ExternalID, o.PlacedAt = "preview", s.now()
	var out *PreviewResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		book := s.newRuleBook(tx)
		book.previewRepeat = &p.RepeatCustomer
		ar, err := book.account(accountID)
		if err != nil {
			return err
		}
		if o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency)); o.Currency == "" {
			o.Currency = ar.account.Currency
		}
		if len(o.Lines) > 0 {
			o.Subtotal = 0
			for _, l := range o.Lines {
				o.Subtotal += l.Net(o.TaxesIncluded)
			}
		}
		if err := validateOrder(&o); err != nil {
			return err
		}
		cr, err := previewCredit(tx, accountID, p)
		if err != nil {
			return err
		}
		res, _, ord, err := book.earn(&Connection{ID: p.ConnectionID, AccountID: accountID}, &o, cr)
		if err != nil {
			return err
		}
		out = &PreviewResult{Currency: o.Currency, Subtotal: o.Subtotal, Commission: res.Commission,
			Why: whyOf(res, ord), Note: res.Note, Lines: make([]PreviewLine, len(res.Lines))}
		for i, l := range res.Lines {
			out.Lines[i] = PreviewLine{Line: l, Title: "Shipping", Why: commission.Why(l.Rule)}
			if i < len(o.Lines) {
				out.Lines[i].Title = o.Lines[i].Title
			}
		}
		return nil
	})
	return out, wrapErr("preview commission", err)
}

// previewCredit is the credit a previewed order gets: the affiliate and
// code named, checked to be the account's.
func previewCredit(tx *gorm.DB, accountID uint64, p CommissionPreview) (credit, error) {
	var cr credit
	if p.AffiliateID != 0 {
		cr.affiliate = &Affiliate{}
		if err := first(tx, cr.affiliate, "affiliate", "id = ? AND account_id = ?", p.AffiliateID, accountID); err != nil {
			return cr, withField("affiliate_id", err)
		}
	}
	if p.CodeID != 0 {
		cr.code = &Code{}
		if err := first(tx, cr.code, "code", "id = ? AND account_id = ?", p.CodeID, accountID); err != nil {
			return cr, withField("code_id", err)
		}
	}
	if p.ConnectionID != 0 {
		var n int64
		if err := tx.Model(&Connection{}).Where("id = ? AND account_id = ?", p.ConnectionID, accountID).Count(&n).Error; err != nil {
			return cr, err
		}
		if n == 0 {
			return cr, withField("connection_id", notFound("store"))
		}
	}
	return cr, nil
}

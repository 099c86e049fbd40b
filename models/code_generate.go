package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"codecredit/models/codename"
)

// maxGenerateBatch caps one explicit list of affiliates to generate for.
const maxGenerateBatch = 1000

// DiscountSpec is the discount a code gives: Value is basis points for a
// percentage (1500 = 15%) and minor units of Currency for a fixed amount.
type DiscountSpec struct {
	Type     string `json:"discount_type"`
	Value    int64  `json:"discount_value"`
	Currency string `json:"currency,omitempty"`
}

// validate checks d and normalises its currency (none for a percentage).
func (d *DiscountSpec) validate() error {
	d.Currency = strings.ToUpper(strings.TrimSpace(d.Currency))
	switch d.Type {
	case DiscountPercentage:
		if d.Value < 1 || d.Value > 10000 {
			return invalidf("a percentage discount_value is in basis points, from 1 to 10000 (1500 = 15%%)")
		}
		d.Currency = ""
	case DiscountFixedAmount:
		if d.Value <= 0 {
			return invalidf("a fixed_amount discount_value must be a positive amount in minor units (1000 = 10.00)")
		}
		if d.Value > 1_000_000_000_000 {
			return invalidf("discount_value is too large")
		}
		if d.Currency == "" {
			return invalidf("currency is required for a fixed_amount discount")
		}
		if !ValidCurrency(d.Currency) {
			return invalidf("currency %q is not an ISO 4217 code", d.Currency)
		}
	default:
		return invalidf("discount_type must be %q or %q", DiscountPercentage, DiscountFixedAmount)
	}
	return nil
}

// GeneratedCode is one code a naming rule makes for an affiliate.
type GeneratedCode struct {
	AffiliateID   uint64 `json:"affiliate_id"`
	AffiliateName string `json:"affiliate_name"`
	Code          string `json:"code"`
}

// PreviewCodes shows the codes GenerateCodes would make, writing nothing.
// Random parts are drawn afresh by GenerateCodes. An empty template is the
// account's naming rule; a fixed_amount discount without currency is in the
// account's currency.
func (s *Store) PreviewCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec, affiliateIDs []uint64) ([]GeneratedCode, error) {
	return s.PreviewBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AffiliateIDs: affiliateIDs})
}

// PreviewMissingCodes shows the codes GenerateMissingCodes would make,
// writing nothing.
func (s *Store) PreviewMissingCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec) ([]GeneratedCode, error) {
	return s.PreviewBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AllMissing: true})
}

// GenerateCodes makes and saves one code per affiliate (source generated,
// not tied to a platform store yet), unique in the account and the batch.
// Every affiliate must be one of the account's, active, and listed once.
func (s *Store) GenerateCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec, affiliateIDs []uint64) ([]Code, error) {
	return s.GenerateBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AffiliateIDs: affiliateIDs})
}

// GenerateMissingCodes makes a code for every active affiliate of the
// account that has no active code. None missing is an empty list.
func (s *Store) GenerateMissingCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec) ([]Code, error) {
	return s.GenerateBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AllMissing: true})
}

// affiliatesWithoutCode lists the active affiliates with no active code.
func affiliatesWithoutCode(tx *gorm.DB, accountID uint64) ([]Affiliate, error) {
	var affs []Affiliate
	err := tx.Where("account_id = ? AND status = ?", accountID, AffiliateActive).
		Where("NOT EXISTS (SELECT 1 FROM codes WHERE codes.account_id = affiliates.account_id AND codes.affiliate_id = affiliates.id AND codes.active = ?)", true).
		Order("id").Find(&affs).Error
	return affs, err
}

// affiliatesForCodes loads the listed affiliates in the given order: all
// the account's, active, none twice.
func affiliatesForCodes(tx *gorm.DB, accountID uint64, ids []uint64) ([]Affiliate, error) {
	if len(ids) == 0 {
		return nil, invalidf("no affiliates given")
	}
	if len(ids) > maxGenerateBatch {
		return nil, invalidf("at most %d affiliates at once, got %d", maxGenerateBatch, len(ids))
	}
	seen := map[uint64]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, invalidf("affiliate %d is listed twice", id)
		}
		seen[id] = true
	}
	var rows []Affiliate
	if err := tx.Where("account_id = ? AND id IN ?", accountID, ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	byID := map[uint64]Affiliate{}
	for _, a := range rows {
		byID[a.ID] = a
	}
	out := make([]Affiliate, 0, len(ids))
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			return nil, notFound(fmt.Sprintf("affiliate %d", id))
		}
		if a.Status != AffiliateActive {
			return nil, invalidf("affiliate %d (%s) is disabled; enable it before giving it codes", a.ID, a.Name)
		}
		out = append(out, a)
	}
	return out, nil
}

// generator renders one naming rule for many affiliates, avoiding every
// code the account has and every code it already made.
type generator struct {
	template string
	parts    []codename.Part
	discount DiscountSpec
	taken    map[string]bool
	store    *Connection // where the codes go; nil: no store
}

func (g *generator) codesFor(affs []Affiliate) ([]GeneratedCode, error) {
	out := make([]GeneratedCode, 0, len(affs))
	for _, a := range affs {
		code, err := g.next(a)
		if err != nil {
			return nil, err
		}
		out = append(out, GeneratedCode{AffiliateID: a.ID, AffiliateName: a.Name, Code: code})
	}
	return out, nil
}

// maxRerolls bounds the random draws for one code before giving up.
const maxRerolls = 50

// next makes a free code for a: on a collision the random parts are drawn
// again, or, without random parts, a suffix that cannot be read as part of
// the discount is appended (see collisionSuffix).
func (g *generator) next(a Affiliate) (string, error) {
	segs, err := codename.Render(g.parts, a.Name, discountDigits(g.discount))
	if err != nil {
		return "", ruleError(err)
	}
	base := codename.Text(segs)
	if codename.AlnumCount(base) < codename.MinLength {
		return "", invalidf("template %q gives %q for affiliate %d (%s): a code needs at least %d letters or digits; add literal text or {RANDOM4}",
			g.template, base, a.ID, a.Name, codename.MinLength)
	}
	if codename.HasRandom(g.parts) {
		for range maxRerolls {
			if code := codename.Text(segs); !g.taken[code] {
				g.taken[code] = true
				return code, nil
			}
			codename.Reroll(segs)
		}
		return "", conflictf("template %q found no free code for affiliate %d (%s) in %d tries; use more random characters",
			g.template, a.ID, a.Name, maxRerolls)
	}
	for n := 1; n < 100000; n++ {
		code := base
		if n > 1 {
			code = codename.WithSuffix(base, n)
		}
		if !g.taken[code] {
			g.taken[code] = true
			return code, nil
		}
	}
	return "", conflictf("template %q found no free code for affiliate %d (%s)", g.template, a.ID, a.Name)
}

// checkNamingRule tries a template on a sample affiliate, so a rule saved
// on the account is known to work.
func checkNamingRule(template string, discount DiscountSpec) error {
	parts, err := codename.Parse(template)
	if err != nil {
		return ruleError(err)
	}
	segs, err := codename.Render(parts, "Jane Doe", discountDigits(discount))
	if err != nil {
		return ruleError(err)
	}
	if code := codename.Text(segs); codename.AlnumCount(code) < codename.MinLength {
		return invalidf("template %q gives %q for an affiliate named Jane Doe: a code needs at least %d letters or digits",
			template, code, codename.MinLength)
	}
	return nil
}

// discountDigits renders the discount as digits: a whole percentage or
// whole major units as is (1500 bps → "15", 1000 USD → "10"); a fraction
// keeps its digits without the point (1250 bps → "125", 10.50 → "105").
func discountDigits(d DiscountSpec) string {
	var s string
	if d.Type == DiscountPercentage {
		s = FormatMinor(d.Value, "XXX") // two decimals: basis points as percent
	} else {
		s = FormatMinor(d.Value, d.Currency)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return strings.ReplaceAll(s, ".", "")
}

// ruleError reports a naming rule codename refused as invalid input, in
// codename's words.
func ruleError(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}

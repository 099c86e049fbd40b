package models

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
)

// Scopes of a condition rule: what it targets.
const (
	ScopeCode       = "code"       // Target is the code's id
	ScopeProduct    = "product"    // Target is the platform's product id
	ScopeVariant    = "variant"    // Target is the platform's variant id
	ScopeCollection = "collection" // Target is the platform's collection id
)

// ConditionRule is a commission rule for some orders or lines only: those
// paid with one code, or the lines of one product, variant or collection
// (Kind commission.Exclude: they earn nothing). Product, variant and
// collection ids are a store's: ConnectionID names it (0 matches the ids
// on every store, for orders reported through the API). See the
// commission package for how rules take precedence.
type ConditionRule struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;uniqueIndex:idx_condition_rule_target" json:"-"`
	Scope        string    `gorm:"size:16;not null;uniqueIndex:idx_condition_rule_target" json:"scope"`
	ConnectionID uint64    `gorm:"not null;default:0;uniqueIndex:idx_condition_rule_target" json:"connection_id"`
	Target       string    `gorm:"size:255;not null;uniqueIndex:idx_condition_rule_target" json:"target"`
	Label        string    `gorm:"size:255;not null;default:''" json:"label"` // the product, collection or code as the merchant sees it
	Kind         string    `gorm:"size:16;not null" json:"kind"`
	BasisPoints  int64     `gorm:"not null;default:0" json:"basis_points"`
	FlatAmount   int64     `gorm:"not null;default:0" json:"flat_amount"`
	Currency     string    `gorm:"size:3;not null;default:''" json:"currency"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Rule is the rule as the commission package takes it.
func (r *ConditionRule) Rule() commission.Rule {
	src := map[string]string{ScopeCode: commission.SourceCode, ScopeProduct: commission.SourceProduct,
		ScopeVariant: commission.SourceVariant, ScopeCollection: commission.SourceCollection}[r.Scope]
	return commission.Rule{ID: r.ID, Source: src, Label: r.Label, Target: r.Target, Kind: r.Kind,
		BasisPoints: r.BasisPoints, FlatAmount: r.FlatAmount, Currency: r.Currency}
}

// Why says in words what the rule pays and on what.
func (r *ConditionRule) Why() string { return commission.Why(r.Rule()) }

// validate checks the rule's fields, naming the one that is wrong.
func (r *ConditionRule) validate() error {
	r.Target, r.Label = strings.TrimSpace(r.Target), strings.TrimSpace(r.Label)
	r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
	switch r.Scope {
	case ScopeCode, ScopeProduct, ScopeVariant, ScopeCollection:
	default:
		return withField("scope", invalidf("scope must be %q, %q, %q or %q", ScopeCode, ScopeProduct, ScopeVariant, ScopeCollection))
	}
	if r.Target == "" || len(r.Target) > 255 {
		return withField("target", invalidf("say which %s the rule is for", r.Scope))
	}
	if len(r.Label) > 255 {
		return withField("label", invalidf("label must be at most 255 characters"))
	}
	switch r.Kind {
	case commission.Percent:
		if r.BasisPoints < 0 || r.BasisPoints > 10000 {
			return withField("basis_points", invalidf("basis_points must be between 0 and 10000"))
		}
		r.FlatAmount, r.Currency = 0, ""
	case commission.Flat:
		if err := CheckAmount("flat_amount", r.FlatAmount); err != nil {
			return withField("flat_amount", err)
		}
		if !ValidCurrency(r.Currency) {
			return withField("currency", invalidf("currency %q is not an ISO 4217 code", r.Currency))
		}
		r.BasisPoints = 0
	case commission.Exclude:
		if r.Scope == ScopeCode {
			return withField("kind", invalidf("a code cannot be excluded: deactivate the code instead"))
		}
		r.BasisPoints, r.FlatAmount, r.Currency = 0, 0, ""
	default:
		return withField("kind", invalidf("kind must be %q, %q or %q", commission.Percent, commission.Flat, commission.Exclude))
	}
	return nil
}

// ListConditionRules lists the account's condition rules, codes first,
// then variants, products and collections, each oldest first.
func (s *Store) ListConditionRules(ctx context.Context, accountID uint64) ([]ConditionRule, error) {
	rules := []ConditionRule{}
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id").Find(&rules).Error
	sortByScope(rules)
	return rules, wrapErr("list condition rules", err)
}

// SaveConditionRule creates a rule (r.ID 0) or replaces one of the
// account's; another account's is ErrNotFound, a second rule for the same
// target ErrConflict. A code rule's label is the code. The change applies
// to orders booked from now on; booked commission never changes.
func (s *Store) SaveConditionRule(ctx context.Context, accountID uint64, r ConditionRule) (*ConditionRule, error) {
	if err := r.validate(); err != nil {
		return nil, wrapErr("save condition rule", err)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := checkRuleTarget(tx, accountID, &r); err != nil {
			return err
		}
		var clash []ConditionRule
		if err := tx.Where("account_id = ? AND scope = ? AND connection_id = ? AND target = ? AND id <> ?",
			accountID, r.Scope, r.ConnectionID, r.Target, r.ID).Limit(1).Find(&clash).Error; err != nil {
			return err
		}
		if len(clash) > 0 {
			return withField("target", conflictf("%s already has a rule: change that one instead", labelOr(clash[0].Label, r.Target)))
		}
		r.AccountID = accountID
		if r.ID == 0 {
			return tx.Create(&r).Error
		}
		var old ConditionRule
		if err := first(tx, &old, "commission rule", "id = ? AND account_id = ?", r.ID, accountID); err != nil {
			return err
		}
		r.CreatedAt = old.CreatedAt
		return tx.Save(&r).Error
	})
	if err != nil {
		return nil, wrapErr("save condition rule", err)
	}
	return &r, nil
}

// checkRuleTarget checks that a code rule's code and a product rule's
// store are the account's, and names a code rule by its code.
func checkRuleTarget(tx *gorm.DB, accountID uint64, r *ConditionRule) error {
	if r.Scope == ScopeCode {
		r.ConnectionID = 0
		id, err := strconv.ParseUint(r.Target, 10, 64)
		if err != nil {
			return withField("target", invalidf("a code rule's target is the code's id"))
		}
		var c Code
		if err := first(tx, &c, "code", "id = ? AND account_id = ?", id, accountID); err != nil {
			return withField("target", err)
		}
		r.Label = c.Code
		return nil
	}
	if r.ConnectionID == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&Connection{}).Where("id = ? AND account_id = ?", r.ConnectionID, accountID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return withField("connection_id", notFound("store"))
	}
	return nil
}

// DeleteConditionRule removes one of the account's rules; another
// account's, or one already gone, is ErrNotFound.
func (s *Store) DeleteConditionRule(ctx context.Context, accountID, id uint64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND account_id = ?", id, accountID).Delete(&ConditionRule{})
	if res.Error == nil && res.RowsAffected == 0 {
		return wrapErr("delete condition rule", notFound("commission rule"))
	}
	return wrapErr("delete condition rule", res.Error)
}

// sortByScope orders rules by scope (code, variant, product, collection),
// keeping the order within a scope.
func sortByScope(rules []ConditionRule) {
	rank := map[string]int{ScopeCode: 0, ScopeVariant: 1, ScopeProduct: 2, ScopeCollection: 3}
	slices.SortStableFunc(rules, func(a, b ConditionRule) int { return cmp.Compare(rank[a.Scope], rank[b.Scope]) })
}

func labelOr(label, alt string) string {
	if label != "" {
		return label
	}
	return alt
}

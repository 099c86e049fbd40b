package models

import (
	"strconv"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms"
)

// ruleBook is what decides commissions, loaded once per account (and rule
// scope) for the orders of one transaction: a batch reads each account's
// rules once, however many orders it books.
type ruleBook struct {
	tx       *gorm.DB
	accounts map[uint64]*accountRules
	scopes   map[[2]uint64]*CommissionRule
	seen     map[customerKey]time.Time // customers booked in tx: their first order's time
	counts   map[tierKey]*tierCount    // tier counts read or counted in tx
	bonuses  map[string]int            // what is known of tier bonuses (bonusUnknown…)
	// previewRepeat, in a preview, says whether the order is a repeat
	// customer's, in place of looking the customer up.
	previewRepeat *bool
}

// accountRules are one account's condition rules and base.
type accountRules struct {
	account     Account
	codes       map[string]commission.Rule // code rules by code id
	lines       []ConditionRule            // product, variant and collection rules
	collections bool                       // some line rule targets a collection
	tiers       []CommissionTier           // by threshold, lowest first
}

func (s *Store) newRuleBook(tx *gorm.DB) *ruleBook {
	return &ruleBook{tx: tx, accounts: map[uint64]*accountRules{}, scopes: map[[2]uint64]*CommissionRule{},
		counts: map[tierKey]*tierCount{}, bonuses: map[string]int{}, seen: map[customerKey]time.Time{}}
}

func (b *ruleBook) account(id uint64) (*accountRules, error) {
	if ar := b.accounts[id]; ar != nil {
		return ar, nil
	}
	ar := &accountRules{codes: map[string]commission.Rule{}}
	if err := first(b.tx, &ar.account, "account", id); err != nil {
		return nil, err
	}
	var rules []ConditionRule
	if err := b.tx.Where("account_id = ?", id).Order("id").Find(&rules).Error; err != nil {
		return nil, err
	}
	for _, r := range rules {
		switch r.Scope {
		case ScopeCode:
			ar.codes[r.Target] = r.Rule()
		case ScopeCollection:
			ar.collections = true
			fallthrough
		default:
			ar.lines = append(ar.lines, r)
		}
	}
	if ar.account.TierMetric != "" {
		if err := b.tx.Where("account_id = ?", id).Order("threshold, id").Find(&ar.tiers).Error; err != nil {
			return nil, err
		}
	}
	b.accounts[id] = ar
	return ar, nil
}

// rule is the stored rule an affiliate earns under (its own or the
// program default): its hold and recurring months apply to the order.
func (b *ruleBook) rule(ar *accountRules, affiliateID uint64) (*CommissionRule, error) {
	key := [2]uint64{ar.account.ID, affiliateID}
	if r := b.scopes[key]; r != nil {
		return r, nil
	}
	r, _, err := effectiveRule(b.tx, ar.account.ID, affiliateID, &ar.account)
	b.scopes[key] = r
	return r, err
}

// earn works out what o, credited as cr on conn, earns, by the
// precedence the commission package documents (the tier the affiliate
// reached, when the account has tiers, in place of the program default),
// and returns the stored rule whose hold and recurring months apply.
func (b *ruleBook) earn(conn *Connection, o *platforms.Order, cr credit) (commission.Result, *CommissionRule, commission.Rule, error) {
	ar, err := b.account(conn.AccountID)
	if err != nil {
		return commission.Result{}, nil, commission.Rule{}, err
	}
	var affID uint64
	if cr.affiliate != nil {
		affID = cr.affiliate.ID
	}
	rule, err := b.rule(ar, affID)
	if err != nil {
		return commission.Result{}, nil, commission.Rule{}, err
	}
	in := commission.Input{Order: o, OrderRule: orderRule(rule), Base: ar.account.Base()}
	if rule.HasRepeatRate() {
		repeat, err := b.repeatCustomer(ar, o)
		if err != nil {
			return commission.Result{}, nil, commission.Rule{}, err
		}
		if repeat {
			in.OrderRule = repeatRule(rule)
		}
	}
	if rule.AffiliateID == 0 && affID != 0 && ar.tiered() {
		t, ok, err := b.tierRule(ar, affID, o.PlacedAt)
		if err != nil {
			return commission.Result{}, nil, commission.Rule{}, err
		}
		if ok {
			in.OrderRule = t
		}
	}
	if cr.code != nil {
		if r, ok := ar.codes[strconv.FormatUint(cr.code.ID, 10)]; ok {
			in.OrderRule = r
		}
	}
	if len(o.Lines) > 0 {
		for _, r := range ar.lines {
			if r.ConnectionID == 0 || r.ConnectionID == conn.ID {
				in.LineRules = append(in.LineRules, r.Rule())
			}
		}
		if ar.collections {
			if in.Collections, err = productCollections(b.tx, conn.ID, productIDs(o)); err != nil {
				return commission.Result{}, nil, commission.Rule{}, err
			}
		}
	}
	return commission.Compute(in), rule, in.OrderRule, nil
}

// orderRule is a stored rule as the commission package takes it.
func orderRule(r *CommissionRule) commission.Rule {
	src := commission.SourceDefault
	if r.AffiliateID != 0 {
		src = commission.SourceAffiliate
	}
	return commission.Rule{ID: r.ID, Source: src, Kind: r.Kind, BasisPoints: r.BasisPoints,
		FlatAmount: r.FlatAmount, Currency: r.Currency}
}

// productIDs are the distinct product ids of o's lines.
func productIDs(o *platforms.Order) []string {
	seen := map[string]bool{}
	var ids []string
	for _, l := range o.Lines {
		if l.ProductID != "" && !seen[l.ProductID] {
			seen[l.ProductID] = true
			ids = append(ids, l.ProductID)
		}
	}
	return ids
}

// Package commission works out what an order earns, line by line, from the
// rules that apply to it. It is pure: the models package loads the rules
// and stores what Compute returns, and the rule editor's preview calls
// Compute as it is, so a preview is what booking would do.
//
// Precedence, for each line: an exclusion first (an excluded product earns
// nothing under any rule), then a code rule (the order's code has its own
// rate), then a product rule (variant, then product, then collection: the
// most specific), then the order's rule: the affiliate's own rate, else
// the tier reached, else the program default. The caller picks the order's
// rule; Compute picks per line.
//
// Rounding: lines under the same percent rule share one rounding: the rule
// is applied once to the sum of their bases and the result divided among
// them in proportion to their bases (largest remainder), so an order with
// a single rule earns exactly what the rule gives its whole base, and the
// lines' commissions always sum to the order's. A flat order rule pays once
// per order, divided among its lines the same way; a flat product rule
// pays per unit.
package commission

import (
	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// Rule kinds.
const (
	Percent = "percent" // BasisPoints of the base
	Flat    = "flat"    // FlatAmount per order (order rules) or per unit (product rules)
	Exclude = "exclude" // the line earns nothing
)

// Sources: where a line's rule comes from, in order of precedence (an
// exclusion is a variant, product or collection rule of kind Exclude).
const (
	SourceCode       = "code_rule"
	SourceVariant    = "variant_rule"
	SourceProduct    = "product_rule"
	SourceCollection = "collection_rule"
	SourceAffiliate  = "affiliate_rule"
	SourceTier       = "tier"
	SourceDefault    = "program_default"
)

// ShippingLineID is the id of the line Compute adds for shipping when the
// base includes it.
const ShippingLineID = "shipping"

// Rule is one rule that may decide a line's commission.
type Rule struct {
	ID          uint64 `json:"rule_id,omitempty"`
	Source      string `json:"source"`
	Label       string `json:"label,omitempty"`  // what it targets, as the merchant named it: a product title, a code
	Target      string `json:"target,omitempty"` // product, variant or collection id, for product rules
	Kind        string `json:"kind"`
	BasisPoints int64  `json:"basis_points,omitempty"`
	FlatAmount  int64  `json:"flat_amount,omitempty"`
	Currency    string `json:"currency,omitempty"`
}

// Base says what commission is computed on. The zero value is the
// default: goods after discounts, tax and shipping left out.
type Base struct {
	Shipping       bool `json:"shipping"`        // shipping earns as a line of its own
	Tax            bool `json:"tax"`             // the goods' tax is part of the base
	BeforeDiscount bool `json:"before_discount"` // discounts do not reduce the base
}

// Input is an order and the rules that may apply to it.
type Input struct {
	Order *platforms.Order
	// OrderRule is the order's rule by precedence: the code's, the
	// affiliate's own, the tier reached or the program default.
	OrderRule Rule
	// LineRules are the program's product, variant and collection rules,
	// exclusions included; ignored under a code rule but for exclusions.
	LineRules []Rule
	// Collections lists, per product id, the collections it belongs to.
	Collections map[string][]string
	Base        Base
}

// Line is what one order line earns and why.
type Line struct {
	ID         string `json:"id"`
	Net        int64  `json:"net"`  // goods after discounts, before tax
	Base       int64  `json:"base"` // what the rule was applied to
	Commission int64  `json:"commission"`
	Rule       Rule   `json:"rule"`
}

// Result is what the order earns.
type Result struct {
	Commission int64 `json:"commission"`
	// Lines has one entry per order line, in order, then shipping when the
	// base includes it; empty when the order has no lines to go by.
	Lines []Line `json:"lines"`
	// Note says why something earned nothing that would have (a flat rule
	// in another currency, lines that do not add up to the subtotal).
	Note string `json:"note,omitempty"`
}

// Compute works out what in.Order earns.
func Compute(in Input) Result {
	o := in.Order
	if len(o.Lines) == 0 || !linesAddUp(o) {
		r := orderOnly(in)
		if len(o.Lines) > 0 {
			r.Note = joinNote(r.Note, LinesMismatchNote)
		}
		return r
	}
	lines := make([]Line, 0, len(o.Lines)+1)
	for _, l := range o.Lines {
		net := l.Net(o.TaxesIncluded)
		lines = append(lines, Line{ID: l.ID, Net: net, Base: lineBase(l, net, in.Base), Rule: pickRule(in, l)})
	}
	if in.Base.Shipping && o.Shipping > 0 {
		lines = append(lines, Line{ID: ShippingLineID, Base: o.Shipping, Rule: in.OrderRule})
	}
	var r Result
	r.Note = earn(lines, o)
	for _, l := range lines {
		r.Commission += l.Commission
	}
	r.Lines = lines
	return r
}

// LinesMismatchNote is said when an order's lines do not add up to its
// subtotal: it is credited on the subtotal, and no product rule applies.
const LinesMismatchNote = "the order's lines do not add up to its subtotal, so it was credited on the subtotal alone and no product rule applied"

// linesAddUp reports whether the lines' net adds up to the subtotal.
func linesAddUp(o *platforms.Order) bool {
	var sum int64
	for _, l := range o.Lines {
		sum += l.Net(o.TaxesIncluded)
	}
	return sum == o.Subtotal
}

// orderOnly is the commission of an order known by its totals only.
func orderOnly(in Input) Result {
	o := in.Order
	base := o.Subtotal
	if in.Base.BeforeDiscount {
		base += o.Discount
	}
	if in.Base.Tax {
		base += o.Tax
	}
	if in.Base.Shipping {
		base += o.Shipping
	}
	c, note := orderRate(in.OrderRule, base, o.Currency)
	return Result{Commission: c, Note: note}
}

// orderRate is what an order rule pays on base: a percentage, or its flat
// amount once when base is positive and the currencies agree.
func orderRate(r Rule, base int64, cur string) (int64, string) {
	if base <= 0 {
		return 0, ""
	}
	switch r.Kind {
	case Percent:
		return currency.MulDiv(base, r.BasisPoints, 10000), ""
	case Flat:
		if r.Currency != cur {
			return 0, flatCurrencyNote(r, cur, "per order")
		}
		return r.FlatAmount, ""
	}
	return 0, ""
}

// lineBase is what a line's rule applies to under base b.
func lineBase(l platforms.OrderLine, net int64, b Base) int64 {
	base := net
	if b.BeforeDiscount {
		base += l.Discount
	}
	if b.Tax {
		base += l.Tax
	}
	return base
}

// pickRule is the rule that decides line l, by precedence.
func pickRule(in Input, l platforms.OrderLine) Rule {
	cols := in.Collections[l.ProductID]
	if r, ok := match(in.LineRules, l, cols, true); ok {
		return r
	}
	if in.OrderRule.Source == SourceCode {
		return in.OrderRule
	}
	if r, ok := match(in.LineRules, l, cols, false); ok {
		return r
	}
	return in.OrderRule
}

// match finds the most specific line rule for l among the exclusions
// (excl) or the others: variant, then product, then collection; among
// equals the first listed.
func match(rules []Rule, l platforms.OrderLine, cols []string, excl bool) (Rule, bool) {
	for _, src := range [...]string{SourceVariant, SourceProduct, SourceCollection} {
		for _, r := range rules {
			if (r.Kind == Exclude) != excl || r.Source != src || !targets(r, l, cols) {
				continue
			}
			r.Label = labelOr(r.Label, r.Target)
			return r, true
		}
	}
	return Rule{}, false
}

// targets reports whether r names line l (or one of its collections).
func targets(r Rule, l platforms.OrderLine, cols []string) bool {
	switch r.Source {
	case SourceVariant:
		return l.VariantID != "" && r.Target == l.VariantID
	case SourceProduct:
		return l.ProductID != "" && r.Target == l.ProductID
	case SourceCollection:
		for _, c := range cols {
			if c == r.Target {
				return true
			}
		}
	}
	return false
}

func labelOr(label, alt string) string {
	if label != "" {
		return label
	}
	return alt
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

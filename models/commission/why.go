package commission

import "codecredit/platforms/currency"

// Why says in words which rule decided a line and what it pays, as the
// admin and the API show it on each conversion ("why this commission").
func Why(r Rule) string {
	if r.Kind == Exclude {
		return "Excluded: " + target(r) + " earns nothing"
	}
	switch r.Source {
	case SourceCode:
		return "Code rule (" + r.Label + "): " + Pays(r)
	case SourceVariant, SourceProduct, SourceCollection:
		return "Product rule (" + target(r) + "): " + Pays(r)
	case SourceAffiliate:
		return "Affiliate's own rate" + aside(r.Label) + ": " + Pays(r)
	case SourceTier:
		return "Tier (" + r.Label + "): " + Pays(r)
	}
	return "Program default" + aside(r.Label) + ": " + Pays(r)
}

// Pays says what a rule pays: "12.5%", "2.00 USD per unit" (a product
// rule) or "5.00 USD per order".
func Pays(r Rule) string {
	switch r.Kind {
	case Exclude:
		return "nothing"
	case Flat:
		per := " per order"
		if isLineSource(r.Source) {
			per = " per unit"
		}
		return currency.FormatMinor(r.FlatAmount, r.Currency) + " " + r.Currency + per
	}
	return currency.BasisPointsToPercent(r.BasisPoints) + "%"
}

// isLineSource reports whether src is a product rule's (it targets lines).
func isLineSource(src string) bool {
	return src == SourceVariant || src == SourceProduct || src == SourceCollection
}

// target names what a product rule targets, with its kind.
func target(r Rule) string {
	name := labelOr(r.Label, r.Target)
	switch r.Source {
	case SourceVariant:
		return "variant " + name
	case SourceCollection:
		return "collection " + name
	}
	return name
}

// aside is " (label)", or nothing without a label.
func aside(label string) string {
	if label == "" {
		return ""
	}
	return " (" + label + ")"
}

package models

import "strings"

// typedCodes keeps the codes an order names that are not blank, trimmed,
// with their normalised forms.
func typedCodes(typed []string) (kept, norms []string) {
	for _, t := range typed {
		if n := NormalizeCode(t); n != "" {
			kept, norms = append(kept, strings.TrimSpace(t)), append(norms, n)
		}
	}
	return kept, norms
}

// pickCodes orders the matching code rows as the order names them (by
// platform id or by text; a connection's code before an account-wide one).
func pickCodes(rows []Code, typed, norms []string) []*Code {
	byKey := map[string]*Code{}
	for i := range rows {
		c := &rows[i]
		if prev, ok := byKey[c.Normalized]; !ok || prev.ConnectionID == 0 {
			byKey[c.Normalized] = c
		}
		if c.PlatformCodeID != "" {
			byKey["\x00"+c.PlatformCodeID] = c
		}
	}
	var out []*Code
	seen := map[uint64]bool{}
	for i, t := range typed {
		c := byKey["\x00"+t]
		if c == nil {
			c = byKey[norms[i]]
		}
		if c != nil && !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	return out
}

// creditAmong credits the first of codes owned by one of the active
// affiliates, else the first code without an affiliate.
func creditAmong(codes []*Code, affiliates map[uint64]*Affiliate) credit {
	for _, c := range codes {
		if c.AffiliateID != nil && affiliates[*c.AffiliateID] != nil {
			return credit{code: c, affiliate: affiliates[*c.AffiliateID]}
		}
	}
	return credit{code: codes[0]}
}

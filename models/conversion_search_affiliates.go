package models

import (
	"context"
	"strings"
)

// maxSearchAffiliates bounds the affiliate ids a search inlines; a term
// matching more affiliates is matched by a subquery instead.
const maxSearchAffiliates = 500

// affiliateMatch is the affiliates whose name or email contains the
// search term: their ids, or (when more than maxSearchAffiliates match)
// the subquery selecting them.
type affiliateMatch struct {
	ids     []uint64
	sub     string
	subArgs []any
}

// searchAffiliates finds the account's affiliates matching term before
// the search runs, so the search's condition names them and PostgreSQL
// can plan it knowing how many orders they have (with a subquery it
// cannot, and scans every order).
func (s *Store) searchAffiliates(ctx context.Context, accountID uint64, term string) (affiliateMatch, error) {
	term = strings.TrimSpace(term)
	if term == "" {
		return affiliateMatch{}, nil
	}
	p := likeContains(strings.ToLower(term))
	const like = `SELECT id FROM affiliates WHERE account_id = ? AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\')`
	var ids []uint64
	if err := s.db.WithContext(ctx).Raw(like+" ORDER BY id LIMIT ?", accountID, p, p, maxSearchAffiliates+1).Scan(&ids).Error; err != nil {
		return affiliateMatch{}, err
	}
	if len(ids) > maxSearchAffiliates {
		return affiliateMatch{sub: like, subArgs: []any{accountID, p, p}}, nil
	}
	return affiliateMatch{ids: ids}, nil
}

// cond is " OR col IN (…)" for the matching affiliates, or "" when none
// match.
func (m affiliateMatch) cond(col string) (string, []any) {
	switch {
	case m.sub != "":
		return " OR " + col + " IN (" + m.sub + ")", m.subArgs
	case len(m.ids) > 0:
		return " OR " + col + " IN ?", []any{m.ids}
	}
	return "", nil
}

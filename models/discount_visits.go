package models

import (
	"context"
	"time"
)

// discountVisitsSQL sums the counted visits of each code's tracked link
// over whole UTC days (from the running totals) and names the code, its affiliate and its discount
// the way discountReportRows does.
const discountVisitsSQL = `SELECT codes.id AS code_id, codes.code, codes.affiliate_id, COALESCE(affiliates.name, '') AS affiliate,
codes.discount_type,
CASE WHEN codes.discount_type IN ('` + DiscountPercentage + `', '` + DiscountFixedAmount + `') THEN codes.discount_value ELSE 0 END AS discount_value,
CASE WHEN codes.discount_type = '` + DiscountFixedAmount + `' THEN codes.currency END AS discount_currency,
v.visits
FROM (SELECT l.code_id, ` + linkRangeVisits + ` AS visits FROM links l WHERE l.account_id = ?) v
JOIN codes ON codes.id = v.code_id AND codes.account_id = ?
LEFT JOIN affiliates ON affiliates.id = codes.affiliate_id AND affiliates.account_id = ?`

// DiscountVisits is the counted visits of each code's tracked link on the
// UTC days that [from, to) touches, for DiscountReport.JoinVisits. It is
// empty when no link of the account was visited in the range.
func (s *Store) DiscountVisits(ctx context.Context, accountID uint64, from, to time.Time) ([]CodeVisits, error) {
	first := from.UTC().Format(time.DateOnly)
	end := to.UTC().Truncate(24 * time.Hour)
	if end.Before(to.UTC()) {
		end = end.AddDate(0, 0, 1) // a partial last day counts whole
	}
	var rows []struct {
		CodeRef
		Visits int64
	}
	args := append(linkRangeArgs(first, end.Format(time.DateOnly)), accountID, accountID, accountID)
	err := s.db.WithContext(ctx).Raw(discountVisitsSQL, args...).Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("discount visits", err)
	}
	out := make([]CodeVisits, 0, len(rows))
	for _, r := range rows {
		if r.Visits > 0 {
			out = append(out, CodeVisits{CodeRef: r.CodeRef, Visits: r.Visits})
		}
	}
	return out, nil
}

package models

import (
	"context"
	"strings"
	"time"
)

// RangeTotal is one affiliate's or one code's results over a date range,
// in one currency, counted like Summary: Orders and Sales leave out flagged
// self-referrals and fully refunded orders; Sales and Commission are net of
// partial refunds.
type RangeTotal struct {
	ID         uint64 `json:"id"`   // the affiliate's or code's id; 0 for a removed code
	Name       string `json:"name"` // the affiliate's name or the code as the platform spells it
	Currency   string `json:"currency"`
	Orders     int64  `json:"orders"`
	Sales      int64  `json:"sales"`
	Commission int64  `json:"commission"`
}

// RangeQuery narrows AffiliateTotals and CodeTotals.
type RangeQuery struct {
	From, To time.Time // placed_at in [From, To)
	Currency string
	Limit    int // rows returned, best sales first; 1–100
}

// rangeEarns is the condition of an order that earns (as in Summary),
// over the rows of rangeSource.
const rangeEarns = "u.status NOT IN ('" + ConversionFlagged + "', '" + ConversionReversed + "')"

// rangeSource selects the attributed conversions placed in [from, to),
// as rows of (day, currency, affiliate_id, code_id, status, orders, sales,
// commission) to be summed: the whole UTC days from the conversion_days
// rollup, the partial days at either end from the conversions themselves
// (read through their account/placed_at index). currency "" is any.
func (s *Store) rangeSource(accountID uint64, from, to time.Time, currency string) (string, []any) {
	from, to = from.UTC(), to.UTC()
	d1, d2 := from.Truncate(24*time.Hour), to.Truncate(24*time.Hour)
	if d1.Before(from) {
		d1 = d1.Add(24 * time.Hour)
	}
	if !d1.Before(d2) { // no whole day: the conversions alone
		d1, d2 = to, to
	}
	day := "substr(placed_at, 1, 10)"
	if s.IsPostgres() {
		day = "to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	cur, dayArgs, rawArgs := "", []any{accountID}, []any{accountID}
	if currency != "" {
		cur = " AND currency = ?"
		dayArgs, rawArgs = append(dayArgs, currency), append(rawArgs, currency)
	}
	dayArgs = append(dayArgs, d1.Format(time.DateOnly), d2.Format(time.DateOnly))
	rawArgs = append(rawArgs, from, d1, d2, to)
	sql := "SELECT day, currency, affiliate_id, code_id, status, orders, sales, commission FROM conversion_days " +
		"WHERE account_id = ?" + cur + " AND day >= ? AND day < ? UNION ALL " +
		"SELECT " + day + " AS day, currency, affiliate_id, COALESCE(code_id, 0) AS code_id, status, 1 AS orders, " +
		"subtotal - refunded_subtotal AS sales, commission - reversed_commission AS commission FROM conversions " +
		"WHERE account_id = ? AND affiliate_id IS NOT NULL" + cur +
		" AND ((placed_at >= ? AND placed_at < ?) OR (placed_at >= ? AND placed_at < ?))"
	return sql, append(dayArgs, rawArgs...)
}

// summaryDays is Summary: per day and currency, summed from rangeSource.
func (s *Store) summaryDays(ctx context.Context, accountID uint64, from, to time.Time) ([]DaySummary, error) {
	src, args := s.rangeSource(accountID, from, to, "")
	var out []DaySummary
	err := s.db.WithContext(ctx).Raw("SELECT u.day, u.currency, "+
		"SUM(CASE WHEN "+rangeEarns+" THEN u.orders ELSE 0 END) AS conversions, "+
		"SUM(CASE WHEN "+rangeEarns+" THEN u.sales ELSE 0 END) AS sales, SUM(u.commission) AS commission, "+
		"SUM(CASE WHEN u.status = '"+ConversionFlagged+"' THEN u.orders ELSE 0 END) AS flagged, "+
		"SUM(CASE WHEN u.status = '"+ConversionReversed+"' THEN u.orders ELSE 0 END) AS refunded "+
		"FROM ("+src+") u GROUP BY u.day, u.currency HAVING SUM(u.orders) > 0 ORDER BY u.day, u.currency", args...).Scan(&out).Error
	return out, err
}

// AffiliateTotals returns the affiliates with orders in the range, best
// sales first (at most q.Limit), and how many affiliates had orders.
func (s *Store) AffiliateTotals(ctx context.Context, accountID uint64, q RangeQuery) ([]RangeTotal, int64, error) {
	return s.rangeTotals(ctx, accountID, q, "affiliate_id", "affiliates")
}

// CodeTotals returns the codes with orders in the range, best sales first
// (at most q.Limit), and how many codes had orders. A code since removed
// has an empty Name.
func (s *Store) CodeTotals(ctx context.Context, accountID uint64, q RangeQuery) ([]RangeTotal, int64, error) {
	return s.rangeTotals(ctx, accountID, q, "code_id", "codes")
}

// rangeTotals sums the range (rangeSource) by key (affiliate_id or
// code_id) first, then names the groups from table (affiliates.name or
// codes.code) and counts them in the same statement.
func (s *Store) rangeTotals(ctx context.Context, accountID uint64, q RangeQuery, key, table string) ([]RangeTotal, int64, error) {
	if !q.From.Before(q.To) {
		return nil, 0, invalidf("from must be before to")
	}
	if q.Limit < 1 || q.Limit > 100 {
		return nil, 0, invalidf("limit must be from 1 to 100")
	}
	q.Currency = strings.ToUpper(strings.TrimSpace(q.Currency))
	if !ValidCurrency(q.Currency) {
		return nil, 0, invalidf("currency %q is not an ISO 4217 code", q.Currency)
	}
	orders := "SUM(CASE WHEN " + rangeEarns + " THEN u.orders ELSE 0 END)"
	src, args := s.rangeSource(accountID, q.From, q.To, q.Currency)
	grouped := "SELECT u." + key + " AS id, " + orders + " AS orders, " +
		"SUM(CASE WHEN " + rangeEarns + " THEN u.sales ELSE 0 END) AS sales, SUM(u.commission) AS commission " +
		"FROM (" + src + ") u GROUP BY u." + key + " HAVING " + orders + " > 0"
	name := "affiliates.name"
	if table == "codes" {
		name = "codes.code"
	}
	type row struct {
		RangeTotal
		FullCount int64
	}
	var rows []row
	err := s.db.WithContext(ctx).Raw("SELECT t.id, COALESCE("+name+", '') AS name, ? AS currency, t.orders, t.sales, t.commission, "+
		"COUNT(*) OVER () AS full_count FROM ("+grouped+") AS t LEFT JOIN "+table+" ON "+table+".id = t.id AND "+table+".account_id = ? "+
		"ORDER BY t.sales DESC, t.commission DESC, t.id LIMIT ?", append(append([]any{q.Currency}, args...), accountID, q.Limit)...).Scan(&rows).Error
	out := make([]RangeTotal, len(rows))
	var count int64
	for i, r := range rows {
		out[i], count = r.RangeTotal, r.FullCount
	}
	return out, count, err
}

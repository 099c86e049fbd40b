package models

import (
	"context"
	"sort"
	"time"

	"codecredit/platforms/currency"
)

// Link report groupings.
const (
	LinkStatsByCode      = "code" // one row per code (and so per link)
	LinkStatsByAffiliate = "affiliate"
)

// LinkStats is one row of the link report: the counted visits of a
// code's link (or of all an affiliate's links) and the earning orders
// (attributed, neither flagged nor reversed) of its code(s), in a range
// of days. ConversionRate is Orders / Visits (0 without visits).
type LinkStats struct {
	CodeID         uint64        `json:"code_id,omitempty"`
	Code           string        `json:"code,omitempty"`
	Slug           string        `json:"slug,omitempty"`
	AffiliateID    uint64        `json:"affiliate_id,omitempty"`
	AffiliateName  string        `json:"affiliate_name,omitempty"`
	Visits         int64         `json:"visits"`
	Orders         int64         `json:"orders"`
	ConversionRate float64       `json:"conversion_rate"`
	Revenue        []LinkRevenue `json:"revenue"`
	key            statsKey
	sales          map[string]int64
}

// LinkRevenue is the net sales (subtotal less refunds) in one currency,
// and that divided by the visits (rounded half to even; 0 without visits).
type LinkRevenue struct {
	Currency        string `json:"currency"`
	Sales           int64  `json:"sales"`
	RevenuePerVisit int64  `json:"revenue_per_visit"`
}

type statsKey struct{ code, affiliate uint64 }

// LinkStatsQuery selects the report: the account, the days [From, To)
// and the grouping (LinkStatsByCode by default).
type LinkStatsQuery struct {
	AccountID uint64
	From, To  time.Time
	GroupBy   string
}

// visitsSQL is the visits of each code's link in a range of days, from
// the running totals (linkRangeVisits); orders come from the conversion
// rollup with the same keys.
const visitsSQL = `SELECT l.code_id AS code, COALESCE(codes.affiliate_id, 0) AS affiliate, ` + linkRangeVisits + ` AS n
FROM links l LEFT JOIN codes ON codes.id = l.code_id
WHERE l.account_id = ?`

const ordersSQL = `SELECT code_id AS code, affiliate_id AS affiliate, currency, SUM(orders) AS n, SUM(sales) AS sales
FROM conversion_days
WHERE account_id = ? AND day >= ? AND day < ? AND status NOT IN ` + notEarning + `
GROUP BY 1, 2, 3`

// LinkReport is the visits, orders, conversion rate and revenue per visit
// per code or affiliate, most visits first. Visits count from the rollup
// the redirect keeps, orders from the conversions' own rollup, so the
// report reads whole days, never single visits or orders.
func (s *Store) LinkReport(ctx context.Context, q LinkStatsQuery) ([]LinkStats, error) {
	from, to := q.From.UTC().Format(time.DateOnly), q.To.UTC().Format(time.DateOnly)
	byAff := q.GroupBy == LinkStatsByAffiliate
	rows := map[statsKey]*LinkStats{}
	row := func(code, aff uint64) *LinkStats {
		k := statsKey{code: code}
		if byAff {
			k = statsKey{affiliate: aff}
		}
		if rows[k] == nil {
			rows[k] = &LinkStats{key: k, sales: map[string]int64{}}
		}
		return rows[k]
	}
	var visits []struct {
		Code, Affiliate uint64
		N               int64
	}
	db := s.db.WithContext(ctx)
	if err := db.Raw(visitsSQL, append(linkRangeArgs(from, to), q.AccountID)...).Scan(&visits).Error; err != nil {
		return nil, wrapErr("link report", err)
	}
	for _, v := range visits {
		if v.N != 0 {
			row(v.Code, v.Affiliate).Visits += v.N
		}
	}
	var orders []struct {
		Code, Affiliate uint64
		Currency        string
		N, Sales        int64
	}
	if err := db.Raw(ordersSQL, q.AccountID, from, to).Scan(&orders).Error; err != nil {
		return nil, wrapErr("link report", err)
	}
	for _, o := range orders {
		if o.Code == 0 && !byAff {
			continue
		}
		r := row(o.Code, o.Affiliate)
		r.Orders += o.N
		r.sales[o.Currency] += o.Sales
	}
	out := make([]LinkStats, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.finish())
	}
	if err := s.nameLinkStats(ctx, q.AccountID, out, byAff); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Visits != out[j].Visits {
			return out[i].Visits > out[j].Visits
		}
		if out[i].Orders != out[j].Orders {
			return out[i].Orders > out[j].Orders
		}
		return out[i].key.code+out[i].key.affiliate < out[j].key.code+out[j].key.affiliate
	})
	return out, nil
}

// finish computes a row's rates from its sums.
func (r *LinkStats) finish() LinkStats {
	out := *r
	out.CodeID, out.AffiliateID = r.key.code, r.key.affiliate
	if r.Visits > 0 {
		out.ConversionRate = float64(r.Orders) / float64(r.Visits)
	}
	out.Revenue = []LinkRevenue{}
	for cur, sales := range r.sales {
		rv := LinkRevenue{Currency: cur, Sales: sales}
		if r.Visits > 0 {
			rv.RevenuePerVisit = currency.MulDiv(sales, 1, r.Visits)
		}
		out.Revenue = append(out.Revenue, rv)
	}
	sort.Slice(out.Revenue, func(i, j int) bool { return out.Revenue[i].Currency < out.Revenue[j].Currency })
	out.sales = nil
	return out
}

// nameLinkStats fills in codes, slugs and affiliate names.
func (s *Store) nameLinkStats(ctx context.Context, accountID uint64, rows []LinkStats, byAff bool) error {
	codeIDs, affIDs := []uint64{}, []uint64{}
	for _, r := range rows {
		if r.CodeID != 0 {
			codeIDs = append(codeIDs, r.CodeID)
		}
		if r.AffiliateID != 0 {
			affIDs = append(affIDs, r.AffiliateID)
		}
	}
	db := s.db.WithContext(ctx)
	var codes []Code
	var links []Link
	var affs []Affiliate
	if err := db.Select("id", "code", "affiliate_id").Where("account_id = ? AND id IN ?", accountID, codeIDs).Find(&codes).Error; err != nil {
		return wrapErr("link report", err)
	}
	if err := db.Where("account_id = ? AND code_id IN ?", accountID, codeIDs).Find(&links).Error; err != nil {
		return wrapErr("link report", err)
	}
	code, slug, name := map[uint64]string{}, map[uint64]string{}, map[uint64]string{}
	codeAff := map[uint64]uint64{}
	for _, c := range codes {
		code[c.ID] = c.Code
		if c.AffiliateID != nil {
			codeAff[c.ID] = *c.AffiliateID
		}
	}
	if !byAff {
		for i := range rows {
			rows[i].AffiliateID = codeAff[rows[i].CodeID]
			if rows[i].AffiliateID != 0 {
				affIDs = append(affIDs, rows[i].AffiliateID)
			}
		}
	}
	for _, l := range links {
		slug[l.CodeID] = l.Slug
	}
	if err := db.Select("id", "name").Where("account_id = ? AND id IN ?", accountID, affIDs).Find(&affs).Error; err != nil {
		return wrapErr("link report", err)
	}
	for _, a := range affs {
		name[a.ID] = a.Name
	}
	for i := range rows {
		rows[i].Code, rows[i].Slug, rows[i].AffiliateName = code[rows[i].CodeID], slug[rows[i].CodeID], name[rows[i].AffiliateID]
	}
	return nil
}

// LinkVisitTotals sums the visits of some of the account's links in the
// days [from, to), by link id.
func (s *Store) LinkVisitTotals(ctx context.Context, accountID uint64, linkIDs []uint64, from, to time.Time) (map[uint64]int64, error) {
	var rows []struct {
		LinkID uint64
		N      int64
	}
	args := append(linkRangeArgs(visitDay(from), visitDay(to)), accountID, linkIDs)
	err := s.db.WithContext(ctx).Raw(`SELECT l.id AS link_id, `+linkRangeVisits+` AS n FROM links l
WHERE l.account_id = ? AND l.id IN ?`, args...).Scan(&rows).Error
	out := map[uint64]int64{}
	for _, r := range rows {
		if r.N != 0 {
			out[r.LinkID] = r.N
		}
	}
	return out, wrapErr("link visits", err)
}

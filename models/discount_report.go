// The discount report: over a date range, what each code and each discount
// level brought, read from the conversion_days rollup.

package models

import (
	"context"
	"sort"
	"strings"
	"time"

	"codecredit/platforms/currency"
)

// Discount is what a code gives: its type, its value (basis points for a
// percentage, minor units for a fixed amount, 0 for the others) and, for a
// fixed amount, its currency. A nil Type means the code has been removed.
type Discount struct {
	DiscountType     *string `json:"discount_type"`
	DiscountValue    *int64  `json:"discount_value"`
	DiscountCurrency *string `json:"discount_currency"`
}

// DiscountFigures are the earning orders of a code or a discount level:
// neither a flagged self-referral nor fully refunded. Sales is subtotal
// less refunds, Commission net of reversals, Average is Sales / Orders
// rounded half to even. Visits and ConversionRate (Orders / Visits) stay
// nil, left out of the JSON, until visits are joined (JoinVisits).
type DiscountFigures struct {
	Orders         int64    `json:"orders"`
	Sales          int64    `json:"sales"`
	Average        int64    `json:"average"`
	Commission     int64    `json:"commission"`
	Visits         *int64   `json:"visits,omitempty"`
	ConversionRate *float64 `json:"conversion_rate,omitempty"`
}

// add sums o into f (Average and ConversionRate are set by finish).
func (f *DiscountFigures) add(o DiscountFigures) {
	f.Orders += o.Orders
	f.Sales += o.Sales
	f.Commission += o.Commission
	if o.Visits != nil {
		v := *o.Visits
		if f.Visits != nil {
			v += *f.Visits
		}
		f.Visits = &v
	}
}

// finish sets Average and, where visits are known, ConversionRate.
func (f *DiscountFigures) finish() {
	f.Average = 0
	if f.Orders > 0 {
		f.Average = currency.MulDiv(f.Sales, 1, f.Orders)
	}
	f.ConversionRate = nil
	if f.Visits != nil && *f.Visits > 0 {
		r := float64(f.Orders) / float64(*f.Visits)
		f.ConversionRate = &r
	}
}

// CodeRef names a code in the report: CodeID 0 and an empty Code gather
// the orders whose code has been removed. AffiliateID and Affiliate are
// the code's affiliate now.
type CodeRef struct {
	CodeID      uint64  `json:"code_id"`
	Code        string  `json:"code"`
	AffiliateID *uint64 `json:"affiliate_id"`
	Affiliate   string  `json:"affiliate"`
	Discount
}

// DiscountCodeRow is one code's figures.
type DiscountCodeRow struct {
	CodeRef
	DiscountFigures
}

// DiscountLevelRow is one discount level's figures, summed over Codes
// codes giving that discount.
type DiscountLevelRow struct {
	Discount
	Codes int `json:"codes"`
	DiscountFigures
}

// DiscountReport is an account's earning orders in [From, To) in one
// currency, per code (most sales first) and per discount level (by type,
// then value). Flagged and Refunded count the orders left out: flagged
// self-referrals and fully refunded or cancelled orders. Currencies lists
// every currency with orders in the range, so another can be asked for.
type DiscountReport struct {
	Currency   string             `json:"currency"`
	Currencies []string           `json:"currencies"`
	Codes      []DiscountCodeRow  `json:"codes"`
	Levels     []DiscountLevelRow `json:"levels"`
	Total      DiscountFigures    `json:"total"`
	Flagged    int64              `json:"flagged"`
	Refunded   int64              `json:"refunded"`
}

// CodeVisits is one code's counted visits over the report's range.
type CodeVisits struct {
	CodeRef
	Visits int64
}

// discountReportRow is one code and currency as the query sums it.
type discountReportRow struct {
	CodeRef
	Currency string
	DiscountFigures
	Flagged, Refunded int64
}

// DiscountReport sums the account's attributed conversions placed in
// [from, to) per code and discount level, in cur (the account's currency
// when empty). Whole days come from the conversion_days rollup, the
// partial days at either end from the conversions (rangeSource).
func (s *Store) DiscountReport(ctx context.Context, accountID uint64, from, to time.Time, cur string) (*DiscountReport, error) {
	if !from.Before(to) {
		return nil, invalidf("from must be before to")
	}
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if cur == "" {
		var a Account
		if err := s.db.WithContext(ctx).Select("currency").First(&a, accountID).Error; err != nil {
			return nil, wrapErr("discount report", err)
		}
		cur = a.Currency
	}
	if !ValidCurrency(cur) {
		return nil, invalidf("currency %q is not an ISO 4217 code", cur)
	}
	rows, err := s.discountReportRows(ctx, accountID, from, to)
	if err != nil {
		return nil, wrapErr("discount report", err)
	}
	return buildDiscountReport(cur, rows), nil
}

// discountReportRows sums rangeSource per code and currency first, then
// names each code, its discount and its affiliate.
func (s *Store) discountReportRows(ctx context.Context, accountID uint64, from, to time.Time) ([]discountReportRow, error) {
	src, args := s.rangeSource(accountID, from, to, "")
	earn := func(col string) string { return "SUM(CASE WHEN " + rangeEarns + " THEN u." + col + " ELSE 0 END)" }
	count := func(status string) string {
		return "SUM(CASE WHEN u.status = '" + status + "' THEN u.orders ELSE 0 END)"
	}
	grouped := "SELECT u.code_id, u.currency, " + earn("orders") + " AS orders, " + earn("sales") + " AS sales, " +
		earn("commission") + " AS commission, " + count(ConversionFlagged) + " AS flagged, " + count(ConversionReversed) +
		" AS refunded FROM (" + src + ") u GROUP BY u.code_id, u.currency HAVING SUM(u.orders) > 0"
	q := "SELECT CASE WHEN codes.id IS NULL THEN 0 ELSE t.code_id END AS code_id, COALESCE(codes.code, '') AS code, " +
		"codes.affiliate_id, COALESCE(affiliates.name, '') AS affiliate, codes.discount_type, " +
		"CASE WHEN codes.discount_type IN ('" + DiscountPercentage + "', '" + DiscountFixedAmount + "') THEN codes.discount_value " +
		"WHEN codes.id IS NOT NULL THEN 0 END AS discount_value, " +
		"CASE WHEN codes.discount_type = '" + DiscountFixedAmount + "' THEN codes.currency END AS discount_currency, " +
		"t.currency, t.orders, t.sales, t.commission, t.flagged, t.refunded FROM (" + grouped + ") t " +
		"LEFT JOIN codes ON codes.id = t.code_id AND codes.account_id = ? " +
		"LEFT JOIN affiliates ON affiliates.id = codes.affiliate_id AND affiliates.account_id = ?"
	var rows []discountReportRow
	err := s.db.WithContext(ctx).Raw(q, append(args, accountID, accountID)...).Scan(&rows).Error
	return rows, err
}

// buildDiscountReport keeps cur's rows, gathers removed codes into one
// row, and sums the levels and the total.
func buildDiscountReport(cur string, rows []discountReportRow) *DiscountReport {
	r := &DiscountReport{Currency: cur, Currencies: []string{}, Codes: []DiscountCodeRow{}}
	seen := map[string]bool{}
	byCode := map[uint64]int{}
	for _, row := range rows {
		if row.Orders > 0 && !seen[row.Currency] {
			seen[row.Currency] = true
			r.Currencies = append(r.Currencies, row.Currency)
		}
		if row.Currency != cur {
			continue
		}
		r.Flagged += row.Flagged
		r.Refunded += row.Refunded
		if row.Orders == 0 {
			continue
		}
		if i, ok := byCode[row.CodeID]; ok {
			r.Codes[i].add(row.DiscountFigures)
			continue
		}
		byCode[row.CodeID] = len(r.Codes)
		r.Codes = append(r.Codes, DiscountCodeRow{CodeRef: row.CodeRef, DiscountFigures: row.DiscountFigures})
	}
	sort.Strings(r.Currencies)
	r.sum()
	return r
}

// JoinVisits adds each code's visits to the report: a code missing from
// visits had none, and a code with visits and no orders gets a row of its
// own. Levels and the total are summed again, with a conversion rate
// wherever there were visits.
func (r *DiscountReport) JoinVisits(visits []CodeVisits) {
	for i := range r.Codes {
		r.Codes[i].Visits = new(int64)
	}
	for _, v := range visits {
		n := v.Visits
		found := false
		for i := range r.Codes {
			if r.Codes[i].CodeID == v.CodeID {
				r.Codes[i].Visits, found = &n, true
				break
			}
		}
		if !found {
			r.Codes = append(r.Codes, DiscountCodeRow{CodeRef: v.CodeRef, DiscountFigures: DiscountFigures{Visits: &n}})
		}
	}
	r.sum()
}

// sum finishes the code rows, sorts them (most sales, then most orders,
// then by code), and sums the levels and the total from them.
func (r *DiscountReport) sum() {
	sort.SliceStable(r.Codes, func(i, j int) bool {
		a, b := r.Codes[i], r.Codes[j]
		if a.Sales != b.Sales {
			return a.Sales > b.Sales
		}
		if a.Orders != b.Orders {
			return a.Orders > b.Orders
		}
		return a.Code < b.Code
	})
	r.Total = DiscountFigures{}
	r.Levels = []DiscountLevelRow{}
	at := map[string]int{}
	for i := range r.Codes {
		c := &r.Codes[i]
		c.finish()
		r.Total.add(c.DiscountFigures)
		k := levelKey(c.Discount)
		j, ok := at[k]
		if !ok {
			j, at[k] = len(r.Levels), len(r.Levels)
			r.Levels = append(r.Levels, DiscountLevelRow{Discount: c.Discount})
		}
		r.Levels[j].Codes++
		r.Levels[j].add(c.DiscountFigures)
	}
	r.Total.finish()
	for i := range r.Levels {
		r.Levels[i].finish()
	}
	sort.Slice(r.Levels, func(i, j int) bool { return levelKey(r.Levels[i].Discount) < levelKey(r.Levels[j].Discount) })
}

// levelKey identifies a discount level and orders levels: by type
// (removed codes last), then value, then the fixed amount's currency.
func levelKey(d Discount) string {
	k := DiscountSummary{DiscountType: d.DiscountType, DiscountValue: d.DiscountValue, DiscountCurrency: d.DiscountCurrency}
	return discountKey(k)
}

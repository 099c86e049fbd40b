package models

import (
	"context"
	"sort"
	"time"
)

// RecurringReport returns monthly recurring revenue per affiliate (those
// with a subscription, most MRR first) and for the account: now, and the
// movements of each month in q (MRREnd counts every movement up to
// the month's end, from the first).
func (s *Store) RecurringReport(ctx context.Context, accountID uint64, q ReportQuery) (*RecurringReport, error) {
	acct, err := s.checkReport(ctx, accountID, &q)
	if err != nil {
		return nil, wrapErr("recurring report", err)
	}
	r := &RecurringReport{Currency: acct.Currency, From: q.From.Format("2006-01"), To: q.To.Format("2006-01"),
		Affiliates: []RecurringRow{}, Other: []OtherCurrency{}}
	rows := map[uint64]*RecurringRow{}
	row := func(id uint64) *RecurringRow {
		if rows[id] == nil {
			rows[id] = &RecurringRow{AffiliateID: id, Months: reportMonths(q)}
		}
		return rows[id]
	}
	if err := s.recurringNow(ctx, acct, q, r, row); err != nil {
		return nil, wrapErr("recurring report", err)
	}
	start, err := s.recurringMonths(ctx, acct, q, row)
	if err != nil {
		return nil, wrapErr("recurring report", err)
	}
	r.Total = RecurringRow{Months: reportMonths(q), MRR: r.Total.MRR,
		ActiveSubscriptions: r.Total.ActiveSubscriptions, ActiveCustomers: r.Total.ActiveCustomers}
	ids := make([]uint64, 0, len(rows))
	for id, a := range rows {
		ids = append(ids, id)
		mrr := start[id]
		for i := range a.Months {
			mrr += a.Months[i].Net
			a.Months[i].MRREnd = mrr
		}
		for i, m := range a.Months {
			t := &r.Total.Months[i]
			t.New, t.Expansion, t.Contraction = t.New+m.New, t.Expansion+m.Expansion, t.Contraction+m.Contraction
			t.Churn, t.Reactivation = t.Churn+m.Churn, t.Reactivation+m.Reactivation
			t.Net, t.MRREnd = t.Net+m.Net, t.MRREnd+m.MRREnd
		}
	}
	names, err := s.AffiliatesByIDs(ctx, accountID, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rows[id].Name = names[id].Name
		r.Affiliates = append(r.Affiliates, *rows[id])
	}
	sort.Slice(r.Affiliates, func(i, j int) bool {
		a, b := r.Affiliates[i], r.Affiliates[j]
		return a.MRR > b.MRR || (a.MRR == b.MRR && a.AffiliateID < b.AffiliateID)
	})
	return r, nil
}

// reportMonths is q's months, empty.
func reportMonths(q ReportQuery) []RecurringMonth {
	out := make([]RecurringMonth, 0, monthsBetween(q.From, q.To)+1)
	for m := q.From; !m.After(q.To); m = m.AddDate(0, 1, 0) {
		out = append(out, RecurringMonth{Month: m.Format("2006-01")})
	}
	return out
}

// affiliateFilter narrows a query on a rollup to q's affiliate, if any.
func affiliateFilter(q ReportQuery, args []any) (string, []any) {
	if q.AffiliateID == 0 {
		return "", args
	}
	return " AND affiliate_id = ?", append(args, q.AffiliateID)
}

// recurringNow fills in what the subscriptions paying now pay, per
// affiliate and in total (customers counted once across affiliates),
// and per other currency, from the paying_affiliates rollup: its
// affiliate 0 counts the account's customers (for one affiliate, its own
// customers are the total's).
func (s *Store) recurringNow(ctx context.Context, acct *Account, q ReportQuery, r *RecurringReport, row func(uint64) *RecurringRow) error {
	var now []struct {
		AffiliateID uint64
		Currency    string
		MRR         int64
		Subs        int64
		Customers   int64
	}
	aff, args := affiliateFilter(q, []any{acct.ID})
	err := s.db.WithContext(ctx).Raw("SELECT affiliate_id, currency, SUM(mrr) AS mrr, SUM(subscriptions) AS subs, SUM(customers) AS customers "+
		"FROM paying_affiliates WHERE account_id = ?"+aff+" GROUP BY 1, 2 HAVING SUM(subscriptions) <> 0 OR SUM(customers) <> 0",
		args...).Scan(&now).Error
	if err != nil {
		return err
	}
	for _, n := range now {
		switch {
		case n.AffiliateID == 0:
			if n.Currency == acct.Currency {
				r.Total.ActiveCustomers = n.Customers
			}
		case n.Currency != acct.Currency:
			i := 0
			for i < len(r.Other) && r.Other[i].Currency != n.Currency {
				i++
			}
			if i == len(r.Other) {
				r.Other = append(r.Other, OtherCurrency{Currency: n.Currency})
			}
			r.Other[i].MRR += n.MRR
			r.Other[i].ActiveSubscriptions += n.Subs
		default:
			a := row(n.AffiliateID)
			a.MRR, a.ActiveSubscriptions, a.ActiveCustomers = n.MRR, n.Subs, n.Customers
			if q.AffiliateID != 0 {
				r.Total.ActiveCustomers = n.Customers
			}
			r.Total.MRR += n.MRR
			r.Total.ActiveSubscriptions += n.Subs
		}
	}
	sort.Slice(r.Other, func(i, j int) bool { return r.Other[i].Currency < r.Other[j].Currency })
	return nil
}

// recurringMonths sums the movements in the account's currency per
// affiliate, month and kind up to q's end, from the mrr_months rollup:
// those before q give each affiliate's MRR at its start, those in it the
// months.
func (s *Store) recurringMonths(ctx context.Context, acct *Account, q ReportQuery, row func(uint64) *RecurringRow) (map[uint64]int64, error) {
	var sums []struct {
		AffiliateID uint64
		Month       string
		Kind        string
		Delta       int64
	}
	aff, args := affiliateFilter(q, []any{acct.ID, acct.Currency, q.To.Format("2006-01")})
	err := s.db.WithContext(ctx).Raw("SELECT affiliate_id, month, kind, SUM(delta) AS delta FROM mrr_months "+
		"WHERE account_id = ? AND currency = ? AND month <= ?"+aff+" GROUP BY 1, 2, 3 HAVING SUM(movements) <> 0", args...).Scan(&sums).Error
	if err != nil {
		return nil, err
	}
	start := map[uint64]int64{}
	first := q.From.Format("2006-01")
	for _, d := range sums {
		a := row(d.AffiliateID)
		if d.Month < first {
			start[d.AffiliateID] += d.Delta
			continue
		}
		t, _ := time.Parse("2006-01", d.Month)
		m := &a.Months[monthsBetween(q.From, t)]
		switch d.Kind {
		case MovementNew:
			m.New += d.Delta
		case MovementExpansion:
			m.Expansion += d.Delta
		case MovementContraction:
			m.Contraction += d.Delta
		case MovementChurn:
			m.Churn += d.Delta
		case MovementReactivation:
			m.Reactivation += d.Delta
		}
		m.Net += d.Delta
	}
	return start, nil
}

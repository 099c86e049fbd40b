package models

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// subscriptionJoin joins a subscription state or movement (alias st or m)
// to the Subscription linking it to its affiliate (sub).
const subscriptionJoin = " JOIN subscriptions sub ON sub.connection_id = %[1]s.connection_id AND sub.external_id = %[1]s.external_id"

// stateCustomer is a subscription state's customer: the email in lower
// case, else the store's customer id; NULL when neither is known.
const stateCustomer = "CASE WHEN st.customer_email <> '' THEN lower(st.customer_email) " +
	"WHEN st.customer_id <> '' THEN 'id:' || st.connection_id || ':' || st.customer_id END"

// monthExpr is the dialect's YYYY-MM of a UTC time column.
func (s *Store) monthExpr(col string) string {
	if s.IsPostgres() {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// monthKey is the dialect's cheapest value naming the UTC month of a time
// column, to group many rows by; monthOfKey turns a group's key into
// YYYY-MM. On PostgreSQL, truncating each of 150,000 movements to its
// month and formatting only the few hundred groups takes about half the
// time of formatting every movement.
func (s *Store) monthKey(col string) string {
	if s.IsPostgres() {
		return "date_trunc('month', " + col + " AT TIME ZONE 'UTC')"
	}
	return "substr(" + col + ", 1, 7)"
}

// monthOfKey is the YYYY-MM of a monthKey column.
func (s *Store) monthOfKey(col string) string {
	if s.IsPostgres() {
		return "to_char(" + col + ", 'YYYY-MM')"
	}
	return col
}

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

// affiliateFilter narrows a query on sub to q's affiliate, if any.
func affiliateFilter(q ReportQuery, args []any) (string, []any) {
	if q.AffiliateID == 0 {
		return "", args
	}
	return " AND sub.affiliate_id = ?", append(args, q.AffiliateID)
}

// recurringNow fills in what the subscriptions paying now pay, per
// affiliate and in total (customers counted once across affiliates),
// and per other currency. The subscriptions are joined to their
// affiliates once; each affiliate's customers and the account's are
// then counted from the same rows by grouping (affiliate 0: all).
func (s *Store) recurringNow(ctx context.Context, acct *Account, q ReportQuery, r *RecurringReport, row func(uint64) *RecurringRow) error {
	var now []struct {
		AffiliateID uint64
		Currency    string
		MRR         int64
		Subs        int64
		Customers   int64
	}
	aff, args := affiliateFilter(q, []any{acct.ID})
	err := s.db.WithContext(ctx).Raw("WITH p AS (SELECT sub.affiliate_id, st.currency, "+stateCustomer+" AS customer, st.monthly_amount "+
		"FROM subscription_states st"+fmt.Sprintf(subscriptionJoin, "st")+" WHERE st.account_id = ? AND "+paying+aff+") "+
		"SELECT affiliate_id, currency, SUM(mrr) AS mrr, SUM(subs) AS subs, COUNT(customer) AS customers FROM ("+
		"SELECT affiliate_id, currency, customer, SUM(monthly_amount) AS mrr, COUNT(*) AS subs FROM p GROUP BY 1, 2, 3) a GROUP BY 1, 2 "+
		"UNION ALL SELECT 0, currency, 0, 0, COUNT(customer) FROM (SELECT DISTINCT currency, customer FROM p) d GROUP BY currency",
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
			r.Total.MRR += n.MRR
			r.Total.ActiveSubscriptions += n.Subs
		}
	}
	sort.Slice(r.Other, func(i, j int) bool { return r.Other[i].Currency < r.Other[j].Currency })
	return nil
}

// recurringMonths sums the movements in the account's currency per
// affiliate, month and kind up to q's end: those before q (month "", so
// that only q's months are formatted) give each affiliate's MRR at its
// start, those in it the months.
func (s *Store) recurringMonths(ctx context.Context, acct *Account, q ReportQuery, row func(uint64) *RecurringRow) (map[uint64]int64, error) {
	var sums []struct {
		AffiliateID uint64
		Month       string
		Kind        string
		Delta       int64
	}
	aff, args := affiliateFilter(q, []any{q.From, acct.ID, acct.Currency, q.To.AddDate(0, 1, 0)})
	err := s.db.WithContext(ctx).Raw("SELECT affiliate_id, COALESCE("+s.monthOfKey("mo")+", '') AS month, kind, delta FROM ("+
		"SELECT sub.affiliate_id, CASE WHEN m.at >= ? THEN "+s.monthKey("m.at")+" END AS mo, m.kind, "+
		`SUM(m."to" - m."from") AS delta FROM subscription_movements m`+fmt.Sprintf(subscriptionJoin, "m")+
		" WHERE m.account_id = ? AND m.currency = ? AND m.at < ?"+aff+" GROUP BY 1, 2, 3) g", args...).Scan(&sums).Error
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

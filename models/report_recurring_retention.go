package models

import (
	"context"
	"fmt"
	"time"
)

// RetentionReport returns, per cohort of subscriptions first paid for in
// a month of q (by q's affiliate, or any), how many were paying at the
// end of each month since, up to q's last month or this one. A
// subscription pays from a movement from nothing (new, reactivation)
// until one to nothing (churn), whatever its currency.
func (s *Store) RetentionReport(ctx context.Context, accountID uint64, q ReportQuery) (*RetentionReport, error) {
	if _, err := s.checkReport(ctx, accountID, &q); err != nil {
		return nil, wrapErr("retention report", err)
	}
	r := &RetentionReport{AffiliateID: q.AffiliateID, From: q.From.Format("2006-01"), To: q.To.Format("2006-01"),
		Cohorts: []RetentionCohort{}}
	end := q.To.AddDate(0, 1, 0)
	var sizes []struct {
		Cohort string
		N      int64
	}
	aff, args := affiliateFilter(q, []any{accountID, q.From, end})
	cohort := s.monthExpr("sub.first_paid_at")
	err := s.db.WithContext(ctx).Raw("SELECT "+cohort+" AS cohort, COUNT(*) AS n FROM subscriptions sub "+
		"WHERE sub.account_id = ? AND sub.first_paid_at >= ? AND sub.first_paid_at < ?"+aff+" GROUP BY 1 ORDER BY 1", args...).Scan(&sizes).Error
	if err != nil || len(sizes) == 0 {
		return r, wrapErr("retention report", err)
	}
	// Each cohort's change in paying subscriptions per month, from its
	// subscriptions' first movement on.
	_, movementArgs := affiliateFilter(q, []any{accountID, q.From, end, end})
	var deltas []struct {
		Cohort, Month string
		Delta         int64
	}
	err = s.db.WithContext(ctx).Raw("SELECT "+s.monthOfKey("c")+" AS cohort, "+s.monthOfKey("mo")+" AS month, delta FROM ("+
		"SELECT "+s.monthKey("sub.first_paid_at")+" AS c, "+s.monthKey("m.at")+" AS mo, "+
		`SUM(CASE WHEN m."from" = 0 THEN 1 WHEN m."to" = 0 THEN -1 ELSE 0 END) AS delta `+
		"FROM subscriptions sub JOIN subscription_movements m ON m.connection_id = sub.connection_id AND m.external_id = sub.external_id "+
		"WHERE sub.account_id = ? AND sub.first_paid_at >= ? AND sub.first_paid_at < ? AND m.at < ?"+aff+" GROUP BY 1, 2) g",
		movementArgs...).Scan(&deltas).Error
	if err != nil {
		return nil, wrapErr("retention report", err)
	}
	last := monthOf(s.Now())
	if q.To.Before(last) {
		last = q.To
	}
	for _, c := range sizes {
		start, err := time.Parse("2006-01", c.Cohort)
		if err != nil {
			return nil, wrapErr("retention report", fmt.Errorf("cohort %q: %w", c.Cohort, err))
		}
		co := RetentionCohort{Cohort: c.Cohort, Subscriptions: c.N, Months: []RetentionCell{}}
		for k := 0; !start.AddDate(0, k, 0).After(last); k++ {
			month := start.AddDate(0, k, 0).Format("2006-01")
			n := int64(0)
			for _, d := range deltas {
				if d.Cohort == c.Cohort && d.Month <= month {
					n += d.Delta
				}
			}
			n = min(max(n, 0), c.N)
			co.Months = append(co.Months, RetentionCell{MonthsSince: int64(k), Paying: n, ShareBP: n * 10000 / c.N})
		}
		r.Cohorts = append(r.Cohorts, co)
	}
	return r, nil
}

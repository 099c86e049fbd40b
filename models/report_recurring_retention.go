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
// until one to nothing (churn), whatever its currency. The cohorts'
// sizes and monthly changes come from the cohort_sizes and cohort_months
// rollups.
func (s *Store) RetentionReport(ctx context.Context, accountID uint64, q ReportQuery) (*RetentionReport, error) {
	if _, err := s.checkReport(ctx, accountID, &q); err != nil {
		return nil, wrapErr("retention report", err)
	}
	r := &RetentionReport{AffiliateID: q.AffiliateID, From: q.From.Format("2006-01"), To: q.To.Format("2006-01"),
		Cohorts: []RetentionCohort{}}
	var sizes []struct {
		Cohort string
		N      int64
	}
	aff, args := affiliateFilter(q, []any{accountID, r.From, r.To})
	err := s.db.WithContext(ctx).Raw("SELECT cohort, SUM(subscriptions) AS n FROM cohort_sizes "+
		"WHERE account_id = ? AND cohort >= ? AND cohort <= ?"+aff+" GROUP BY 1 HAVING SUM(subscriptions) > 0 ORDER BY 1", args...).Scan(&sizes).Error
	if err != nil || len(sizes) == 0 {
		return r, wrapErr("retention report", err)
	}
	// Each cohort's change in paying subscriptions per month, from its
	// subscriptions' first movement on.
	_, movementArgs := affiliateFilter(q, []any{accountID, r.From, r.To, r.To})
	var deltas []struct {
		Cohort, Month string
		Delta         int64
	}
	err = s.db.WithContext(ctx).Raw("SELECT cohort, month, SUM(paying) AS delta FROM cohort_months "+
		"WHERE account_id = ? AND cohort >= ? AND cohort <= ? AND month <= ?"+aff+" GROUP BY 1, 2", movementArgs...).Scan(&deltas).Error
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

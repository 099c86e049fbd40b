package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Visits over a range of days are read from running totals, not summed
// from daily rows: each link_visit_days row keeps, beside the day's
// visits, the link's visits through that day (total), so a link's visits
// in [from, to) are its last total before to less its last total before
// from: two index lookups a link, for 90 days as for two years. Summing
// the daily rows read up to 1,460,000 rows for two years of 2,000 links
// (13–17 s on a loaded 2-core machine; see BenchmarkLinkReport).
//
// Writes keep the totals exact: a day's first row starts from the link's
// last total before it, a day already there adds to its total, and every
// later day of the link (a late write for yesterday after midnight) adds
// the visits too. On PostgreSQL the writes take one advisory lock, so two
// processes flushing at once cannot both start a day from the same older
// total; SQLite writers take turns anyway.

// linkVisitsLock serialises writes of visit totals on PostgreSQL.
const linkVisitsLock = 7_262_001

// linkTotalsIndex serves the lookups of a link's last total before a day.
const linkTotalsIndex = "idx_link_visit_days_totals"

// linkTotalBefore is a link's (l.id) visits through the day before ?.
const linkTotalBefore = `COALESCE((SELECT d.total FROM link_visit_days d WHERE d.link_id = l.id AND d.day < ? ORDER BY d.day DESC LIMIT 1), 0)`

// linkRangeVisits is the visits of each link l in [?, ?): its arguments
// are from and to, as days, in that order.
const linkRangeVisits = `(` + linkTotalBefore + ` - ` + linkTotalBefore + `)`

// linkRangeArgs orders the arguments of linkRangeVisits.
func linkRangeArgs(from, to string) []any { return []any{to, from} }

// migrateLinkVisitTotals indexes the totals and fills those of rows
// written before the column existed (a no-op once filled).
func migrateLinkVisitTotals(tx *gorm.DB) error {
	index := "CREATE INDEX IF NOT EXISTS " + linkTotalsIndex + " ON link_visit_days (link_id, day, total)"
	if tx.Dialector.Name() == "postgres" {
		index = "CREATE INDEX IF NOT EXISTS " + linkTotalsIndex + " ON link_visit_days (link_id, day) INCLUDE (total)"
	}
	if err := tx.Exec(index).Error; err != nil {
		return err
	}
	return tx.Exec(`UPDATE link_visit_days SET total = t.cum
FROM (SELECT account_id, day, link_id, SUM(visits) OVER (PARTITION BY link_id ORDER BY day) AS cum FROM link_visit_days
	WHERE link_id IN (SELECT link_id FROM link_visit_days WHERE total IS NULL)) t
WHERE link_visit_days.account_id = t.account_id AND link_visit_days.day = t.day AND link_visit_days.link_id = t.link_id
	AND (link_visit_days.total IS NULL OR link_visit_days.total <> t.cum)`).Error
}

// addVisitRows adds each row's visits to its day and to the running
// totals, in tx (rows are one per link and day).
func (s *Store) addVisitRows(tx *gorm.DB, rows []LinkVisitDay) error {
	if s.IsPostgres() {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", linkVisitsLock).Error; err != nil {
			return err
		}
	}
	values := make([]string, len(rows))
	args := make([]any, 0, 4*len(rows))
	for i, r := range rows {
		values[i] = "(CAST(? AS BIGINT), CAST(? AS BIGINT), ?, CAST(? AS BIGINT))"
		args = append(args, r.AccountID, r.LinkID, r.Day, r.Visits)
	}
	with := "WITH v(account_id, link_id, day, n) AS (VALUES " + strings.Join(values, ", ") + ") "
	// The days first (a new day starts from the total before it, as it
	// stood before this statement), then every later day of each link,
	// which also brings a day this statement started up to date.
	err := tx.Exec(with+`INSERT INTO link_visit_days (account_id, day, link_id, visits, total)
SELECT v.account_id, v.day, v.link_id, v.n,
	v.n + COALESCE((SELECT p.total FROM link_visit_days p WHERE p.link_id = v.link_id AND p.day < v.day ORDER BY p.day DESC LIMIT 1), 0)
FROM v WHERE true
ON CONFLICT (account_id, day, link_id) DO UPDATE SET visits = link_visit_days.visits + excluded.visits,
	total = COALESCE(link_visit_days.total, 0) + excluded.visits`, args...).Error
	if err != nil {
		return err
	}
	// A later day may follow several of the rows: it adds them all.
	return tx.Exec(with+`UPDATE link_visit_days
SET total = total + (SELECT SUM(v.n) FROM v WHERE v.link_id = link_visit_days.link_id AND v.day < link_visit_days.day)
WHERE link_id IN (SELECT link_id FROM v)
	AND day > (SELECT MIN(v.day) FROM v WHERE v.link_id = link_visit_days.link_id)`, args...).Error
}

// visitDay is the day string of a time, for the link tables.
func visitDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// addLinkVisitRows runs addVisitRows in its own transaction.
func (s *Store) addLinkVisitRows(ctx context.Context, rows []LinkVisitDay) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return s.addVisitRows(tx, rows) })
}

package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkLinkReport measures the link report (per code and per
// affiliate) and the discount report with visits joined, over 90 days and two
// years, for an account with 1,000,000 conversions over two years and
// about 10,200,000 counted visits: 2,000 codes each with its link, 7
// visits a link a day for two years (1,460,000 daily rows, as the
// redirect's counter keeps them). Baseline in the same run, up to five
// times: a plain count of the account's visit rows.
//
//	go test -run '^$' -bench BenchmarkLinkReport -benchtime 50x -timeout 60m ./models/
func BenchmarkLinkReport(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	seedRangeConversions(b, s, f)
	seedLinkVisits(b, s, f, 2000, 730, 7)
	ctx := context.Background()
	to := time.Now().UTC()
	acct := f.account.ID
	d90, y2 := to.AddDate(0, 0, -90), to.AddDate(-2, 0, 0)
	links := func(from time.Time, by string, want int) func() error {
		return func() error {
			r, err := s.LinkReport(ctx, models.LinkStatsQuery{AccountID: acct, From: from, To: to, GroupBy: by})
			if err == nil && len(r) < want {
				b.Fatalf("link report by %s has %d rows, want at least %d", by, len(r), want)
			}
			return err
		}
	}
	discounts := func(from time.Time) func() error {
		return func() error {
			r, err := s.DiscountReport(ctx, acct, from, to, "USD")
			if err != nil {
				return err
			}
			visits, err := s.DiscountVisits(ctx, acct, from, to)
			if err == nil && len(visits) < 2000 {
				b.Fatalf("discount report: visits of %d codes", len(visits))
			}
			r.JoinVisits(visits) // as GET /api/v1/reports/discounts does
			return err
		}
	}
	reportP95(b, []benchCase{
		{"codes-90d", links(d90, models.LinkStatsByCode, 2000)}, {"codes-2y", links(y2, models.LinkStatsByCode, 2000)},
		{"affiliates-90d", links(d90, models.LinkStatsByAffiliate, 4)}, {"affiliates-2y", links(y2, models.LinkStatsByAffiliate, 4)},
		{"discounts-90d", discounts(d90)}, {"discounts-2y", discounts(y2)},
	})
	lat := make([]time.Duration, min(b.N, 5))
	for i := range lat {
		start := time.Now()
		var n int64
		if err := s.DB().Raw("SELECT count(*) FROM link_visit_days WHERE account_id = ? AND visits >= 0", acct).Scan(&n).Error; err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	b.ReportMetric(p95ms(lat), "scan-visit-rows-p95-ms")
}

// seedLinkVisits gives f's account codes in all (its affiliates' codes and
// new ones, shared out among its affiliates), a link each, and perDay
// visits a link on each of the last days.
func seedLinkVisits(b testing.TB, s *models.Store, f *fixture, codes, days, perDay int) {
	db := s.DB()
	err := db.Exec(`INSERT INTO codes (account_id, connection_id, code, normalized, discount_type, discount_value, source, active, affiliate_id, created_at, updated_at)
		SELECT ?, 0, 'LINK' || g, 'link' || g, 'percentage', 1000, 'api', true,
			(SELECT id FROM affiliates WHERE account_id = ? ORDER BY id OFFSET g % 4 LIMIT 1), now(), now()
		FROM generate_series(1, ?) g`, f.account.ID, f.account.ID, codes-4).Error
	if err == nil {
		err = db.Exec(`INSERT INTO links (account_id, code_id, slug, landing_path, created_at, updated_at)
			SELECT account_id, id, 'b' || id, '', now(), now() FROM codes WHERE account_id = ?
			ON CONFLICT DO NOTHING`, f.account.ID).Error
	}
	if err == nil {
		// Each row with the link's running total, as AddLinkVisits keeps it.
		err = db.Exec(`INSERT INTO link_visit_days (account_id, day, link_id, visits, total)
			SELECT l.account_id, to_char(current_date - d, 'YYYY-MM-DD'), l.id, ?, ? * (? - d)
			FROM links l CROSS JOIN generate_series(0, ? - 1) d WHERE l.account_id = ?`, perDay, perDay, days, days, f.account.ID).Error
	}
	if err != nil {
		b.Fatal(err)
	}
	db.Exec("ANALYZE codes")
	db.Exec("ANALYZE links")
	db.Exec("ANALYZE link_visit_days")
}

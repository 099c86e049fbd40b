package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkDiscountReport measures the discount report (per code and per
// discount level) over 90 days and over two years, for an account with
// 1,000,000 conversions over two years across four codes, on PostgreSQL.
// In the same run, up to five times each: the older discount summary,
// which reads every conversion of the range, and a plain count of the
// account's rows.
//
//	go test -run '^$' -bench BenchmarkDiscountReport -benchtime 50x -timeout 60m ./models/
func BenchmarkDiscountReport(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	seedRangeConversions(b, s, f)
	ctx := context.Background()
	to := time.Now().UTC()
	acct := f.account.ID
	d90, y2 := to.AddDate(0, 0, -90), to.AddDate(-2, 0, 0)
	report := func(from time.Time) func() error {
		return func() error {
			r, err := s.DiscountReport(ctx, acct, from, to, "USD")
			if err == nil && len(r.Codes) != 4 {
				b.Fatalf("report has %d codes", len(r.Codes))
			}
			return err
		}
	}
	reportP95(b, []benchCase{{"report-90d", report(d90)}, {"report-2y", report(y2)}})
	// Baselines, in the same run and fewer times (each reads every row of
	// its range): the older summary, and a plain count of the account.
	base := []benchCase{
		{"summary-90d", func() error { _, err := s.DiscountSummary(ctx, acct, d90, to); return err }},
		{"summary-2y", func() error { _, err := s.DiscountSummary(ctx, acct, y2, to); return err }},
		{"scan", func() error {
			var n int64
			return s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ? AND subtotal >= 0", acct).Scan(&n).Error
		}},
	}
	for _, c := range base {
		lat := make([]time.Duration, min(b.N, 5))
		for i := range lat {
			start := time.Now()
			if err := c.run(); err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
			lat[i] = time.Since(start)
		}
		b.ReportMetric(p95ms(lat), c.name+"-p95-ms")
	}
}

// seedRangeConversions gives f's account 1,000,000 conversions, one a
// minute back from now (about two years), spread over its four affiliate
// codes; one in 50 partly refunded, one in 97 flagged, one in 89 fully
// refunded.
func seedRangeConversions(b *testing.B, s *models.Store, f *fixture) {
	err := s.DB().Exec(`INSERT INTO conversions (account_id, connection_id, external_order_id, affiliate_id, code_id, code, currency,
		subtotal, discount, total, commission, refunded_subtotal, reversed_commission, status, placed_at, approve_at, created_at, updated_at)
		SELECT ?, ?, 'bulk-' || g, c.affiliate_id, c.id, c.code, 'USD', 1000 + g % 9000, 0, 1000 + g % 9000, (1000 + g % 9000) / 10,
		CASE WHEN g % 50 = 0 THEN 500 ELSE 0 END, CASE WHEN g % 50 = 0 THEN 50 ELSE 0 END,
		CASE WHEN g % 97 = 0 THEN 'flagged' WHEN g % 89 = 0 THEN 'reversed' ELSE 'pending' END,
		now() - (g || ' minutes')::interval, now(), now(), now()
		FROM generate_series(1, 1000000) g
		JOIN (SELECT id, affiliate_id, code, row_number() OVER (ORDER BY id) - 1 AS n FROM codes
			WHERE account_id = ? AND affiliate_id IS NOT NULL) c ON c.n = g % 4`, f.account.ID, f.conn.ID, f.account.ID).Error
	if err != nil {
		b.Fatal(err)
	}
	s.DB().Exec("ANALYZE conversions")
}

package models_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkSummary measures the dashboard's summary query (sales,
// commission and conversions per day over 30 days) for an account with
// 1,000,000 conversions spread over two years, on PostgreSQL; it reports
// the 95th percentile of b.N runs, beside the p95 of a full count of the
// account's rows in the same run.
//
//	go test -run '^$' -bench BenchmarkSummary -benchtime 200x ./models/
func BenchmarkSummary(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	aff := f.affs[0].ID
	// One million rows in one statement; placed_at walks back a minute at a time.
	err := s.DB().Exec(`INSERT INTO conversions (account_id, connection_id, external_order_id, affiliate_id, code, currency,
		subtotal, discount, total, commission, refunded_subtotal, reversed_commission, status, placed_at, approve_at, created_at, updated_at)
		SELECT ?, ?, 'bulk-' || g, ?, 'PARTNER0', 'USD', 1000 + g % 9000, 0, 1000 + g % 9000, (1000 + g % 9000) / 10, 0, 0,
		'pending', now() - (g || ' minutes')::interval, now(), now(), now()
		FROM generate_series(1, 1000000) g`, f.account.ID, f.conn.ID, aff).Error
	if err != nil {
		b.Fatal(err)
	}
	s.DB().Exec("ANALYZE conversions")
	ctx := context.Background()
	to := time.Now().UTC()
	from := to.AddDate(0, 0, -30)
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		days, err := s.Summary(ctx, f.account.ID, from, to)
		lat[i] = time.Since(start)
		if err != nil || len(days) < 30 {
			b.Fatalf("summary: %d days, %v", len(days), err)
		}
	}
	b.StopTimer()
	// Baseline, in the same run: one sequential pass over the account's
	// million rows (a plain count), what an unindexed dashboard would pay.
	base := make([]time.Duration, min(b.N, 20))
	for i := range base {
		start := time.Now()
		var n int64
		if err := s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ? AND subtotal >= 0", f.account.ID).Scan(&n).Error; err != nil {
			b.Fatal(err)
		}
		base[i] = time.Since(start)
	}
	b.ReportMetric(p95ms(lat), "p95-ms")
	b.ReportMetric(p95ms(base), "scan-p95-ms")
}

// BenchmarkSummaryRange measures the dashboard over a chosen range: the
// summary and the per-affiliate and per-code tables over 90 days and over
// two years (the longest range allowed), for an account with 1,000,000
// conversions over two years spread across four affiliates and codes, on
// PostgreSQL. Each query reports its p95 beside the same run's plain count.
//
//	go test -run '^$' -bench BenchmarkSummaryRange -benchtime 50x ./models/
func BenchmarkSummaryRange(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	seedRangeConversions(b, s, f)
	ctx := context.Background()
	to := time.Now().UTC()
	acct := f.account.ID
	q90 := models.RangeQuery{From: to.AddDate(0, 0, -90), To: to, Currency: "USD", Limit: 10}
	q2y := models.RangeQuery{From: to.AddDate(-2, 0, 0), To: to, Currency: "USD", Limit: 10}
	cases := []benchCase{
		{"summary-90d", func() error { _, err := s.Summary(ctx, acct, q90.From, q90.To); return err }},
		{"summary-2y", func() error { _, err := s.Summary(ctx, acct, q2y.From, q2y.To); return err }},
		{"affiliates-90d", func() error { _, _, err := s.AffiliateTotals(ctx, acct, q90); return err }},
		{"codes-90d", func() error { _, _, err := s.CodeTotals(ctx, acct, q90); return err }},
		{"affiliates-2y", func() error { _, _, err := s.AffiliateTotals(ctx, acct, q2y); return err }},
		{"codes-2y", func() error { _, _, err := s.CodeTotals(ctx, acct, q2y); return err }},
		{"scan", func() error {
			var n int64
			return s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ? AND subtotal >= 0", acct).Scan(&n).Error
		}},
	}
	reportP95(b, cases)
}

// benchCase is one query a benchmark times.
type benchCase struct {
	name string
	run  func() error
}

// reportP95 runs every case b.N times, in turn, and reports each one's
// 95th percentile latency in milliseconds.
func reportP95(b *testing.B, cases []benchCase) {
	lat := make([][]time.Duration, len(cases))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, c := range cases {
			start := time.Now()
			if err := c.run(); err != nil {
				b.Fatalf("%s: %v", c.name, err)
			}
			lat[j] = append(lat[j], time.Since(start))
		}
	}
	b.StopTimer()
	for j, c := range cases {
		b.ReportMetric(p95ms(lat[j]), c.name+"-p95-ms")
	}
}

// p95ms is the 95th percentile of lat in milliseconds.
func p95ms(lat []time.Duration) float64 {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return float64(lat[len(lat)*95/100].Microseconds()) / 1000
}

package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkSearchConversions measures one page of the conversions list
// (rows and total count in one query) for an account with 1,000,000
// conversions over two years and 10,000 adjustments, on PostgreSQL, for
// the filters a merchant uses: none, a status and a 30-day range, and a
// search by affiliate name or by order. It reports each one's 95th
// percentile beside that of a plain count of the account's rows.
//
//	go test -run '^$' -bench BenchmarkSearchConversions -benchtime 50x ./models/
func BenchmarkSearchConversions(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	err := s.DB().Exec(`INSERT INTO conversions (account_id, connection_id, external_order_id, order_number, affiliate_id, code, currency,
		subtotal, discount, total, commission, refunded_subtotal, reversed_commission, status, placed_at, approve_at, created_at, updated_at)
		SELECT ?, ?, 'bulk-' || g, '#' || g, (ARRAY[?, ?, ?, ?]::bigint[])[1 + g % 4], 'PARTNER' || (g % 4), 'USD', 1000 + g % 9000, 0,
		1000 + g % 9000, (1000 + g % 9000) / 10, 0, 0, (ARRAY['pending', 'approved', 'paid', 'flagged', 'reversed'])[1 + g % 5],
		now() - (g || ' minutes')::interval, now(), now(), now()
		FROM generate_series(1, 1000000) g`, f.account.ID, f.conn.ID, f.affs[0].ID, f.affs[1].ID, f.affs[2].ID, f.affs[3].ID).Error
	if err != nil {
		b.Fatal(err)
	}
	err = s.DB().Exec(`INSERT INTO ledger_entries (account_id, affiliate_id, kind, amount, currency, status, available_at, note, created_at, updated_at)
		SELECT ?, ?, 'adjustment', 100, 'USD', 'approved', now(), 'bonus', now() - (g * 97 || ' minutes')::interval, now()
		FROM generate_series(1, 10000) g`, f.account.ID, f.affs[0].ID).Error
	if err != nil {
		b.Fatal(err)
	}
	s.DB().Exec("VACUUM ANALYZE conversions")
	s.DB().Exec("VACUUM ANALYZE ledger_entries")
	to := time.Now().UTC().Truncate(24 * time.Hour)
	for _, tc := range []struct {
		name string
		f    models.ConversionSearch
	}{
		{"all", models.ConversionSearch{}},
		{"pending-30-days", models.ConversionSearch{Statuses: []string{models.ConversionPending}, From: to.AddDate(0, 0, -30), To: to}},
		{"search-name", models.ConversionSearch{Query: "aff 2"}},
		{"search-order", models.ConversionSearch{Query: "#123456"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			lat := make([]time.Duration, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				q := tc.f
				q.Page, q.PerPage = 1, 25
				rows, total, err := s.SearchConversions(ctx, f.account.ID, q)
				lat[i] = time.Since(start)
				if err != nil || total == 0 {
					b.Fatalf("search: %d rows of %d, %v", len(rows), total, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(p95ms(lat), "p95-ms")
			// Baseline, in the same run: a plain count of the account's rows.
			base := make([]time.Duration, min(b.N, 10))
			for i := range base {
				start := time.Now()
				var n int64
				s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ?", f.account.ID).Scan(&n)
				base[i] = time.Since(start)
			}
			b.ReportMetric(p95ms(base), "count-p95-ms")
		})
	}
}

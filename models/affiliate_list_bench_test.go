package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkListAffiliates measures one page (50 rows) of the affiliates
// list for an account with 10,000 affiliates, 10,000 codes, 500,000
// conversions and 500,000 ledger entries, on PostgreSQL. It reports the
// 95th percentile of each sort: by sales and by balance (aggregate every
// affiliate, from the affiliate_sales and affiliate_balances rollups) and
// by name (aggregates the page's only), searching or not; beside the p95
// of a plain count of the account's conversions in the same run.
//
//	go test -run '^$' -bench BenchmarkListAffiliates -benchtime 10x ./models/
func BenchmarkListAffiliates(b *testing.B) {
	s := testdb.Postgres(b)
	ctx := context.Background()
	acct, err := s.CreateAccount(ctx, "Bench shop", "", "USD")
	if err != nil {
		b.Fatal(err)
	}
	conn, err := s.APIConnection(ctx, acct.ID)
	if err != nil {
		b.Fatal(err)
	}
	seed := []string{
		`INSERT INTO affiliates (account_id, name, email, status, notes, created_at, updated_at)
		SELECT @acct, 'Affiliate ' || g, 'aff' || g || '@example.com', CASE WHEN g % 10 = 0 THEN 'disabled' ELSE 'active' END, '',
			now() - (g || ' minutes')::interval, now() FROM generate_series(1, 10000) g`,
		`INSERT INTO codes (account_id, connection_id, code, normalized, discount_type, discount_value, source, affiliate_id, active, sync_status, created_at, updated_at)
		SELECT @acct, 0, 'CODE' || a.id, 'CODE' || a.id, 'percentage', 1000, 'manual', a.id, true, '', now(), now()
		FROM affiliates a WHERE a.account_id = @acct`,
		`INSERT INTO conversions (account_id, connection_id, external_order_id, affiliate_id, code, currency, subtotal, discount, total,
			commission, refunded_subtotal, reversed_commission, status, placed_at, approve_at, created_at, updated_at)
		SELECT @acct, @conn, 'bulk-' || g, (SELECT MIN(id) FROM affiliates WHERE account_id = @acct) + g % 10000, 'CODE', 'USD',
			1000 + g % 9000, 0, 1000 + g % 9000, (1000 + g % 9000) / 10, 0, 0,
			CASE WHEN g % 20 = 0 THEN 'reversed' WHEN g % 3 = 0 THEN 'approved' ELSE 'pending' END,
			now() - (g || ' minutes')::interval, now(), now(), now()
		FROM generate_series(1, 500000) g`,
		`INSERT INTO ledger_entries (account_id, affiliate_id, conversion_id, kind, amount, currency, status, available_at, dedup_key, note, created_at, updated_at)
		SELECT account_id, affiliate_id, id, 'accrual', commission, 'USD', CASE WHEN status = 'approved' THEN 'approved' ELSE 'pending' END,
			now(), 'bench:' || id, '', now(), now() FROM conversions WHERE account_id = @acct`,
	}
	for _, q := range seed {
		if err := s.DB().Exec(q, map[string]any{"acct": acct.ID, "conn": conn.ID}).Error; err != nil {
			b.Fatal(err)
		}
	}
	// The rollups too, filled by the seed's triggers: as autovacuum would,
	// lest the planner take them for empty.
	for _, t := range []string{"affiliates", "codes", "conversions", "ledger_entries", "affiliate_sales", "affiliate_balances"} {
		s.DB().Exec("ANALYZE " + t)
	}
	cases := []struct {
		name string
		f    models.AffiliateListFilter
	}{
		{"sales", models.AffiliateListFilter{Sort: models.SortAffiliateSales, Dir: "desc"}},
		{"balance", models.AffiliateListFilter{Sort: models.SortAffiliateBalance, Dir: "desc"}},
		{"name", models.AffiliateListFilter{Sort: models.SortAffiliateName, Dir: "asc"}},
		{"created-page-100", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Page: 100}}},
		{"sales-search", models.AffiliateListFilter{AffiliateFilter: models.AffiliateFilter{Q: "affiliate 12"}, Sort: models.SortAffiliateSales}},
	}
	lat := make([][]time.Duration, len(cases))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, c := range cases {
			c.f.PerPage = 50
			start := time.Now()
			rows, total, err := s.ListAffiliateRows(ctx, acct.ID, c.f)
			lat[j] = append(lat[j], time.Since(start))
			if err != nil || len(rows) == 0 || total == 0 || (c.f.Q == "" && (len(rows) != 50 || total != 10000)) {
				b.Fatalf("%s: %d rows of %d, %v", c.name, len(rows), total, err)
			}
		}
	}
	b.StopTimer()
	// Baseline, in the same run: one pass over the account's conversions
	// (a plain count), what any list aggregating them all pays at least.
	base := make([]time.Duration, min(b.N, 20))
	for i := range base {
		start := time.Now()
		var n int64
		if err := s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ? AND subtotal >= 0", acct.ID).Scan(&n).Error; err != nil {
			b.Fatal(err)
		}
		base[i] = time.Since(start)
	}
	b.ReportMetric(p95ms(base), "scan-p95-ms")
	for j, c := range cases {
		b.ReportMetric(p95ms(lat[j]), c.name+"-p95-ms")
	}
}

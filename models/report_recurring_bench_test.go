package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkRecurringReports measures the three reports over the last 12
// months, for all affiliates and for one, for an account with 100,000
// subscriptions (their states, links and about 160,000 movements) and
// 1,000,000 conversions of 200,000 customers over two years, across 20
// affiliates, on PostgreSQL. Each reports its p95 beside the same run's
// plain count of the account's conversions.
//
//	go test -run '^$' -bench BenchmarkRecurringReports -benchtime 20x ./models/
func BenchmarkRecurringReports(b *testing.B) {
	s := testdb.Postgres(b)
	f := newFixture(b, s)
	ids := []uint64{}
	for _, a := range f.affs {
		ids = append(ids, a.ID)
	}
	for i := len(ids); i < 20; i++ {
		a := models.Affiliate{AccountID: f.account.ID, Name: fmt.Sprintf("Bench %d", i), Email: fmt.Sprintf("bench%d@example.com", i), Status: models.AffiliateActive}
		mustCreate(b, s, &a)
		ids = append(ids, a.ID)
	}
	seedRecurring(b, s, f, ids)
	ctx := context.Background()
	acct := f.account.ID
	to := time.Now().UTC()
	all := models.ReportQuery{From: to.AddDate(0, -11, 0), To: to}
	one := all
	one.AffiliateID = ids[0]
	cases := []benchCase{
		{"recurring", func() error { _, err := s.RecurringReport(ctx, acct, all); return err }},
		{"recurring-one", func() error { _, err := s.RecurringReport(ctx, acct, one); return err }},
		{"retention", func() error { _, err := s.RetentionReport(ctx, acct, all); return err }},
		{"retention-one", func() error { _, err := s.RetentionReport(ctx, acct, one); return err }},
		{"customers", func() error { _, err := s.CustomerReport(ctx, acct, all); return err }},
		{"scan", func() error {
			var n int64
			return s.DB().Raw("SELECT count(*) FROM conversions WHERE account_id = ? AND subtotal >= 0", acct).Scan(&n).Error
		}},
	}
	reportP95(b, cases)
}

// seedRecurring inserts the benchmark's subscriptions, a movement when
// each started paying, an expansion for a third of them 20 days later
// and a churn for a fifth 60 days later (canceled now), and the
// conversions, each in one statement.
func seedRecurring(b *testing.B, s *models.Store, f *fixture, affs []uint64) {
	arr := "ARRAY["
	for i, id := range affs {
		if i > 0 {
			arr += ","
		}
		arr += fmt.Sprint(id)
	}
	arr += "]::bigint[]"
	acct, conn := f.account.ID, f.conn.ID
	for _, sql := range []string{
		`INSERT INTO subscriptions (account_id, connection_id, external_id, affiliate_id, first_paid_at, created_at)
		SELECT ?, ?, 'sub-' || g, (` + arr + `)[g % 20 + 1], now() - ((g % 730) || ' days')::interval - interval '61 days', now()
		FROM generate_series(1, 100000) g`,
		`INSERT INTO subscription_states (account_id, connection_id, external_id, customer_id, customer_email, status, currency, amount,
		"interval", interval_count, monthly_amount, started_at, canceled_at, changed_at, created_at, updated_at)
		SELECT ?, ?, 'sub-' || g, '', 'cust' || (g % 60000) || '@example.com',
		CASE WHEN g % 5 = 0 THEN 'canceled' WHEN g % 17 = 0 THEN 'past_due' ELSE 'active' END, 'USD',
		1000 + g % 50 * 100 + CASE WHEN g % 3 = 0 THEN 500 ELSE 0 END, 'month', 1,
		1000 + g % 50 * 100 + CASE WHEN g % 3 = 0 THEN 500 ELSE 0 END, now() - ((g % 730) || ' days')::interval - interval '61 days',
		NULL, now(), now(), now() FROM generate_series(1, 100000) g`,
		`INSERT INTO subscription_movements (account_id, connection_id, external_id, at, kind, currency, "from", "to", created_at)
		SELECT ?::bigint, ?::bigint, 'sub-' || g, now() - ((g % 730) || ' days')::interval - interval '61 days', 'new', 'USD', 0, 1000 + g % 50 * 100, now()
		FROM generate_series(1, 100000) g UNION ALL
		SELECT ?, ?, 'sub-' || g, now() - ((g % 730) || ' days')::interval - interval '41 days', 'expansion', 'USD',
		1000 + g % 50 * 100, 1500 + g % 50 * 100, now() FROM generate_series(3, 100000, 3) g UNION ALL
		SELECT ?, ?, 'sub-' || g, now() - ((g % 730) || ' days')::interval - interval '1 days', 'churn', 'USD',
		1000 + g % 50 * 100 + CASE WHEN g % 3 = 0 THEN 500 ELSE 0 END, 0, now() FROM generate_series(5, 100000, 5) g`,
		`INSERT INTO conversions (account_id, connection_id, external_order_id, affiliate_id, code, currency, subtotal, discount, total,
		commission, refunded_subtotal, reversed_commission, status, lifetime, customer_email, placed_at, approve_at, created_at, updated_at)
		SELECT ?, ?, 'bulk-' || g, (` + arr + `)[g % 20 + 1], 'PARTNER0', 'USD', 1000 + g % 9000, 0, 1000 + g % 9000, 100,
		CASE WHEN g % 50 = 0 THEN 500 ELSE 0 END, 0, 'pending', g % 3 = 0, 'cust' || (g % 200000) || '@example.com',
		now() - (g || ' minutes')::interval, now(), now(), now() FROM generate_series(1, 1000000) g`,
	} {
		var args []any
		for range strings.Count(sql, "?") / 2 {
			args = append(args, acct, conn)
		}
		if err := s.DB().Exec(sql, args...).Error; err != nil {
			b.Fatal(err)
		}
	}
	s.DB().Exec("ANALYZE")
}

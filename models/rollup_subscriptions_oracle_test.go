package models_test

import (
	"strings"
	"testing"

	"codecredit/models"
)

// The subscription rollups computed from scratch over the subscription
// tables, joined as the reports joined them before the rollups ({m} is
// the dialect's UTC month of a column; {paying} the paying states with
// their affiliates and customers, NULL when unknown), and the rollups
// summed over their slots.
var subscriptionOracles = []struct{ what, rolled, scratch string }{
	{"mrr_months",
		"SELECT account_id, currency, affiliate_id, month, kind, SUM(movements) AS n, SUM(delta) AS v FROM mrr_months " +
			"GROUP BY 1, 2, 3, 4, 5 HAVING SUM(movements) <> 0 OR SUM(delta) <> 0",
		`SELECT m.account_id, m.currency, sub.affiliate_id, {m.at}, m.kind, COUNT(*), SUM(m."to" - m."from") ` +
			"FROM subscription_movements m JOIN subscriptions sub ON sub.connection_id = m.connection_id AND sub.external_id = m.external_id " +
			"GROUP BY 1, 2, 3, 4, 5"},
	{"paying_customers",
		"SELECT account_id, currency, affiliate_id, customer, subscriptions AS n, mrr AS v FROM paying_customers",
		"SELECT st.account_id, st.currency, sub.affiliate_id, CASE WHEN st.customer_email <> '' THEN lower(st.customer_email) " +
			"WHEN st.customer_id <> '' THEN 'id:' || st.connection_id || ':' || st.customer_id ELSE '' END, COUNT(*), SUM(st.monthly_amount) " +
			"FROM subscription_states st JOIN subscriptions sub ON sub.connection_id = st.connection_id AND sub.external_id = st.external_id " +
			"WHERE st.status IN ('active', 'past_due') GROUP BY 1, 2, 3, 4"},
	{"paying_affiliates",
		"SELECT account_id, currency, affiliate_id, SUM(subscriptions) AS n, SUM(mrr) AS v, SUM(customers) AS c FROM paying_affiliates " +
			"GROUP BY 1, 2, 3 HAVING SUM(subscriptions) <> 0 OR SUM(mrr) <> 0 OR SUM(customers) <> 0",
		"SELECT account_id, currency, affiliate_id, COUNT(*), SUM(monthly_amount), COUNT(DISTINCT customer) FROM ({paying}) p GROUP BY 1, 2, 3 " +
			"UNION ALL SELECT account_id, currency, 0, 0, 0, COUNT(DISTINCT customer) FROM ({paying}) p GROUP BY 1, 2 HAVING COUNT(DISTINCT customer) > 0"},
	{"paying_account_customers",
		"SELECT account_id, currency, customer, affiliates FROM paying_account_customers",
		"SELECT account_id, currency, customer, COUNT(DISTINCT affiliate_id) FROM ({paying}) p WHERE customer IS NOT NULL GROUP BY 1, 2, 3"},
	{"cohort_months",
		"SELECT account_id, affiliate_id, cohort, month, SUM(movements) AS n, SUM(paying) AS v FROM cohort_months " +
			"GROUP BY 1, 2, 3, 4 HAVING SUM(movements) <> 0 OR SUM(paying) <> 0",
		`SELECT sub.account_id, sub.affiliate_id, {sub.first_paid_at}, {m.at}, COUNT(*), ` +
			`SUM(CASE WHEN m."from" = 0 THEN 1 WHEN m."to" = 0 THEN -1 ELSE 0 END) ` +
			"FROM subscription_movements m JOIN subscriptions sub ON sub.connection_id = m.connection_id AND sub.external_id = m.external_id " +
			"GROUP BY 1, 2, 3, 4"},
	{"cohort_sizes",
		"SELECT account_id, affiliate_id, cohort, SUM(subscriptions) AS n FROM cohort_sizes GROUP BY 1, 2, 3 HAVING SUM(subscriptions) <> 0",
		"SELECT account_id, affiliate_id, {first_paid_at}, COUNT(*) FROM subscriptions GROUP BY 1, 2, 3"},
}

// scratchPaying is the paying states, as the recurring report read them.
const scratchPaying = "SELECT st.account_id, st.currency, sub.affiliate_id, st.monthly_amount, CASE WHEN st.customer_email <> '' " +
	"THEN lower(st.customer_email) WHEN st.customer_id <> '' THEN 'id:' || st.connection_id || ':' || st.customer_id END AS customer " +
	"FROM subscription_states st JOIN subscriptions sub ON sub.connection_id = st.connection_id AND sub.external_id = st.external_id " +
	"WHERE st.status IN ('active', 'past_due')"

// checkSubscriptionRollups compares each subscription rollup with its
// sums from scratch, both ways, and fails on a rollup left empty.
func checkSubscriptionRollups(t *testing.T, s *models.Store) {
	t.Helper()
	month := func(q string) string {
		for _, col := range []string{"m.at", "sub.first_paid_at", "first_paid_at"} {
			expr := "strftime('%Y-%m', " + col + ")"
			if s.IsPostgres() {
				expr = "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
			}
			q = strings.ReplaceAll(q, "{"+col+"}", expr)
		}
		return q
	}
	for _, o := range subscriptionOracles {
		scratch := month(strings.ReplaceAll(o.scratch, "{paying}", scratchPaying))
		for _, d := range [][3]string{{o.rolled, scratch, "rollup"}, {scratch, o.rolled, "scratch"}} {
			var rows []map[string]any
			if err := s.DB().Raw("SELECT * FROM (" + d[0] + ") a EXCEPT SELECT * FROM (" + d[1] + ") b").Scan(&rows).Error; err != nil {
				t.Fatalf("%s: %v", o.what, err)
			}
			for _, r := range rows {
				t.Errorf("%s: %v in the %s only", o.what, r, d[2])
			}
		}
		var n int64
		if err := s.DB().Raw("SELECT COUNT(*) FROM (" + scratch + ") x").Scan(&n).Error; err != nil || n == 0 {
			t.Fatalf("%s: %d rows from scratch (%v)", o.what, n, err)
		}
	}
}

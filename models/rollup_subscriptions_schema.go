package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// subscriptionLockBulk is how many changed rows a statement may have
// before its triggers lock whole connections instead of subscriptions.
const subscriptionLockBulk = 64

// migrateSubscriptionRollups creates the subscription rollups (MRRMonth,
// PayingCustomer, CohortMonth, CohortSize, and PayingAffiliate and
// PayingAccountCustomer kept from PayingCustomer) and the triggers that
// keep them, and fills them from the subscription tables when one is new
// (the fill of PayingCustomer fills the two kept from it). As in
// migrateRollups, the triggers come first, so on PostgreSQL the fill sees
// every row.
func migrateSubscriptionRollups(tx *gorm.DB) error {
	m := tx.Migrator()
	tables := []any{&MRRMonth{}, &PayingCustomer{}, &CohortMonth{}, &CohortSize{}, &PayingAffiliate{}, &PayingAccountCustomer{}}
	fresh := false
	for _, t := range tables {
		fresh = fresh || !m.HasTable(t)
	}
	if err := tx.AutoMigrate(tables...); err != nil {
		return err
	}
	pg := tx.Dialector.Name() == "postgres"
	month := func(col string) string { return "substr(" + col + ", 1, 7)" }
	if pg {
		month = func(col string) string { return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')" }
	}
	mrr, paying, cohorts, sizes := subscriptionRollups(month, rollupSlot(pg))
	stmts := payingSummaryTriggers(pg, rollupSlot(pg))
	for _, t := range rolledTables(mrr, paying, cohorts, sizes) {
		if pg {
			stmts = append(stmts, postgresSubscriptionTriggers(t)...)
		} else {
			stmts = append(stmts, sqliteSubscriptionTriggers(t)...)
		}
	}
	if fresh {
		for _, t := range []string{"mrr_months", "paying_customers", "cohort_months", "cohort_sizes", "paying_affiliates", "paying_account_customers"} {
			stmts = append(stmts, "DELETE FROM "+t)
		}
		stmts = append(stmts, mrr.upsert("subscription_movements r, subscriptions sub", ""),
			cohorts.upsert("subscription_movements r, subscriptions sub", ""),
			paying.upsert("subscription_states r, subscriptions sub", ""), sizes.upsert("subscriptions sub", ""))
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("subscription rollups: %w", err)
		}
	}
	return nil
}

// rolledBody is what a trigger on t runs for op, its changed rows being
// the relations oldRows and newRows: each rollup loses the old rows'
// sums and gains the new rows', and rows left at zero are deleted.
func rolledBody(t rolledTable, op, oldRows, newRows string) []string {
	var out []string
	for _, k := range t.keeps {
		if op != "INSERT" {
			out = append(out, k.t.upsert(fmt.Sprintf(k.from, oldRows), "-"))
		}
		if op != "DELETE" {
			out = append(out, k.t.upsert(fmt.Sprintf(k.from, newRows), ""))
		}
	}
	if op != "INSERT" {
		for _, k := range t.keeps {
			out = append(out, k.t.prune(fmt.Sprintf(k.from, oldRows)))
		}
	}
	return out
}

// postgresSubscriptionTriggers are statement-level triggers on t reading
// the transition tables. Before reading the other table they lock the
// changed subscriptions (advisory locks, held to commit, each after a
// shared lock of its connection), or for a bulk statement their whole
// connections: a link and its subscription's movements written at once
// by two transactions then see each other, the second after the first
// commits, since each statement of the function takes a fresh snapshot.
func postgresSubscriptionTriggers(t rolledTable) []string {
	fn := "CREATE OR REPLACE FUNCTION " + t.name + "_rollup() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		changed := map[string]string{"INSERT": "new_rows", "DELETE": "old_rows",
			"UPDATE": "(SELECT connection_id, external_id FROM old_rows UNION ALL SELECT connection_id, external_id FROM new_rows)"}[op]
		body := append(subscriptionLocks(changed), rolledBody(t, op, "old_rows", "new_rows")...)
		fn += "\tIF TG_OP = '" + op + "' THEN\n\t\t" + strings.Join(body, ";\n\t\t") + ";\n\tEND IF;\n"
	}
	fn += "\tRETURN NULL;\nEND $$"
	return append([]string{fn}, postgresStatementTriggers(t.name, t.name+"_rollup")...)
}

// subscriptionLocks takes the advisory locks of the subscriptions in
// changed (with connection_id and external_id), in key order.
func subscriptionLocks(changed string) []string {
	lock := func(fn, key string) string {
		return "PERFORM " + fn + "(k) FROM (SELECT DISTINCT hashtextextended('subscription rollup ' || " + key +
			", 0) AS k FROM " + changed + " c ORDER BY 1) l"
	}
	const conn, sub = "c.connection_id", "c.connection_id || ' ' || c.external_id"
	return []string{fmt.Sprintf("IF (SELECT COUNT(*) FROM %s c) > %d THEN\n\t\t\t%s;\n\t\tELSE\n\t\t\t%s;\n\t\t\t%s;\n\t\tEND IF",
		changed, subscriptionLockBulk, lock("pg_advisory_xact_lock", conn),
		lock("pg_advisory_xact_lock_shared", conn), lock("pg_advisory_xact_lock", sub))}
}

// sqliteSubscriptionTriggers are row-level triggers on t (SQLite has one
// writer at a time, so nothing to lock): the changed row is a one-row
// relation of the columns the rollups read.
func sqliteSubscriptionTriggers(t rolledTable) []string {
	row := func(rec string) string {
		cols := strings.Split(t.cols, ", ")
		for i, c := range cols {
			cols[i] = rec + "." + c + " AS " + c
		}
		return "(SELECT " + strings.Join(cols, ", ") + ")"
	}
	var out []string
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		name := t.name + "_rollup_" + strings.ToLower(op)
		on := op
		if op == "UPDATE" {
			on = "UPDATE OF " + t.cols
		}
		out = append(out, "DROP TRIGGER IF EXISTS "+name, "CREATE TRIGGER "+name+" AFTER "+on+" ON "+t.name+" BEGIN\n"+
			strings.Join(rolledBody(t, op, row("OLD"), row("NEW")), ";\n")+";\nEND")
	}
	return out
}

// payingSummaryTriggers are row-level triggers, on both databases, on
// paying_customers and paying_account_customers: a row's sums go to its
// affiliate's PayingAffiliate, a customer's first row to the account's
// customers and its last row away from them.
func payingSummaryTriggers(pg bool, slot string) []string {
	affiliates, customers, all := payingSummaries(slot)
	const one = "(SELECT 1) one"
	as := func(rec string, stmts ...string) []string {
		out := make([]string, len(stmts))
		for i, q := range stmts {
			out[i] = strings.ReplaceAll(q, "r.", rec+".")
		}
		return out
	}
	keep := map[string]map[string][]string{
		"paying_customers": {
			"INSERT": as("NEW", affiliates.upsert(one, ""), customers.upsert(one, "")),
			"UPDATE": append(as("OLD", affiliates.upsert(one, "-"), customers.upsert(one, "-")),
				append(as("NEW", affiliates.upsert(one, ""), customers.upsert(one, "")),
					as("OLD", affiliates.prune(one), customers.prune(one))...)...),
			"DELETE": as("OLD", affiliates.upsert(one, "-"), customers.upsert(one, "-"), affiliates.prune(one), customers.prune(one)),
		},
		"paying_account_customers": {
			"INSERT": as("NEW", all.upsert(one, "")),
			"DELETE": as("OLD", all.upsert(one, "-"), all.prune(one)),
		},
	}
	var out []string
	for _, table := range []string{"paying_customers", "paying_account_customers"} {
		ops := []string{"INSERT", "UPDATE", "DELETE"}
		if pg {
			fn := "CREATE OR REPLACE FUNCTION " + table + "_summary() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
			var on []string
			for _, op := range ops {
				if body := keep[table][op]; body != nil {
					on = append(on, op)
					fn += "\tIF TG_OP = '" + op + "' THEN\n\t\t" + strings.Join(body, ";\n\t\t") + ";\n\tEND IF;\n"
				}
			}
			out = append(out, fn+"\tRETURN NULL;\nEND $$", "DROP TRIGGER IF EXISTS "+table+"_summary ON "+table,
				"CREATE TRIGGER "+table+"_summary AFTER "+strings.Join(on, " OR ")+" ON "+table+
					" FOR EACH ROW EXECUTE FUNCTION "+table+"_summary()")
			continue
		}
		for _, op := range ops {
			if body := keep[table][op]; body != nil {
				name := table + "_summary_" + strings.ToLower(op)
				out = append(out, "DROP TRIGGER IF EXISTS "+name,
					"CREATE TRIGGER "+name+" AFTER "+op+" ON "+table+" BEGIN\n"+strings.Join(body, ";\n")+";\nEND")
			}
		}
	}
	return out
}

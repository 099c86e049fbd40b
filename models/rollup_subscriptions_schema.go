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
// PayingCustomer, CohortMonth, CohortSize) and the triggers that keep
// them, and fills them from the subscription tables when one is new. As
// in migrateRollups, the triggers come first, so on PostgreSQL the fill
// sees every row.
func migrateSubscriptionRollups(tx *gorm.DB) error {
	m := tx.Migrator()
	fresh := !m.HasTable(&MRRMonth{}) || !m.HasTable(&PayingCustomer{}) || !m.HasTable(&CohortMonth{}) || !m.HasTable(&CohortSize{})
	if err := tx.AutoMigrate(&MRRMonth{}, &PayingCustomer{}, &CohortMonth{}, &CohortSize{}); err != nil {
		return err
	}
	pg := tx.Dialector.Name() == "postgres"
	month := func(col string) string { return "substr(" + col + ", 1, 7)" }
	if pg {
		month = func(col string) string { return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')" }
	}
	mrr, paying, cohorts, sizes := subscriptionRollups(month, rollupSlot(pg))
	var stmts []string
	for _, t := range rolledTables(mrr, paying, cohorts, sizes) {
		if pg {
			stmts = append(stmts, postgresSubscriptionTriggers(t)...)
		} else {
			stmts = append(stmts, sqliteSubscriptionTriggers(t)...)
		}
	}
	if fresh {
		stmts = append(stmts, "DELETE FROM mrr_months", "DELETE FROM paying_customers", "DELETE FROM cohort_months",
			"DELETE FROM cohort_sizes", mrr.upsert("subscription_movements r, subscriptions sub", ""),
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

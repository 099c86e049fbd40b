package models

import (
	"strings"

	"gorm.io/gorm"
)

// reportRollupColumns are the conversion columns the report rollups read.
const reportRollupColumns = "account_id, connection_id, affiliate_id, currency, status, subtotal, refunded_subtotal, lifetime, " +
	"customer_email, customer_id, placed_at"

// migrateReportRollups creates the report rollups (AffiliateCustomer,
// AffiliateMonth), the triggers that keep them and the index that finds a
// customer known by id only, and fills the tables from the conversions
// when one is new. As in migrateRollups, the triggers come first, so on
// PostgreSQL the fill sees every conversion.
func migrateReportRollups(tx *gorm.DB) error {
	fresh := !tx.Migrator().HasTable(&AffiliateCustomer{}) || !tx.Migrator().HasTable(&AffiliateMonth{})
	if err := tx.AutoMigrate(&AffiliateCustomer{}, &AffiliateMonth{}); err != nil {
		return err
	}
	pg := tx.Dialector.Name() == "postgres"
	month, least := "substr(r.placed_at, 1, 7)", "MIN"
	if pg {
		month, least = "to_char(r.placed_at AT TIME ZONE 'UTC', 'YYYY-MM')", "LEAST"
	}
	months, customers := reportTargets(month, rollupSlot(pg))
	stmts := []string{customerIDIndexSQL()}
	if pg {
		stmts = append(stmts, postgresReportTriggers(months, customers)...)
	} else {
		stmts = append(stmts, sqliteReportTriggers(months, customers)...)
	}
	if fresh {
		stmts = append(stmts, "DELETE FROM affiliate_months", "DELETE FROM affiliate_customers",
			months.upsert("conversions r", ""), customerUpsert(customers, "conversions r", "", least))
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

// refirst sets FirstAt again, from the conversions, for the customers of
// the conversions in old (aliased r) that may have been their first and
// whose first is no longer certain: no conversion in cur (aliased r, ""
// for none) of the same customer at or before FirstAt. On PostgreSQL old
// and cur are transition tables.
func refirstPostgres(t rollupTarget, old, cur string) string {
	keyed := func(from string) string {
		cols := []string{"account_id", "currency", "affiliate_id", "customer"}
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = t.exprs[i] + " AS " + c
		}
		return "(SELECT " + strings.Join(sel, ", ") + ", MIN(r.placed_at) AS at FROM " + from + " WHERE " + t.cond + " GROUP BY 1, 2, 3, 4)"
	}
	match := func(a, b string) string {
		return "(" + a + ".account_id, " + a + ".currency, " + a + ".affiliate_id, " + a + ".customer) = (" +
			b + ".account_id, " + b + ".currency, " + b + ".affiliate_id, " + b + ".customer)"
	}
	from, still := keyed(old)+" o", ""
	if cur != "" {
		from += " LEFT JOIN " + keyed(cur) + " n ON " + match("n", "o")
		still = " AND (n.at IS NULL OR n.at > " + t.table + ".first_at)"
	}
	return "UPDATE " + t.table + " SET first_at = COALESCE(" + firstOrder(t.table) + ", " + t.table + ".first_at) FROM " + from +
		" WHERE " + match(t.table, "o") + " AND o.at <= " + t.table + ".first_at" + still
}

// postgresReportTriggers are statement-level triggers reading the
// transition tables, like postgresRollupTriggers.
func postgresReportTriggers(months, customers rollupTarget) []string {
	body := func(op string) []string {
		var out []string
		if op != "INSERT" {
			out = append(out, months.upsert("old_rows r", "-"), customerUpsert(customers, "old_rows r", "-", "LEAST"))
		}
		if op != "DELETE" {
			out = append(out, months.upsert("new_rows r", ""), customerUpsert(customers, "new_rows r", "", "LEAST"))
		}
		switch op {
		case "UPDATE":
			out = append(out, months.prune("old_rows r"), customers.prune("old_rows r"), refirstPostgres(customers, "old_rows r", "new_rows r"))
		case "DELETE":
			out = append(out, months.prune("old_rows r"), customers.prune("old_rows r"), refirstPostgres(customers, "old_rows r", ""))
		}
		return out
	}
	fn := "CREATE OR REPLACE FUNCTION conversion_report_rollup() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		fn += "\tIF TG_OP = '" + op + "' THEN\n\t\t" + strings.Join(body(op), ";\n\t\t") + ";\n\tEND IF;\n"
	}
	fn += "\tRETURN NULL;\nEND $$"
	return append([]string{fn}, postgresStatementTriggers("conversions", "conversion_report_rollup")...)
}

// sqliteReportTriggers are row-level triggers: the old row is taken
// away, the new one added, rows left at zero deleted, and the first
// order looked up again where the old row may have been it.
func sqliteReportTriggers(months, customers rollupTarget) []string {
	const one = "(SELECT 1) one"
	as := func(rec, stmt string) string { return strings.ReplaceAll(stmt, "r.", rec+".") }
	key := "(" + strings.Join(customers.keys, ", ") + ") = (" + strings.Join(customers.exprs, ", ") + ")"
	var out []string
	for _, ev := range []string{"INSERT", "UPDATE", "DELETE"} {
		var body []string
		if ev != "INSERT" {
			body = append(body, as("OLD", months.upsert(one, "-")), as("OLD", customerUpsert(customers, one, "-", "MIN")))
		}
		if ev != "DELETE" {
			body = append(body, as("NEW", months.upsert(one, "")), as("NEW", customerUpsert(customers, one, "", "MIN")))
		}
		if ev != "INSERT" {
			refirst := "UPDATE affiliate_customers SET first_at = COALESCE(" + firstOrder("affiliate_customers") + ", first_at) WHERE " +
				as("OLD", key+" AND "+customers.cond+" AND r.placed_at <= first_at")
			if ev == "UPDATE" {
				refirst += " AND NOT (" + as("NEW", customers.cond+" AND "+key+" AND r.placed_at <= first_at") + ")"
			}
			body = append(body, as("OLD", months.prune(one)), as("OLD", customers.prune(one)), refirst)
		}
		name := "conversion_report_rollup_" + strings.ToLower(ev)
		on := ev
		if ev == "UPDATE" {
			on = "UPDATE OF " + reportRollupColumns
		}
		out = append(out, "DROP TRIGGER IF EXISTS "+name,
			"CREATE TRIGGER "+name+" AFTER "+on+" ON conversions BEGIN\n"+strings.Join(body, ";\n")+";\nEND")
	}
	return out
}

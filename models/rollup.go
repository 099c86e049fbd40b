package models

import (
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// ConversionDay sums an account's attributed conversions (affiliate set)
// per UTC day, currency, affiliate, code (0 when none) and status: Orders
// counts them, Sales is subtotal less refunds, Commission is commission
// less reversals. Database triggers on conversions keep it equal to those
// sums in the same transaction as every write, so the dashboard reads
// whole days from it instead of every order. Each key has up to
// rollupSlots rows (Slot): see rollupSlot.
type ConversionDay struct {
	AccountID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	Day         string `gorm:"primaryKey;size:10"` // YYYY-MM-DD, UTC
	Currency    string `gorm:"primaryKey;size:3"`
	AffiliateID uint64 `gorm:"primaryKey;autoIncrement:false"`
	CodeID      uint64 `gorm:"primaryKey;autoIncrement:false"`
	Status      string `gorm:"primaryKey;size:16"`
	Slot        int    `gorm:"primaryKey;autoIncrement:false"`
	Orders      int64  `gorm:"not null;default:0"`
	Sales       int64  `gorm:"not null;default:0"`
	Commission  int64  `gorm:"not null;default:0"`
}

// AffiliateSales sums an affiliate's earning conversions (neither
// unattributed, flagged nor reversed) per currency: Orders counts them,
// Sales is subtotal less refunds. Kept by the same triggers as
// ConversionDay; the affiliates list sorts by it.
type AffiliateSales struct {
	AccountID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	AffiliateID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency    string `gorm:"primaryKey;size:3"`
	Slot        int    `gorm:"primaryKey;autoIncrement:false"`
	Orders      int64  `gorm:"not null;default:0"`
	Sales       int64  `gorm:"not null;default:0"`
}

// rollupSlots is how many rows a rollup key is spread over on PostgreSQL.
// A writer adds to the row of its own slot (its database session's
// process id modulo rollupSlots), so that concurrent bookings for one
// affiliate on one day, which would all wait for each other's commit on
// a single row, mostly touch different rows; readers sum the slots. A
// slot's row may go below zero (a refund booked by another session than
// the order); only the sum means anything. SQLite has one writer: slot 0.
const rollupSlots = 16

// rollupSlot is the dialect's slot expression for the writing session.
func rollupSlot(pg bool) string {
	if pg {
		return "(pg_backend_pid() % " + strconv.Itoa(rollupSlots) + ")"
	}
	return "0"
}

// rollupTarget is one table the triggers keep: its key columns, and per
// column the value one conversion "r" adds (r stands for NEW, OLD or a
// transition table's row), counted only where cond holds.
type rollupTarget struct {
	table string
	keys  []string // rollup column = expression over r
	exprs []string
	sums  []string
	vals  []string
	cond  string
}

// rollupTargets are the tables kept from conversions; day is the
// dialect's UTC day of r.placed_at as YYYY-MM-DD, slot its rollupSlot.
func rollupTargets(day, slot string) []rollupTarget {
	return []rollupTarget{{
		table: "conversion_days",
		keys:  []string{"account_id", "day", "currency", "affiliate_id", "code_id", "status", "slot"},
		exprs: []string{"r.account_id", day, "r.currency", "r.affiliate_id", "COALESCE(r.code_id, 0)", "r.status", slot},
		sums:  []string{"orders", "sales", "commission"},
		vals:  []string{"1", "r.subtotal - r.refunded_subtotal", "r.commission - r.reversed_commission"},
		cond:  "r.affiliate_id IS NOT NULL",
	}, {
		table: "affiliate_sales",
		keys:  []string{"account_id", "affiliate_id", "currency", "slot"},
		exprs: []string{"r.account_id", "r.affiliate_id", "r.currency", slot},
		sums:  []string{"orders", "sales"},
		vals:  []string{"1", "r.subtotal - r.refunded_subtotal"},
		cond:  "r.affiliate_id IS NOT NULL AND r.status NOT IN " + notEarning,
	}}
}

// upsert adds sign × the sums of the conversions in from (aliased r) to
// t, grouped by its key, in key order (so concurrent writers lock rollup
// rows in the same order).
func (t rollupTarget) upsert(from, sign string) string {
	sums := make([]string, len(t.vals))
	set := make([]string, len(t.sums))
	for i, v := range t.vals {
		sums[i] = sign + "SUM(" + v + ")"
		set[i] = t.sums[i] + " = " + t.table + "." + t.sums[i] + " + excluded." + t.sums[i]
	}
	groups := make([]string, len(t.keys))
	for i := range t.keys {
		groups[i] = strconv.Itoa(i + 1)
	}
	return "INSERT INTO " + t.table + " (" + strings.Join(append(append([]string{}, t.keys...), t.sums...), ", ") + ") " +
		"SELECT " + strings.Join(append(append([]string{}, t.exprs...), sums...), ", ") + " FROM " + from +
		" WHERE " + t.cond + " GROUP BY " + strings.Join(groups, ", ") + " ORDER BY " + strings.Join(groups, ", ") +
		" ON CONFLICT (" + strings.Join(t.keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// prune deletes t's rows left at zero by the conversions in from (aliased
// r), so moved and deleted conversions leave nothing behind. Every sum
// must be zero: with slots, a row can count no orders and still carry
// money (an order's refund booked in another slot than the order).
func (t rollupTarget) prune(from string) string {
	zero := make([]string, len(t.sums))
	for i, c := range t.sums {
		zero[i] = c + " = 0"
	}
	return "DELETE FROM " + t.table + " WHERE " + strings.Join(zero, " AND ") + " AND (" + strings.Join(t.keys, ", ") + ") IN (SELECT " +
		strings.Join(t.exprs, ", ") + " FROM " + from + " WHERE " + t.cond + ")"
}

// rollupColumns are the conversion columns the rollups read; an update
// touching none of them leaves the rollups as they are.
const rollupColumns = "account_id, affiliate_id, code_id, currency, status, subtotal, refunded_subtotal, commission, reversed_commission, placed_at"

// migrateRollups creates the rollup tables and the triggers that keep
// them, and fills a table from the conversions when it is new. The
// triggers are created first: on PostgreSQL that locks conversions
// against writes until the migration commits, so the fill misses nothing.
func migrateRollups(tx *gorm.DB) error {
	fresh := !tx.Migrator().HasTable(&ConversionDay{}) || !tx.Migrator().HasTable(&AffiliateSales{})
	if err := tx.AutoMigrate(&ConversionDay{}, &AffiliateSales{}); err != nil {
		return err
	}
	pg := tx.Dialector.Name() == "postgres"
	day, slot := "substr(r.placed_at, 1, 10)", rollupSlot(pg)
	stmts := sqliteRollupTriggers("conversions", "conversion_rollup", rollupColumns, rollupTargets(day, slot))
	if pg {
		day = "to_char(r.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		stmts = postgresRollupTriggers("conversions", "conversion_rollup", rollupTargets(day, slot))
	}
	if fresh {
		stmts = append(stmts, "DELETE FROM conversion_days", "DELETE FROM affiliate_sales")
		for _, t := range rollupTargets(day, slot) {
			stmts = append(stmts, t.upsert("conversions r", ""))
		}
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return migrateReportRollups(tx)
}

// postgresRollupTriggers are statement-level triggers on table, running
// the function fn, reading the transition tables, so a bulk write updates
// each rollup row once.
func postgresRollupTriggers(table, fn string, targets []rollupTarget) []string {
	var minus, plus, prune []string
	for _, t := range targets {
		minus = append(minus, t.upsert("old_rows r", "-")+";")
		plus = append(plus, t.upsert("new_rows r", "")+";")
		prune = append(prune, t.prune("old_rows r")+";")
	}
	body := `CREATE OR REPLACE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		` + strings.Join(minus, "\n\t\t") + `
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		` + strings.Join(plus, "\n\t\t") + `
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		` + strings.Join(prune, "\n\t\t") + `
	END IF;
	RETURN NULL;
END $$`
	return append([]string{body}, postgresStatementTriggers(table, fn)...)
}

// postgresStatementTriggers creates the triggers running the function fn
// after each INSERT, UPDATE and DELETE statement on table, named fn_insert
// and so on, with the statement's rows as the transition tables old_rows
// and new_rows.
func postgresStatementTriggers(table, fn string) []string {
	var out []string
	for _, ev := range []struct{ name, refs string }{
		{"INSERT", "NEW TABLE AS new_rows"},
		{"UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"},
		{"DELETE", "OLD TABLE AS old_rows"},
	} {
		name := fn + "_" + strings.ToLower(ev.name)
		out = append(out, "DROP TRIGGER IF EXISTS "+name+" ON "+table,
			"CREATE TRIGGER "+name+" AFTER "+ev.name+" ON "+table+" REFERENCING "+ev.refs+
				" FOR EACH STATEMENT EXECUTE FUNCTION "+fn+"()")
	}
	return out
}

// sqliteRollupTriggers are row-level triggers on table (SQLite has no
// others), named fn_insert and so on, the update's firing only when one
// of cols changes: the old row's sums are taken away, the new row's
// added, and rows left at zero deleted.
func sqliteRollupTriggers(table, fn, cols string, targets []rollupTarget) []string {
	row := func(t rollupTarget, rec string) rollupTarget {
		r := strings.NewReplacer("r.", rec+".")
		u := t
		u.exprs, u.vals = make([]string, len(t.exprs)), make([]string, len(t.vals))
		for i, e := range t.exprs {
			u.exprs[i] = r.Replace(e)
		}
		for i, v := range t.vals {
			u.vals[i] = r.Replace(v)
		}
		u.cond = r.Replace(t.cond)
		return u
	}
	const one = "(SELECT 1) one"
	var out []string
	for _, ev := range []string{"INSERT", "UPDATE", "DELETE"} {
		var body []string
		for _, t := range targets {
			if ev != "INSERT" {
				body = append(body, row(t, "OLD").upsert(one, "-")+";")
			}
			if ev != "DELETE" {
				body = append(body, row(t, "NEW").upsert(one, "")+";")
			}
			if ev != "INSERT" {
				body = append(body, row(t, "OLD").prune(one)+";")
			}
		}
		name := fn + "_" + strings.ToLower(ev)
		on := ev
		if ev == "UPDATE" {
			on = "UPDATE OF " + cols
		}
		out = append(out, "DROP TRIGGER IF EXISTS "+name,
			"CREATE TRIGGER "+name+" AFTER "+on+" ON "+table+" BEGIN\n"+strings.Join(body, "\n")+"\nEND")
	}
	return out
}

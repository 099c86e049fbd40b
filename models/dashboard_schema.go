package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// migrateDashboard adds what keeps the dashboard's queries fast at scale:
// the rollups (rollup.go, rollup_balances.go) and, on PostgreSQL, the
// trigram indexes of the conversions search.
func migrateDashboard(tx *gorm.DB) error {
	if err := migrateRollups(tx); err != nil {
		return fmt.Errorf("rollups: %w", err)
	}
	if err := migrateBalanceRollup(tx); err != nil {
		return err
	}
	if tx.Dialector.Name() != "postgres" {
		return nil // SQLite scans: it serves small shops
	}
	return migrateSearchIndexes(tx)
}

// searchIndexes are the conversion columns the search matches anywhere
// in (LOWER(col) LIKE '%term%'), by index name.
var searchIndexes = map[string]string{
	"idx_conversion_order_number_trgm": "order_number",
	"idx_conversion_order_id_trgm":     "external_order_id",
	"idx_conversion_code_trgm":         "code",
}

// migrateSearchIndexes creates the trigram indexes of the conversions
// search when pg_trgm is installed or can be; without it the search
// still works, by scanning.
func migrateSearchIndexes(tx *gorm.DB) error {
	var schema string
	find := "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
	if err := tx.Raw(find).Scan(&schema).Error; err != nil {
		return err
	}
	if schema == "" {
		var available bool
		if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')").Scan(&available).Error; err != nil || !available {
			return err
		}
		// Creating an extension may need rights the app lacks: try it
		// under a savepoint so a refusal leaves the migration going.
		if err := tx.SavePoint("trgm").Error; err != nil {
			return err
		}
		if tx.Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm"+extensionSchema(tx)).Error != nil {
			return tx.RollbackTo("trgm").Error
		}
		if err := tx.Raw(find).Scan(&schema).Error; err != nil {
			return err
		}
	}
	ops := quoteIdent(schema) + ".gin_trgm_ops"
	for name, col := range searchIndexes {
		if err := tx.Exec("CREATE INDEX IF NOT EXISTS " + name + " ON conversions USING gin (LOWER(" + col + ") " + ops + ")").Error; err != nil {
			return err
		}
	}
	return nil
}

// extensionSchema is " SCHEMA public" when public exists and may be
// written, else "" (the first schema of the search path). An extension
// lives once per database: kept in public, it outlives any other schema
// that is dropped (a tenant's, a test's) while another one uses it.
func extensionSchema(tx *gorm.DB) string {
	var ok bool
	q := "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN has_schema_privilege('public', 'CREATE') ELSE false END"
	if tx.Raw(q).Scan(&ok).Error != nil || !ok {
		return ""
	}
	return " SCHEMA public"
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

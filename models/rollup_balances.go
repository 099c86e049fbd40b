package models

import (
	"fmt"

	"gorm.io/gorm"
)

// AffiliateBalance sums an affiliate's commission not yet paid per
// currency, as its ledger entries other than payouts add up: Pending is
// still in its hold period, Payable approved. Database triggers on
// ledger_entries keep it equal to those sums in the same transaction as
// every write (bookings, approvals, payouts, deletions); the affiliates
// list sorts by it. Each key has up to rollupSlots rows (Slot): see
// rollupSlot.
type AffiliateBalance struct {
	AccountID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	AffiliateID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency    string `gorm:"primaryKey;size:3"`
	Slot        int    `gorm:"primaryKey;autoIncrement:false"`
	Pending     int64  `gorm:"not null;default:0"`
	Payable     int64  `gorm:"not null;default:0"`
}

// balanceColumns are the ledger entry columns the balance rollup reads.
const balanceColumns = "account_id, affiliate_id, currency, kind, status, amount"

// balanceTarget is AffiliateBalance as a rollupTarget over a ledger entry
// r: only pending and approved entries count, so paid ones leave it.
func balanceTarget(slot string) rollupTarget {
	return rollupTarget{
		table: "affiliate_balances",
		keys:  []string{"account_id", "affiliate_id", "currency", "slot"},
		exprs: []string{"r.account_id", "r.affiliate_id", "r.currency", slot},
		sums:  []string{"pending", "payable"},
		vals: []string{"CASE WHEN r.status = '" + EntryPending + "' THEN r.amount ELSE 0 END",
			"CASE WHEN r.status = '" + EntryApproved + "' THEN r.amount ELSE 0 END"},
		cond: "r.kind <> '" + EntryPayout + "' AND r.status IN ('" + EntryPending + "', '" + EntryApproved + "')",
	}
}

// migrateBalanceRollup creates AffiliateBalance and the triggers on
// ledger_entries that keep it, and fills it from the ledger when it is
// new. As in migrateRollups, the triggers come first, so on PostgreSQL
// the fill sees every entry.
func migrateBalanceRollup(tx *gorm.DB) error {
	fresh := !tx.Migrator().HasTable(&AffiliateBalance{})
	if err := tx.AutoMigrate(&AffiliateBalance{}); err != nil {
		return fmt.Errorf("balance rollup: %w", err)
	}
	pg := tx.Dialector.Name() == "postgres"
	targets := []rollupTarget{balanceTarget(rollupSlot(pg))}
	stmts := sqliteRollupTriggers("ledger_entries", "ledger_balance_rollup", balanceColumns, targets)
	if pg {
		stmts = postgresRollupTriggers("ledger_entries", "ledger_balance_rollup", targets)
	}
	if fresh {
		stmts = append(stmts, "DELETE FROM affiliate_balances", targets[0].upsert("ledger_entries r", ""))
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("balance rollup: %w", err)
		}
	}
	return nil
}

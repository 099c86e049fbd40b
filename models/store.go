// Package models holds Codecredit's domain: the GORM models, the
// attribution engine, the ledger and code generation, all behind Store.
//
// Files are named after the aggregate they serve: account*, affiliate*,
// code*, connection*, conversion*, email*, event*, ledger*, payout*,
// portal*, rule* and summary*; the model of each is the bare name
// (account.go, code.go, …) and its operations the suffixed files.
//
// Read store.go (Store, the clock, migrations) and errors.go (the sentinel
// errors every caller maps) first, then the money rules: money.go, rule.go,
// attribution.go and conversion_credit.go (an order to a conversion, and
// which affiliate it credits), ledger.go (append-only entries, balances,
// approval), payout.go and payout_run.go, conversion_refund.go and
// conversion_refund_undo.go. event.go and event_writer.go keep the raw
// webhook deliveries; input.go holds the bounds every API input is checked
// against; code_generate.go and code_batch.go make codes from a naming rule
// (the rule language itself is package codename); email_outbox.go writes
// and sends email, the other email_*.go files say what is written; portal.go
// signs affiliates in to their portal. The bare infrastructure (crypto.go,
// open.go, paging.go) serves every aggregate.
package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Store wraps the database. Every domain operation hangs off it.
type Store struct {
	db     *gorm.DB
	cipher *Cipher
	now    func() time.Time
	events *eventWriter
}

// NewStore wraps an open database. cipher encrypts platform credentials.
func NewStore(db *gorm.DB, cipher *Cipher) *Store {
	return &Store{db: db, cipher: cipher, now: func() time.Time { return time.Now().UTC() }, events: &eventWriter{}}
}

// DB exposes the underlying handle for wiring code (health checks, tests).
func (s *Store) DB() *gorm.DB { return s.db }

// SetClock replaces the store's clock; tests use it to move time.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.now() }

// IsPostgres reports whether the store runs on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.db.Dialector.Name() == "postgres" }

// allModels lists every table, in dependency order.
func allModels() []any {
	return append([]any{
		&Account{}, &APIKey{}, &Connection{}, &Affiliate{}, &Code{},
		&CommissionRule{}, &Conversion{}, &Refund{}, &Subscription{},
		&LedgerEntry{}, &PayoutRun{}, &Payout{}, &WebhookEvent{}, &DataRequest{}, &RefundUndo{}, &PayoutDetails{}, &LedgerAudit{},
		&PayoutSend{}, &PayoutSendItem{}, &PayPalAccount{}, &PayPalEvent{},
		&ConditionRule{}, &ConversionLine{}, &CommissionTier{}, &Product{}, &ProductCollection{},
		&SubscriptionState{}, &SubscriptionMovement{}, &CustomerLink{},
		&PayoutMethodChange{},
		&PayoutPlatformItem{}, &PayoutRunSkip{}, &StoreCreditCustomer{}, &PayoutRetry{},
		&PayoutSchedule{},
	}, append(append(append(EmailModels(), LinkModels()...), ExperimentModels()...), WebhookModels()...)...)
}

// migrationLockKey is the advisory lock that serialises schema changes.
const migrationLockKey = 7264601

// Migrate creates or updates the schema. Two processes starting at once are
// safe: on PostgreSQL the migration runs in one transaction under an
// advisory lock (DDL is transactional there); on SQLite the transaction is
// taken with an immediate lock, which serialises writers.
func (s *Store) Migrate(ctx context.Context) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.IsPostgres() {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockKey).Error; err != nil {
				return fmt.Errorf("models: migration lock: %w", err)
			}
		}
		if err := tx.AutoMigrate(allModels()...); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := dropLegacyRefundIndex(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := createDrainIndex(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := createCustomerIndex(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := migrateDashboard(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := createTierIndex(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := s.migratePayoutMethods(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := createLedgerListIndexes(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := migrateLinkVisitTotals(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := migrateSubscriptionRollups(tx); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		if err := backfillLinks(tx); err != nil {
			return fmt.Errorf("models: migrate: links: %w", err)
		}
		return nil
	})
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return wrapErr("ping", err)
	}
	return wrapErr("ping", sqlDB.PingContext(ctx))
}

// tx runs fn in a transaction. A transaction that PostgreSQL aborts as a
// deadlock victim or serialisation failure is run again from the start (fn
// must only touch state it creates), up to 5 times with a short backoff.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.db.WithContext(ctx).Transaction(fn)
		if !isRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}

// isRetryable reports a deadlock or serialisation failure.
func isRetryable(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 40P01") || strings.Contains(msg, "SQLSTATE 40001")
}

// lockKey serialises work on one natural key (e.g. a platform order) across
// processes for the rest of the transaction. SQLite transactions are already
// exclusive for writers, so only PostgreSQL needs the advisory lock.
func (s *Store) lockKey(tx *gorm.DB, parts ...string) error {
	if !s.IsPostgres() {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", lockID(parts...)).Error
}

// lockID is the advisory lock number of a natural key.
func lockID(parts ...string) int64 {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(parts, "\x00")))
	return int64(h.Sum64())
}

// forUpdate locks the selected rows on PostgreSQL.
func (s *Store) forUpdate(tx *gorm.DB) *gorm.DB {
	if s.IsPostgres() {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// first loads one row or returns ErrNotFound naming what.
func first(tx *gorm.DB, dst any, what string, conds ...any) error {
	err := tx.First(dst, conds...).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound(what)
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "UNIQUE constraint failed")
}

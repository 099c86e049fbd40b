package models

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// drainIndex lists, in id order, the deliveries no one has tried or taken
// yet: the work of the batch drain (retries belong to each delivery's own
// job). legacyDrainIndex is its earlier form, without taken_at.
const (
	drainIndex       = "idx_webhook_events_untaken"
	legacyDrainIndex = "idx_webhook_events_untried"
)

// untried is the drain's condition on webhook_events, the same as the
// index's, so that the index serves the claim.
const untried = "processed_at IS NULL AND dead_at IS NULL AND attempts = 0 AND taken_at IS NULL"

// createDrainIndex creates the partial index of untried deliveries
// (PostgreSQL and SQLite both have partial indexes) and drops its earlier
// form.
func createDrainIndex(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX IF EXISTS " + legacyDrainIndex).Error; err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX IF NOT EXISTS " + drainIndex + " ON webhook_events (id) WHERE " + untried).Error
}

// markEventsTaken records, in the batch's transaction, that the drain
// books these deliveries one by one after it: no other drain claims them
// again once the transaction ends.
func (s *Store) markEventsTaken(tx *gorm.DB, ids []uint64) error {
	if len(ids) == 0 {
		return nil
	}
	return tx.Model(&WebhookEvent{}).Where("id IN ?", ids).Update("taken_at", s.now()).Error
}

// TakeEvent takes an untried delivery for its own task to book: true when
// the task may book it, false when a drain (or another run of the task)
// took it first and its verdict is to be waited for. A delivery tried
// before needs no taking: the drain never claims it.
func (s *Store) TakeEvent(ctx context.Context, id uint64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&WebhookEvent{}).Where("id = ? AND "+untried, id).Update("taken_at", s.now())
	if res.Error != nil {
		return false, wrapErr("take event", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// claimEvents takes, in tx, up to limit untried deliveries, oldest first.
// On PostgreSQL they stay locked until tx ends and deliveries locked by
// another transaction are skipped, so several drains share the work; on
// SQLite the transaction already holds the only write lock.
func (s *Store) claimEvents(tx *gorm.DB, limit int) ([]WebhookEvent, error) {
	q := tx.Where(untried).Order("id").Limit(limit)
	if s.IsPostgres() {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var out []WebhookEvent
	return out, q.Find(&out).Error
}

// markEventsProcessed marks deliveries processed with one statement.
func (s *Store) markEventsProcessed(tx *gorm.DB, ids []uint64) error {
	if len(ids) == 0 {
		return nil
	}
	return tx.Model(&WebhookEvent{}).Where("id IN ?", ids).
		Updates(map[string]any{"processed_at": s.now(), "last_error": "", "dead_at": nil, "attempts": gorm.Expr("attempts + 1")}).Error
}

// orderKey is a platform order of a connection.
type orderKey struct {
	conn uint64
	id   string
}

func (k orderKey) lockID() int64 {
	return lockID("order", strconv.FormatUint(k.conn, 10), k.id)
}

// tryLockOrders takes, without waiting, the advisory lock of each order
// (the one the one-by-one booking waits for) and returns the orders whose
// lock another transaction holds. SQLite needs no lock.
func (s *Store) tryLockOrders(tx *gorm.DB, keys []orderKey) (map[orderKey]bool, error) {
	busy := map[orderKey]bool{}
	if !s.IsPostgres() || len(keys) == 0 {
		return busy, nil
	}
	byID := make(map[int64][]orderKey, len(keys))
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		id := k.lockID()
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], k)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	lits := make([]string, len(ids))
	for i, id := range ids {
		lits[i] = strconv.FormatInt(id, 10)
	}
	// The numbers are ours, not input: inlined as one array literal.
	sql := fmt.Sprintf("SELECT k FROM unnest('{%s}'::bigint[]) AS k WHERE NOT pg_try_advisory_xact_lock(k)", strings.Join(lits, ","))
	var taken []int64
	if err := tx.Raw(sql).Scan(&taken).Error; err != nil {
		return nil, err
	}
	for _, id := range taken {
		for _, k := range byID[id] {
			busy[k] = true
		}
	}
	return busy, nil
}

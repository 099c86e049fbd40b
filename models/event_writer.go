package models

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// Deliveries arriving together are stored together: while one INSERT is
// committing, the next ones wait in line and go in as one multi-row INSERT
// (group commit). A lone delivery is written at once, so there is no wait
// when traffic is light; under a burst, one commit carries many events.
const (
	eventBatchMax     = 128 // rows per INSERT (9 parameters each)
	eventWritersMax   = 4   // INSERTs in flight at once
	eventWriteTimeout = 30 * time.Second
)

// eventWrite is one delivery waiting for its batch.
type eventWrite struct {
	ev      *WebhookEvent
	created bool
	err     error
	done    chan struct{}
}

// eventWriter queues deliveries and runs up to eventWritersMax flushes.
// It has no goroutine when idle.
type eventWriter struct {
	mu      sync.Mutex
	pending []*eventWrite
	active  int
}

// write queues ev and waits for its batch to be committed.
func (w *eventWriter) write(ctx context.Context, s *Store, ev *WebhookEvent) (bool, error) {
	job := &eventWrite{ev: ev, done: make(chan struct{})}
	w.mu.Lock()
	w.pending = append(w.pending, job)
	if w.active < eventWritersMax {
		w.active++
		go w.flushAll(s)
	}
	w.mu.Unlock()
	select {
	case <-job.done:
		return job.created, job.err
	case <-ctx.Done():
		// The row may still be written; a retried delivery finds it.
		return false, ctx.Err()
	}
}

// flushAll writes batches until nothing is waiting.
func (w *eventWriter) flushAll(s *Store) {
	for {
		w.mu.Lock()
		n := min(len(w.pending), eventBatchMax)
		if n == 0 {
			w.active--
			w.mu.Unlock()
			return
		}
		batch := w.pending[:n:n]
		w.pending = w.pending[n:]
		w.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), eventWriteTimeout)
		s.insertEvents(ctx, batch)
		cancel()
		for _, job := range batch {
			close(job.done)
		}
	}
}

// insertEvents stores a batch with one INSERT ... ON CONFLICT DO NOTHING
// and marks each delivery created or not. A delivery that repeats one
// earlier in the same batch is a duplicate of it.
func (s *Store) insertEvents(ctx context.Context, batch []*eventWrite) {
	type key struct {
		conn uint64
		id   string
	}
	first := make(map[key]*eventWrite, len(batch))
	var rows []*eventWrite
	for _, job := range batch {
		k := key{job.ev.ConnectionID, job.ev.ExternalEventID}
		if _, seen := first[k]; !seen {
			first[k] = job
			rows = append(rows, job)
		}
	}
	// Concurrent INSERTs that share events wait on each other's rows; in
	// one key order they queue instead of deadlocking.
	slices.SortFunc(rows, func(a, b *eventWrite) int {
		return cmp.Or(cmp.Compare(a.ev.ConnectionID, b.ev.ConnectionID), cmp.Compare(a.ev.ExternalEventID, b.ev.ExternalEventID))
	})
	var sql strings.Builder
	sql.WriteString("INSERT INTO webhook_events (account_id, connection_id, platform, topic, external_event_id, body, received_at, attempts, last_error) VALUES ")
	args := make([]any, 0, len(rows)*8)
	for i, job := range rows {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?, ?, 0, '')")
		ev := job.ev
		args = append(args, ev.AccountID, ev.ConnectionID, ev.Platform, ev.Topic, ev.ExternalEventID, ev.Body, ev.ReceivedAt)
	}
	sql.WriteString(" ON CONFLICT DO NOTHING RETURNING id, connection_id, external_event_id")
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.collectInserted(ctx, sql.String(), args, func(id, conn uint64, extID string) {
			if job := first[key{conn, extID}]; job != nil {
				job.ev.ID, job.created = id, true
			}
		})
		// A deadlock victim wrote nothing: it runs again.
		if !isRetryable(err) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	for _, job := range batch {
		if err != nil {
			job.err = err
			continue
		}
		if !job.created {
			job.err = s.loadDuplicate(ctx, job.ev)
		}
	}
}

// collectInserted runs the INSERT and hands each returned row to found.
func (s *Store) collectInserted(ctx context.Context, sql string, args []any, found func(id, conn uint64, extID string)) error {
	rows, err := s.db.WithContext(ctx).Raw(sql, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, conn uint64
		var extID string
		if err := rows.Scan(&id, &conn, &extID); err != nil {
			return err
		}
		found(id, conn, extID)
	}
	return rows.Err()
}

// loadDuplicate replaces ev with the stored row of the same delivery.
func (s *Store) loadDuplicate(ctx context.Context, ev *WebhookEvent) error {
	var existing WebhookEvent
	err := s.db.WithContext(ctx).Where("connection_id = ? AND external_event_id = ?", ev.ConnectionID, ev.ExternalEventID).
		First(&existing).Error
	if err == nil {
		*ev = existing
	}
	return err
}

package handlers

import (
	"context"
	"sync"
	"time"
)

// The fakes the tests of both test packages share (handlers_test reaches
// them as handlers.FakeJobs and handlers.MemNonces).

// FakeJobs is the job queue of the tests: it records what the handlers
// hand to the workers. Err is what enqueueing an event (or retrying one),
// an import or a code push answers.
type FakeJobs struct {
	mu            sync.Mutex
	Err           error
	events        []uint64 // enqueued and retried events
	imports       []uint64
	deactivations []uint64
	emails        []uint64
}

var _ JobQueue = (*FakeJobs)(nil)

func (q *FakeJobs) record(list *[]uint64, id uint64, err error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	*list = append(*list, id)
	return err
}

// EnqueueEvent records a stored event.
func (q *FakeJobs) EnqueueEvent(_ context.Context, id uint64) error {
	return q.record(&q.events, id, q.Err)
}

// RetryEvent records a revived event, as EnqueueEvent does.
func (q *FakeJobs) RetryEvent(_ context.Context, id uint64) error {
	return q.record(&q.events, id, q.Err)
}

// EnqueueImport records an import.
func (q *FakeJobs) EnqueueImport(_ context.Context, id uint64) error {
	return q.record(&q.imports, id, q.Err)
}

// EnqueueCatalogSync takes a catalog read.
func (q *FakeJobs) EnqueueCatalogSync(context.Context, uint64) error { return q.Err }

// EnqueuePushCode takes a code push.
func (q *FakeJobs) EnqueuePushCode(context.Context, uint64) error { return q.Err }

// EnqueueDeactivateCode records a code to switch off on its store.
func (q *FakeJobs) EnqueueDeactivateCode(_ context.Context, id uint64) error {
	return q.record(&q.deactivations, id, nil)
}

// EnqueueEmail records an outbox email.
func (q *FakeJobs) EnqueueEmail(_ context.Context, id uint64) error {
	return q.record(&q.emails, id, nil)
}

func (q *FakeJobs) list(l []uint64) []uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]uint64(nil), l...)
}

// Events are the events enqueued or retried so far.
func (q *FakeJobs) Events() []uint64 { return q.list(q.events) }

// Imports are the imports started so far.
func (q *FakeJobs) Imports() []uint64 { return q.list(q.imports) }

// Deactivations are the codes queued to be switched off on their stores.
func (q *FakeJobs) Deactivations() []uint64 { return q.list(q.deactivations) }

// TakeEmails returns the emails queued since the last call.
func (q *FakeJobs) TakeEmails() (out []uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out, q.emails = q.emails, nil
	return out
}

// MemNonces is an in-memory NonceStore.
type MemNonces struct {
	mu   sync.Mutex
	keys map[string]memNonce
}

type memNonce struct {
	ttl   time.Duration
	until time.Time
}

// Put stores key until ttl passes.
func (n *MemNonces) Put(_ context.Context, key string, ttl time.Duration) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.keys == nil {
		n.keys = map[string]memNonce{}
	}
	n.keys[key] = memNonce{ttl: ttl, until: time.Now().Add(ttl)}
	return nil
}

// Take consumes key once, within its ttl.
func (n *MemNonces) Take(_ context.Context, key string) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	k, ok := n.keys[key]
	delete(n.keys, key)
	return ok && time.Now().Before(k.until), nil
}

// Keys are the nonces kept, each with the ttl it was put with.
func (n *MemNonces) Keys() map[string]time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[string]time.Duration, len(n.keys))
	for k, v := range n.keys {
		out[k] = v.ttl
	}
	return out
}

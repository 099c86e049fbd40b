package handlers

import "context"

// JobQueue is the job queue the handlers hand work to: stored events,
// code imports, pushes and deactivations, and outbox emails. jobs.Client
// implements it. Wherever it is nil the work waits in the database for
// the worker's sweeper (an import, for the admin to start it again).
type JobQueue interface {
	EnqueueEvent(ctx context.Context, eventID uint64) error
	// RetryEvent queues a failed event again with a fresh retry budget.
	RetryEvent(ctx context.Context, eventID uint64) error
	EnqueueImport(ctx context.Context, connID uint64) error
	// EnqueueCatalogSync queues a read of a store's products and
	// collections (a platform without a catalog has nothing to read).
	EnqueueCatalogSync(ctx context.Context, connID uint64) error
	EnqueuePushCode(ctx context.Context, codeID uint64) error
	EnqueueDeactivateCode(ctx context.Context, codeID uint64) error
	EnqueueEmail(ctx context.Context, emailID uint64) error
}

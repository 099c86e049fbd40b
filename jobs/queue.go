// Package jobs is Codecredit's Redis-backed background work, built on asynq:
// the Client enqueues tasks (from the web process and from the worker
// itself), the Worker runs them. Payloads carry IDs only; every job reloads
// its state from the database and is idempotent, so running one twice is a
// no-op. Permanent failures are archived by asynq and shown as dead letters.
//
// Read queue.go (the Client, the task types) and worker.go (which task
// runs what) first; then process_event.go, the path of every stored
// webhook (enrich_event.go, attribute_order.go, reverse_refund.go,
// undo_refund.go, store_events.go), drain.go, which books stored webhooks
// in batches, and sweeper.go, which queues again what an enqueue missed. Catalog jobs: catalog.go, import_codes.go,
// push_code.go; email: send_email.go, email_notices.go, email_smtp.go;
// WooCommerce's order check: reconcile_woocommerce.go.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// DefaultQueue is the asynq queue used when none is configured.
const DefaultQueue = "codecredit"

// Task types.
const (
	// TypeProcessEvent books the effects of one stored webhook event.
	TypeProcessEvent = "event:process"
	// TypeApproveMatured approves commissions whose hold period is over.
	TypeApproveMatured = "commissions:approve_matured"
)

// Task options of event processing: about two hours of retries with
// capped exponential backoff (see retryDelay) before a task is archived.
const (
	eventMaxRetry = 12
	eventTimeout  = 60 * time.Second
)

// eventPayload is the payload of TypeProcessEvent.
type eventPayload struct {
	EventID uint64 `json:"event_id"`
}

// Client enqueues tasks and inspects the queue. It is safe for concurrent use.
type Client struct {
	queue     string
	rdb       redis.UniversalClient
	client    *asynq.Client
	inspector *asynq.Inspector
}

// NewClient connects to Redis at redisURL (redis://host:port/db) and uses
// queue, or DefaultQueue when queue is empty. It fails when Redis does not answer.
func NewClient(redisURL string, queue string) (*Client, error) {
	if queue == "" {
		queue = DefaultQueue
	}
	rdb, err := openRedis(redisURL)
	if err != nil {
		return nil, err
	}
	return &Client{
		queue:     queue,
		rdb:       rdb,
		client:    asynq.NewClientFromRedisClient(rdb),
		inspector: asynq.NewInspectorFromRedisClient(rdb),
	}, nil
}

// openRedis parses a Redis URL and checks that the server answers.
func openRedis(redisURL string) (redis.UniversalClient, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: redis url: %w", err)
	}
	rdb, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("jobs: unsupported redis url %q", redisURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("jobs: redis ping: %w", err)
	}
	return rdb, nil
}

// Queue is the name of the asynq queue the client uses.
func (c *Client) Queue() string { return c.queue }

// Close releases the Redis connections.
func (c *Client) Close() error {
	return c.rdb.Close()
}

// eventTaskID is the task ID of an event's regular processing task. While
// that task is queued, enqueueing the same event again is a no-op.
func eventTaskID(eventID uint64) string {
	return "event:" + strconv.FormatUint(eventID, 10)
}

// EnqueueEvent queues the processing of a stored webhook event. An event
// already waiting in the queue (or in the dead-letter list) is not queued twice.
func (c *Client) EnqueueEvent(ctx context.Context, eventID uint64) error {
	return c.enqueueEvent(ctx, eventID, eventTaskID(eventID))
}

// enqueueEvent queues an event's processing under taskID; a conflicting
// task ID means the event is already queued and is not an error.
func (c *Client) enqueueEvent(ctx context.Context, eventID uint64, taskID string) error {
	payload, err := json.Marshal(eventPayload{EventID: eventID})
	if err != nil {
		return fmt.Errorf("jobs: encode event payload: %w", err)
	}
	task := asynq.NewTask(TypeProcessEvent, payload)
	_, err = c.client.EnqueueContext(ctx, task, asynq.Queue(c.queue), asynq.TaskID(taskID),
		asynq.MaxRetry(eventMaxRetry), asynq.Timeout(eventTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue event %d: %w", eventID, err)
	}
	return nil
}

// EnqueueApproveMatured queues one run of the approval of matured
// commissions, e.g. when an admin asks for it; the worker also runs it
// periodically. Requests made while a run is still queued collapse into it.
func (c *Client) EnqueueApproveMatured(ctx context.Context) error {
	task := asynq.NewTask(TypeApproveMatured, nil)
	_, err := c.client.EnqueueContext(ctx, task, asynq.Queue(c.queue), asynq.MaxRetry(3),
		asynq.Timeout(5*time.Minute), asynq.Unique(10*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("jobs: enqueue approve matured: %w", err)
	}
	return nil
}

// enqueueApprovePeriodic queues the periodic approval for the period that
// starts at bucket. The task ID names the period and the finished task is
// kept for the period, so several workers run it once per period.
func (c *Client) enqueueApprovePeriodic(ctx context.Context, bucket time.Time, every time.Duration) error {
	id := "approve_matured:" + strconv.FormatInt(bucket.Unix(), 10)
	task := asynq.NewTask(TypeApproveMatured, nil)
	_, err := c.client.EnqueueContext(ctx, task, asynq.Queue(c.queue), asynq.TaskID(id),
		asynq.MaxRetry(3), asynq.Timeout(5*time.Minute), asynq.Retention(every))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue approve matured: %w", err)
	}
	return nil
}

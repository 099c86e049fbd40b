package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// Task types of the discount-catalog jobs.
const (
	TypeImportCodes = "codes:import"
	TypePushCode    = "codes:push"
)

type connectionPayload struct {
	ConnectionID uint64 `json:"connection_id"`
}

type codePayload struct {
	CodeID uint64 `json:"code_id"`
}

// EnqueueImport queues the import of every existing discount code of a
// connection. One import per connection runs at a time; asking again while
// one is queued is a no-op.
func (c *Client) EnqueueImport(ctx context.Context, connID uint64) error {
	payload, _ := json.Marshal(connectionPayload{ConnectionID: connID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeImportCodes, payload), asynq.Queue(c.queue),
		asynq.TaskID(fmt.Sprintf("import:%d", connID)), asynq.MaxRetry(20), asynq.Timeout(2*time.Hour))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue import of connection %d: %w", connID, err)
	}
	return nil
}

// EnqueuePushCode queues the creation of a code on its store.
func (c *Client) EnqueuePushCode(ctx context.Context, codeID uint64) error {
	payload, _ := json.Marshal(codePayload{CodeID: codeID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypePushCode, payload), asynq.Queue(c.queue),
		asynq.TaskID(fmt.Sprintf("push:%d", codeID)), asynq.MaxRetry(12), asynq.Timeout(2*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue push of code %d: %w", codeID, err)
	}
	return nil
}

// catalogFor returns the connection's adapter as a code catalog and the
// credentials to call it with.
func (w *Worker) catalogFor(conn *models.Connection) (platforms.Catalog, *platforms.Conn, error) {
	cat, ok := w.opts.Platforms[conn.Platform].(platforms.Catalog)
	if !ok {
		return nil, nil, fmt.Errorf("%w %q has no code catalog", errNoParser, conn.Platform)
	}
	creds, err := w.store.ReadCredentials(conn)
	if err != nil {
		return nil, nil, err
	}
	return cat, &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}, nil
}

// saveIfChanged stores credentials an adapter refreshed during a call.
func (w *Worker) saveIfChanged(ctx context.Context, connID uint64, pc *platforms.Conn) error {
	if !pc.Changed {
		return nil
	}
	pc.Changed = false
	return w.store.SaveCredentials(ctx, connID, pc.Credentials)
}

// refused handles credentials the platform refused for good: the
// connection is marked for reinstall and the job ends without retrying.
func (w *Worker) refused(ctx context.Context, conn *models.Connection, err error) error {
	w.log.Warn("platform refused the connection's credentials", "connection_id", conn.ID,
		"platform", conn.Platform, "error", err)
	return w.store.MarkNeedsReinstall(ctx, conn.ID, err.Error())
}

// waitRateLimit sleeps as the platform asked, or until ctx ends.
func waitRateLimit(ctx context.Context, rl *platforms.RateLimitError) error {
	return platforms.Sleep(ctx, max(rl.RetryAfter, 50*time.Millisecond))
}

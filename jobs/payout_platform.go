package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// Runs paid by one platform call per payout (Stripe Connect transfers:
// payout_stripe.go, Shopify store credit: payout_store_credit.go) share
// their task shape, their queueing and their sweeper.

// A send task calls the platform once per payout and returns; a payout
// whose answer was lost is tried again by the next try of the task.
const (
	platformSendTimeout  = 10 * time.Minute
	platformSendMaxRetry = 20
)

// PlatformSendOptions configure Stripe and store-credit sends. Zero
// values take the defaults.
type PlatformSendOptions struct {
	// CallTries is how many times one call is made while the platform
	// answers that it is throttled (default 5).
	CallTries int
	// Lease is how long after a store credit call began, its answer
	// unknown, the send waits before looking on Shopify whether it was
	// made (default 2m: longer than a call can take).
	Lease time.Duration
	// Logger receives the logs (default slog.Default()).
	Logger *slog.Logger
}

func (o PlatformSendOptions) withDefaults() PlatformSendOptions {
	if o.CallTries <= 0 {
		o.CallTries = 5
	}
	o.Lease = orDefault(o.Lease, 2*time.Minute)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

type runPayload struct {
	RunID uint64 `json:"run_id"`
}

// EnqueueStripeSend queues the send of a Stripe Connect run; while one is
// queued or running, asking again is a no-op.
func (c *Client) EnqueueStripeSend(ctx context.Context, runID uint64) error {
	return c.enqueueRunSend(ctx, TypeStripeSend, "payout-stripe:", runID)
}

// EnqueueStoreCreditSend queues the send of a store-credit run; while one
// is queued or running, asking again is a no-op.
func (c *Client) EnqueueStoreCreditSend(ctx context.Context, runID uint64) error {
	return c.enqueueRunSend(ctx, TypeStoreCreditSend, "payout-store-credit:", runID)
}

func (c *Client) enqueueRunSend(ctx context.Context, typ, prefix string, runID uint64) error {
	payload, _ := json.Marshal(runPayload{RunID: runID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(typ, payload), asynq.Queue(c.queue),
		asynq.TaskID(prefix+strconv.FormatUint(runID, 10)), asynq.MaxRetry(platformSendMaxRetry),
		asynq.Timeout(platformSendTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue %s %d: %w", typ, runID, err)
	}
	return nil
}

// runOf reads a send task's run id.
func runOf(t *asynq.Task) (uint64, error) {
	var pl runPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil || pl.RunID == 0 {
		return 0, fmt.Errorf("jobs: %s payload %q: %w", t.Type(), t.Payload(), asynq.SkipRetry)
	}
	return pl.RunID, nil
}

// sweepRuns queues again the send of every run of method not settled.
func sweepRuns(ctx context.Context, store *models.Store, method string, enqueue func(context.Context, uint64) error) error {
	open, err := store.OpenPlatformRuns(ctx, method, 500)
	if err != nil {
		return err
	}
	for _, id := range open {
		if err := enqueue(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// activeConn is the account's active connection to platform that accept
// takes, opened; accept says why it cannot pay otherwise.
func activeConn(ctx context.Context, store *models.Store, accountID uint64, platform string,
	accept func(creds map[string]string) error) (*platforms.Conn, uint64, error) {
	conns, err := store.ListConnections(ctx, accountID)
	if err != nil {
		return nil, 0, err
	}
	why := fmt.Errorf("jobs: account %d has no active %s connection", accountID, platform)
	for i := range conns {
		c := &conns[i]
		if c.Platform != platform || c.Status != models.ConnectionActive {
			continue
		}
		creds, err := store.ReadCredentials(c)
		if err != nil {
			return nil, 0, err
		}
		if err := accept(creds); err != nil {
			why = err
			continue
		}
		return &platforms.Conn{ExternalID: c.ExternalID, Credentials: creds}, c.ID, nil
	}
	return nil, 0, why
}

// withTries makes a call again while the platform says it is throttled
// (the call was not carried out), waiting as it asks.
func withTries(ctx context.Context, tries int, fn func(ctx context.Context) error) error {
	var err error
	for try := 0; try < tries; try++ {
		var rl *platforms.RateLimitError
		if err = fn(ctx); !errors.As(err, &rl) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(rl.RetryAfter):
		}
	}
	return err
}

// sendRun calls one for each payout of run runID not yet paid or failed,
// on conn (the account's connection that pays, from connFor), keeping the
// error of each payout whose outcome stays unknown; it returns the first,
// so that the task is tried again.
func sendRun(ctx context.Context, store *models.Store, log *slog.Logger, what string, runID uint64,
	connFor func(ctx context.Context, store *models.Store, accountID uint64) (*platforms.Conn, uint64, error),
	one func(ctx context.Context, conn *platforms.Conn, it models.PlatformSendItem) error) error {
	items, err := store.PlatformSendItems(ctx, runID)
	if err != nil || len(items) == 0 {
		return err
	}
	conn, connID, err := connFor(ctx, store, items[0].AccountID)
	if err != nil {
		for _, it := range items { // the run page says why nothing moves
			noteItemError(store, log, it.PayoutID, err)
		}
		return fmt.Errorf("jobs: %s of run %d: %w", what, runID, err)
	}
	var open error
	for _, it := range items {
		if err := one(ctx, conn, it); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			noteItemError(store, log, it.PayoutID, err)
			open = cmp.Or(open, fmt.Errorf("jobs: %s of run %d, payout %d: %w", what, runID, it.PayoutID, err))
		}
	}
	if conn.Changed { // the adapter refreshed the connection's token
		if err := store.SaveCredentials(ctx, connID, conn.Credentials); err != nil {
			return err
		}
	}
	return open
}

// noteItemError keeps the last error of a payout, for the admin.
func noteItemError(store *models.Store, log *slog.Logger, payoutID uint64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if nerr := store.NotePlatformError(ctx, payoutID, err.Error()); nerr != nil {
		log.Warn("note payout error", "payout_id", payoutID, "error", nerr)
	}
}

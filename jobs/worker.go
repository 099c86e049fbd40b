package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// Options configure a Worker. Zero values take the documented defaults.
type Options struct {
	// Queue is the asynq queue, the same as the Client's (default DefaultQueue).
	Queue string
	// Concurrency is how many tasks run at once (default 4).
	Concurrency int
	// Platforms are the webhook parsers by platform name (default: the
	// built-in API platform only).
	Platforms map[string]platforms.Platform
	// SweepEvery is how often stored but unprocessed events are looked for (default 1m).
	SweepEvery time.Duration
	// SweepAge is how old an unprocessed event must be before the sweeper
	// queues it again (default 2m).
	SweepAge time.Duration
	// ApproveEvery is how often matured commissions are approved (default 10m).
	ApproveEvery time.Duration
	// ShutdownTimeout is how long Shutdown waits for running tasks (default 25s).
	ShutdownTimeout time.Duration
	// Logger receives the worker's logs (default slog.Default()).
	Logger *slog.Logger
	// Mailer sends the outbox's emails; nil keeps them held in the outbox.
	Mailer Mailer
	// AppURL is the app's public URL, for links in emails.
	AppURL string
	// Drainers are how many batches of stored deliveries are booked at once
	// (default 2 on PostgreSQL, 1 on SQLite; negative: none, every delivery
	// is booked by its own task).
	Drainers int
	// Periodic are extra jobs run every ApproveEvery (e.g. the WooCommerce
	// reconciliation); each must be safe to run in several workers.
	Periodic []func(ctx context.Context) error
	// PayPal configures the sending of PayPal payout runs.
	PayPal PayPalOptions
	// PlatformSend configures the sending of Stripe and store-credit runs.
	PlatformSend PlatformSendOptions
	// Webhooks configures the delivery of outgoing webhooks.
	Webhooks WebhookOptions
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.Queue == "" {
		o.Queue = DefaultQueue
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Platforms == nil {
		o.Platforms = map[string]platforms.Platform{platforms.API: api.Platform{}}
	}
	o.SweepEvery = orDefault(o.SweepEvery, time.Minute)
	o.SweepAge = orDefault(o.SweepAge, 2*time.Minute)
	o.ApproveEvery = orDefault(o.ApproveEvery, 10*time.Minute)
	o.ShutdownTimeout = orDefault(o.ShutdownTimeout, 25*time.Second)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Worker runs the queued tasks and the periodic jobs (the sweeper and the
// approval of matured commissions).
type Worker struct {
	store  *models.Store
	opts   Options
	log    *slog.Logger
	client *Client
	srv    *asynq.Server
	emails *Emails
	drain  *drainer // nil when deliveries are booked by their tasks only
	paypal *PayPalSender
	sends  platformSends // Stripe and store-credit runs (worker_payout_platform.go)

	hooks     *Webhooks // outgoing webhooks
	hooksDone chan struct{}

	mu           sync.Mutex
	stop         context.CancelFunc
	stopped      chan struct{}
	shutdownOnce sync.Once
}

// NewWorker prepares a worker on the queue opts.Queue of the Redis server
// at redisURL. Nothing runs before Start.
func NewWorker(store *models.Store, redisURL string, opts Options) (*Worker, error) {
	opts = opts.withDefaults()
	client, err := NewClient(redisURL, opts.Queue)
	if err != nil {
		return nil, err
	}
	w := &Worker{store: store, opts: opts, log: opts.Logger.With("queue", opts.Queue), client: client}
	w.drain = newDrainer(w, opts.Drainers)
	opts.PayPal.Logger = cmp.Or(opts.PayPal.Logger, w.log)
	w.paypal = NewPayPalSender(store, opts.PayPal)
	w.sends = newPlatformSends(store, opts)
	opts.Webhooks.Logger = cmp.Or(opts.Webhooks.Logger, w.log)
	w.hooks, w.hooksDone = NewWebhooks(store, client, opts.Webhooks), make(chan struct{})
	w.emails = NewEmails(store, client, EmailOptions{Mailer: opts.Mailer, AppURL: opts.AppURL, Logger: w.log})
	w.paypal.opts.Booked = w.emails.NotifyPayouts
	w.srv = asynq.NewServerFromRedisClient(client.rdb, asynq.Config{
		Concurrency:    opts.Concurrency,
		Queues:         map[string]int{opts.Queue: 1},
		RetryDelayFunc: retryDelay,
		// An idle worker looks for new tasks every 50 ms (asynq's default
		// is 1 s, which alone made a quiet shop's orders wait up to a
		// second); 4 workers polling 20 times a second is little for Redis.
		TaskCheckInterval: 50 * time.Millisecond,
		ShutdownTimeout:   opts.ShutdownTimeout,
		ErrorHandler:      asynq.ErrorHandlerFunc(w.logFailure),
		Logger:            asynqLogger{w.log.With("component", "asynq")},
		LogLevel:          asynq.WarnLevel,
	})
	return w, nil
}

// Client is the worker's own queue client; Shutdown closes it.
func (w *Worker) Client() *Client { return w.client }

// Start starts processing tasks and the periodic jobs, and returns.
func (w *Worker) Start() error {
	mux := asynq.NewServeMux()
	mux.Use(instrument)
	mux.HandleFunc(TypeProcessEvent, w.processEvent)
	mux.HandleFunc(TypeApproveMatured, w.approveMatured)
	mux.HandleFunc(TypeImportCodes, w.importCodes)
	mux.HandleFunc(TypePushCode, w.pushCode)
	mux.HandleFunc(TypeSyncCatalog, w.syncCatalog)
	mux.HandleFunc(TypeDeactivateCode, w.deactivateCode)
	mux.HandleFunc(TypeSendEmail, w.emails.ProcessSend)
	mux.HandleFunc(TypeEmailSummaries, w.emails.ProcessSummaries)
	mux.HandleFunc(TypePayPalSend, w.paypal.Process)
	w.sends.register(mux)
	mux.HandleFunc(TypeDeliverWebhook, w.hooks.Process)
	if err := w.srv.Start(mux); err != nil {
		return fmt.Errorf("jobs: start worker: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.mu.Lock()
	w.stop, w.stopped = cancel, make(chan struct{})
	w.mu.Unlock()
	go w.runPeriodic(ctx, w.stopped)
	go w.hooks.run(ctx, w.hooksDone)
	w.drain.start(ctx)
	w.log.Info("worker started", "concurrency", w.opts.Concurrency,
		"sweep_every", w.opts.SweepEvery.String(), "approve_every", w.opts.ApproveEvery.String())
	return nil
}

// Shutdown stops taking new tasks, waits up to ShutdownTimeout for the
// running ones (a task cut short goes back to the queue), stops the
// periodic jobs and closes the Redis connections. Calling it again is a no-op.
func (w *Worker) Shutdown() {
	w.shutdownOnce.Do(w.shutdown)
}

func (w *Worker) shutdown() {
	w.srv.Shutdown()
	w.mu.Lock()
	stop, stopped := w.stop, w.stopped
	w.mu.Unlock()
	if stop != nil {
		stop()
		<-stopped
		<-w.hooksDone
		w.drain.wait()
	}
	if err := w.client.Close(); err != nil {
		w.log.Warn("close redis", "error", err)
	}
	w.log.Info("worker stopped")
}

// runPeriodic sweeps and approves on their tickers until ctx ends. It sweeps
// once right away, so a restarted worker picks up lost events at once.
func (w *Worker) runPeriodic(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	sweep := time.NewTicker(w.opts.SweepEvery)
	defer sweep.Stop()
	approve := time.NewTicker(w.opts.ApproveEvery)
	defer approve.Stop()
	w.sweepAndLog(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			w.sweepAndLog(ctx)
		case now := <-approve.C:
			w.scheduleApprove(ctx, now)
			w.runHousekeeping(ctx)
		}
	}
}

// Retry backoff: retryBase doubled per retry, capped at retryCap, plus up
// to 25% jitter. With eventMaxRetry that is about two hours of retries.
const (
	retryBase = 5 * time.Second
	retryCap  = 30 * time.Minute
)

// retryDelay is the server's RetryDelayFunc: the delay a platform asked
// for when it throttled us, else capped exponential backoff.
func retryDelay(n int, err error, _ *asynq.Task) time.Duration {
	var rl *platforms.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	d := retryCap
	if n < 20 {
		d = min(retryBase<<n, retryCap)
	}
	return d + rand.N(d/4+1)
}

// logFailure logs a failed task once, with whether asynq will retry it.
func (w *Worker) logFailure(ctx context.Context, t *asynq.Task, err error) {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	id, _ := asynq.GetTaskID(ctx)
	w.log.Warn("task failed", "task_type", t.Type(), "task_id", id,
		"retried", retried, "max_retry", maxRetry, "error", err)
}

// pruneMax is how many finished webhook deliveries one housekeeping pass
// deletes: 50,000 every 10 minutes is 7.2 million a day.
const pruneMax = 50_000

// pruneWebhookLog deletes outgoing webhook deliveries finished more than
// models.WebhookLogKeep ago.
func (w *Worker) pruneWebhookLog(ctx context.Context) {
	n, err := w.store.PruneWebhookLog(ctx, time.Now().Add(-models.WebhookLogKeep), pruneMax)
	if err != nil && ctx.Err() == nil {
		w.log.Error("prune webhook log", "error", err)
	}
	if n > 0 {
		w.log.Info("pruned webhook log", "deliveries", n)
	}
}

// runHousekeeping sends emails whose send was lost, asks for the monthly
// summaries (each is written once a month whatever the frequency) and runs
// the extra periodic jobs.
func (w *Worker) runHousekeeping(ctx context.Context) {
	if _, err := w.emails.Sweep(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("sweep outbox", "error", err)
	}
	if err := w.client.EnqueueEmailSummaries(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("queue earnings summaries", "error", err)
	}
	if err := w.paypal.SweepPayPalSends(ctx, w.client); err != nil && ctx.Err() == nil {
		w.log.Error("queue paypal sends", "error", err)
	}
	w.runSchedules(ctx) // payout_schedule.go
	w.sends.sweep(ctx, w.client, w.log)
	w.emails.NotifyPayouts(ctx)
	w.pruneWebhookLog(ctx)
	for _, run := range w.opts.Periodic {
		if err := run(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("periodic job", "error", err)
		}
	}
}

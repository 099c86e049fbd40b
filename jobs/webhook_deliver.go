package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms/egress"
)

// TypeDeliverWebhook posts one outgoing webhook delivery (one attempt).
const TypeDeliverWebhook = "webhook:deliver"

// DefaultWebhookSchedule is the wait after each failed attempt (the
// Standard Webhooks suggestion): 8 attempts over about 27 hours, then the
// delivery fails.
var DefaultWebhookSchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Webhook defaults: how long an endpoint has to answer, and when a failing
// one is disabled (50 failed attempts in a row over at least 3 days:
// several events' full schedules, not one bad evening).
const (
	DefaultWebhookTimeout = 10 * time.Second
	defaultDisableAfter   = 50
	defaultDisableAge     = 72 * time.Hour
)

// WebhookOptions configure Webhooks. Zero values take the defaults.
type WebhookOptions struct {
	Schedule []time.Duration
	Timeout  time.Duration
	Disable  models.WebhookDisablePolicy
	// AllowLocal lets endpoints on http://localhost or http://127.0.0.1
	// through (a development deployment); otherwise only https to public
	// addresses, checked on the address dialled.
	AllowLocal bool
	// Resolver looks endpoint names up (default: the system's).
	Resolver egress.Resolver
	// PollEvery is how often due deliveries are looked for (default 1s).
	PollEvery time.Duration
	Logger    *slog.Logger
}

// webhookQueue is what Webhooks enqueues on; Client implements it.
type webhookQueue interface {
	EnqueueWebhookDelivery(ctx context.Context, id uint64, attempt int) error
	EnqueueEmail(ctx context.Context, emailID uint64) error
}

// Webhooks delivers the outbox's webhook deliveries: Poll queues the due
// ones, Deliver makes one attempt at one. A failed attempt is recorded and
// the next one scheduled in the database, not by the queue, so a delivery
// is retried however its task ends; it is sent at least once, with the
// same webhook-id every time. Order per endpoint is not guaranteed.
type Webhooks struct {
	store *models.Store
	queue webhookQueue
	opts  WebhookOptions
	log   *slog.Logger
}

// NewWebhooks prepares the webhook jobs; queue may be nil when Poll is not used.
func NewWebhooks(store *models.Store, queue webhookQueue, opts WebhookOptions) *Webhooks {
	if opts.Schedule == nil {
		opts.Schedule = DefaultWebhookSchedule
	}
	opts.Timeout = orDefault(opts.Timeout, DefaultWebhookTimeout)
	opts.PollEvery = orDefault(opts.PollEvery, time.Second)
	if opts.Disable.Failures == 0 {
		opts.Disable = models.WebhookDisablePolicy{Failures: defaultDisableAfter, Age: defaultDisableAge}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Webhooks{store: store, queue: queue, opts: opts, log: opts.Logger}
}

// lease bounds one attempt: the request's timeout and time to record it.
func (w *Webhooks) lease() time.Duration { return w.opts.Timeout + 20*time.Second }

type webhookPayload struct {
	DeliveryID uint64 `json:"delivery_id"`
}

// EnqueueWebhookDelivery queues an attempt at a delivery; the same attempt
// queued twice runs once.
func (c *Client) EnqueueWebhookDelivery(ctx context.Context, id uint64, attempt int) error {
	payload, _ := json.Marshal(webhookPayload{DeliveryID: id})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeDeliverWebhook, payload), asynq.Queue(c.queue),
		asynq.TaskID("webhook:"+strconv.FormatUint(id, 10)+":"+strconv.Itoa(attempt)), asynq.MaxRetry(0),
		asynq.Timeout(DefaultWebhookTimeout+30*time.Second))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue webhook delivery %d: %w", id, err)
	}
	return nil
}

// Poll queues the deliveries due now; it returns how many.
func (w *Webhooks) Poll(ctx context.Context) (int, error) {
	due, err := w.store.DueWebhookDeliveries(ctx, 500)
	if err != nil {
		return 0, err
	}
	for _, d := range due {
		if err := w.queue.EnqueueWebhookDelivery(ctx, d.ID, d.Attempts); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// run polls every PollEvery until ctx ends.
func (w *Webhooks) run(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(w.opts.PollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := w.Poll(ctx); err != nil && ctx.Err() == nil {
				w.log.Error("poll webhook deliveries", "error", err)
			}
		}
	}
}

// Process handles TypeDeliverWebhook.
func (w *Webhooks) Process(ctx context.Context, t *asynq.Task) error {
	var p webhookPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.DeliveryID == 0 {
		return permanent(fmt.Errorf("jobs: bad webhook payload %q", t.Payload()))
	}
	return w.Deliver(ctx, p.DeliveryID)
}

// Deliver makes one attempt at a delivery, if it is due and its endpoint
// enabled, and records it: delivered, or scheduled again, or failed after
// the last attempt. It returns an error only when it could not record.
func (w *Webhooks) Deliver(ctx context.Context, id uint64) error {
	d, ep, err := w.store.ClaimWebhookDelivery(ctx, id, w.lease())
	if err != nil || d == nil {
		return err
	}
	res := w.send(ctx, d, ep)
	var next *time.Time
	if n := d.Attempts - 1; n < len(w.opts.Schedule) {
		t := w.store.Now().Add(w.opts.Schedule[n])
		next = &t
	}
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	emailID, err := w.store.RecordWebhookAttempt(recCtx, d, res, next, w.opts.Disable)
	if err != nil {
		return err
	}
	w.log.Info("webhook attempt", "delivery_id", d.ID, "endpoint_id", ep.ID, "event_id", d.EventID,
		"attempt", d.Attempts, "status_code", res.StatusCode, "error", res.Err)
	if emailID != 0 && w.queue != nil {
		w.log.Warn("webhook endpoint disabled", "endpoint_id", ep.ID, "account_id", ep.AccountID)
		return w.queue.EnqueueEmail(recCtx, emailID)
	}
	return nil
}

// send posts the delivery, signed, and says what came back. Redirects are
// not followed: a 3xx is a failed attempt.
func (w *Webhooks) send(ctx context.Context, d *models.WebhookDelivery, ep *models.WebhookEndpoint) models.WebhookResult {
	start := time.Now()
	fail := func(err error) models.WebhookResult {
		return models.WebhookResult{Err: err.Error(), Duration: time.Since(start)}
	}
	u, err := url.Parse(ep.URL)
	if err != nil {
		return fail(err)
	}
	secrets, err := w.store.WebhookSecrets(ep)
	if err != nil {
		return fail(err)
	}
	ts := w.store.Now().Unix()
	body := []byte(d.Payload)
	sig, err := SignWebhook(secrets, d.EventID, ts, body)
	if err != nil {
		return fail(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Codecredit-Webhooks/1")
	req.Header.Set("webhook-id", d.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	client := egress.Policy{Resolver: w.opts.Resolver}.AllowingLocal(u, w.opts.AllowLocal).Client(w.opts.Timeout)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	return models.WebhookResult{StatusCode: resp.StatusCode, Duration: time.Since(start), Response: string(head)}
}

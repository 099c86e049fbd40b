package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms/paypal"
)

// TypePayPalSend sends a PayPal payout run and follows it until every item
// is paid or back in the balance.
const TypePayPalSend = "payout:paypal_send"

// A send task may poll for a while (items settle over minutes); a task cut
// short runs again and carries on where the database says it stands.
const (
	paypalSendTimeout  = 15 * time.Minute
	paypalSendMaxRetry = 20
)

type paypalPayload struct {
	RunID uint64 `json:"run_id"`
}

// EnqueuePayPalSend queues the send of a PayPal run. While a send of the
// run is queued or running, asking again is a no-op.
func (c *Client) EnqueuePayPalSend(ctx context.Context, runID uint64) error {
	payload, _ := json.Marshal(paypalPayload{RunID: runID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypePayPalSend, payload), asynq.Queue(c.queue),
		asynq.TaskID("payout-paypal:"+strconv.FormatUint(runID, 10)), asynq.MaxRetry(paypalSendMaxRetry),
		asynq.Timeout(paypalSendTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue paypal send %d: %w", runID, err)
	}
	return nil
}

// PayPalOptions configure PayPal sends. Zero values take the defaults.
type PayPalOptions struct {
	// BaseURL is PAYPAL_BASE_URL: PayPal's live API when empty, a sandbox's
	// URL in tests and demos.
	BaseURL string
	// HTTPClient makes the calls (default: a client with a 30 s timeout).
	HTTPClient *http.Client
	// PollEvery is the wait between two reads of a sent batch (default 5s).
	PollEvery time.Duration
	// CallTries is how many times one call is made when PayPal answers
	// with a temporary error or not at all (default 8), with the same ids.
	CallTries int
	// Logger receives the logs (default slog.Default()).
	Logger *slog.Logger
	// Booked, when set, runs after items of a batch are booked (the
	// worker writes the affiliates' payout notices).
	Booked func(ctx context.Context)
}

// PayPalSender sends PayPal payout runs.
type PayPalSender struct {
	store *models.Store
	opts  PayPalOptions
}

// NewPayPalSender returns a sender over store.
func NewPayPalSender(store *models.Store, opts PayPalOptions) *PayPalSender {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	opts.PollEvery = orDefault(opts.PollEvery, 5*time.Second)
	if opts.CallTries <= 0 {
		opts.CallTries = 8
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &PayPalSender{store: store, opts: opts}
}

// Process runs a TypePayPalSend task.
func (p *PayPalSender) Process(ctx context.Context, t *asynq.Task) error {
	var pl paypalPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil || pl.RunID == 0 {
		return fmt.Errorf("jobs: paypal send payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	return p.Send(ctx, pl.RunID)
}

// Send sends run runID to PayPal, at most once whatever happened before:
// the batch goes with the run's stored sender_batch_id (PayPal answers a
// second create with the first batch), then the batch is read until every
// item is paid or failed, each item booked once. It can stop anywhere and
// be called again.
func (p *PayPalSender) Send(ctx context.Context, runID uint64) error {
	plan, err := p.store.PayPalSendPlan(ctx, runID)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("jobs: paypal send of run %d: %w: %w", runID, err, asynq.SkipRetry)
	}
	if err != nil || plan.State == models.BatchDone {
		return err
	}
	client, err := p.client(ctx, plan.AccountID)
	if err != nil {
		return err
	}
	batchID := plan.BatchID
	if batchID == "" {
		if batchID, err = p.create(ctx, client, plan); err != nil {
			p.noteError(runID, err)
			return err
		}
		if err := p.store.MarkPayPalSent(ctx, runID, batchID); err != nil {
			return err
		}
	}
	return p.follow(ctx, client, plan, batchID)
}

// client builds a PayPal client with the account's credentials.
func (p *PayPalSender) client(ctx context.Context, accountID uint64) (*paypal.Client, error) {
	creds, err := p.store.PayPalCredentials(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if creds == nil {
		return nil, fmt.Errorf("jobs: account %d has no PayPal credentials", accountID)
	}
	return paypal.New(paypal.Config{ClientID: creds.ClientID, Secret: creds.Secret, WebhookID: creds.WebhookID,
		BaseURL: p.opts.BaseURL, HTTPClient: p.opts.HTTPClient})
}

// create sends the batch with the run's key and returns PayPal's batch id.
func (p *PayPalSender) create(ctx context.Context, client *paypal.Client, plan *models.SendPlan) (string, error) {
	br := paypal.BatchRequest{SenderBatchID: plan.SenderBatchID, EmailSubject: "You have a payout",
		EmailMessage: "Your affiliate commission has been paid.", Payouts: make([]paypal.Payout, 0, len(plan.Recipients))}
	for _, r := range plan.Recipients {
		br.Payouts = append(br.Payouts, paypal.Payout{SenderItemID: strconv.FormatUint(r.PayoutID, 10),
			Email: r.Email, Amount: r.Amount, Currency: r.Currency, Note: "Affiliate commission"})
	}
	var b paypal.Batch
	err := p.call(ctx, func(ctx context.Context) (err error) {
		b, err = client.CreateBatch(ctx, br)
		return err
	})
	return b.ID, err
}

// call makes one PayPal call, again with the same request when PayPal
// answers with a temporary error or not at all.
func (p *PayPalSender) call(ctx context.Context, fn func(ctx context.Context) error) error {
	var err error
	for try := 0; try < p.opts.CallTries; try++ {
		if err = fn(ctx); err == nil || !paypal.Temporary(err) || ctx.Err() != nil {
			return err
		}
		wait := min(50*time.Millisecond<<try, 5*time.Second)
		var api *paypal.APIError
		if errors.As(err, &api) && api.RetryAfter > 0 {
			wait = api.RetryAfter
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return err
}

func (p *PayPalSender) noteError(runID uint64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if nerr := p.store.NotePayPalSendError(ctx, runID, err.Error()); nerr != nil {
		p.opts.Logger.Warn("note paypal send error", "run_id", runID, "error", nerr)
	}
}

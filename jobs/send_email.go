package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
)

// Task types of the email jobs.
const (
	// TypeSendEmail sends one outbox email.
	TypeSendEmail = "email:send"
	// TypeEmailSummaries writes the due earnings summaries to the outbox.
	TypeEmailSummaries = "email:summaries"
)

// Email delivery: DefaultEmailAttempts tries with the worker's capped
// exponential backoff (5s doubling: about 40 minutes in all) before an
// email is marked failed; emailLease bounds one try.
const (
	DefaultEmailAttempts = 10
	emailLease           = 2 * time.Minute
)

type emailPayload struct {
	EmailID uint64 `json:"email_id"`
}

// EnqueueEmail queues the sending of an outbox email. While one send of
// it is queued, asking again is a no-op.
func (c *Client) EnqueueEmail(ctx context.Context, emailID uint64) error {
	payload, _ := json.Marshal(emailPayload{EmailID: emailID})
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeSendEmail, payload), asynq.Queue(c.queue),
		asynq.TaskID("email:"+strconv.FormatUint(emailID, 10)), asynq.MaxRetry(DefaultEmailAttempts+2),
		asynq.Timeout(emailLease))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue email %d: %w", emailID, err)
	}
	return nil
}

// EnqueueEmails queues several outbox emails; it tries them all and
// returns the first error.
func (c *Client) EnqueueEmails(ctx context.Context, ids []uint64) error {
	var first error
	for _, id := range ids {
		if err := c.EnqueueEmail(ctx, id); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// EmailOptions configure Emails. Zero values take the documented defaults.
type EmailOptions struct {
	// Mailer delivers; nil keeps every email held in the outbox.
	Mailer Mailer
	// AppURL is APP_URL, where the links in emails point.
	AppURL string
	// MaxAttempts is how many tries an email gets (default DefaultEmailAttempts).
	MaxAttempts int
	// Logger receives the logs (default slog.Default()).
	Logger *slog.Logger
}

// emailQueue is what Emails enqueues on; Client implements it.
type emailQueue interface {
	EnqueueEmails(ctx context.Context, ids []uint64) error
}

// Emails runs the email jobs: sending outbox emails, writing the periodic
// summaries and reversal notices, and finding sends that were lost.
type Emails struct {
	store       *models.Store
	queue       emailQueue
	mailer      Mailer
	appURL      string
	maxAttempts int
	log         *slog.Logger
}

// NewEmails prepares the email jobs; queue is where new emails are
// enqueued (the worker's Client).
func NewEmails(store *models.Store, queue *Client, opts EmailOptions) *Emails {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultEmailAttempts
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	e := &Emails{store: store, mailer: opts.Mailer, appURL: opts.AppURL, maxAttempts: opts.MaxAttempts, log: opts.Logger}
	if queue != nil {
		e.queue = queue
	}
	return e
}

// ProcessSend handles TypeSendEmail.
func (e *Emails) ProcessSend(ctx context.Context, t *asynq.Task) error {
	var p emailPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.EmailID == 0 {
		return permanent(fmt.Errorf("jobs: bad email payload %q", t.Payload()))
	}
	return e.Send(ctx, p.EmailID)
}

// Send tries to deliver one outbox email. Without a mailer the email is
// held. An email already sent, failed, held, or being sent by another
// worker is left alone. A failed try is recorded and returned, so the
// queue retries it with backoff, until the last try (or a refusal for
// good) marks it failed; nothing is lost either way.
func (e *Emails) Send(ctx context.Context, id uint64) error {
	if e.mailer == nil {
		return e.store.HoldEmail(ctx, id)
	}
	m, err := e.store.ClaimEmail(ctx, id, emailLease)
	if err != nil || m == nil {
		return err
	}
	sendErr := e.mailer.Send(ctx, Message{ID: "codecredit-email-" + strconv.FormatUint(m.ID, 10), FromName: m.FromName,
		To: m.To, ToName: m.ToName, ReplyTo: m.ReplyTo, Subject: m.Subject, HTML: m.HTML, Text: m.Text})
	// The try's context may have ended; its outcome is recorded anyway.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		e.log.Info("email sent", "email_id", m.ID, "account_id", m.AccountID, "kind", m.Kind, "attempt", m.Attempts)
		return e.store.MarkEmailSent(markCtx, m.ID)
	}
	final := m.Attempts >= e.maxAttempts || errors.Is(sendErr, ErrPermanent)
	if err := e.store.MarkEmailFailed(markCtx, m.ID, sendErr.Error(), final); err != nil {
		return err
	}
	if final {
		e.log.Warn("email failed for good", "email_id", m.ID, "account_id", m.AccountID, "attempts", m.Attempts, "error", sendErr)
		return nil
	}
	return fmt.Errorf("jobs: email %d, attempt %d of %d: %w", m.ID, m.Attempts, e.maxAttempts, sendErr)
}

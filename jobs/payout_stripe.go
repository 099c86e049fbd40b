package jobs

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// TypeStripeSend pays a Stripe Connect run: one transfer per payout.
const TypeStripeSend = "payout:stripe_send"

// stripeKeyWindow is how long after a payout's first call its
// Idempotency-Key is still sure to be known to Stripe (Stripe keeps keys
// at least 24 hours): a payout whose answer is still unknown after that is
// looked for in its run's transfer group before any new call.
const stripeKeyWindow = 23 * time.Hour

// StripeTransfers is the part of the Stripe adapter a send uses.
type StripeTransfers interface {
	CreateTransfer(ctx context.Context, payer *platforms.Conn, in stripe.NewTransfer) (stripe.Transfer, error)
	TransfersInGroup(ctx context.Context, payer *platforms.Conn, group string) ([]stripe.Transfer, error)
}

// StripeSender pays Stripe Connect runs.
type StripeSender struct {
	store  *models.Store
	stripe StripeTransfers
	opts   PlatformSendOptions
}

// NewStripeSender returns a sender over store calling st.
func NewStripeSender(store *models.Store, st StripeTransfers, opts PlatformSendOptions) *StripeSender {
	return &StripeSender{store: store, stripe: st, opts: opts.withDefaults()}
}

// Process runs a TypeStripeSend task.
func (p *StripeSender) Process(ctx context.Context, t *asynq.Task) error {
	runID, err := runOf(t)
	if err != nil {
		return err
	}
	return p.Send(ctx, runID)
}

// Send pays every payout of run runID not yet paid or failed, each by one
// transfer carrying the payout's stored Idempotency-Key: a call made again
// after a lost answer or a crash gets Stripe's first answer, and no second
// transfer. A refusal (balance_insufficient, a destination that cannot
// receive) fails the payout with Stripe's reason and puts the money back
// in the balance. It returns an error while a payout's outcome is unknown,
// so the task is tried again.
func (p *StripeSender) Send(ctx context.Context, runID uint64) error {
	return sendRun(ctx, p.store, p.opts.Logger, "stripe send", runID, StripePayer, p.sendOne)
}

// sendOne makes (or repeats) the transfer of one payout and books the answer.
func (p *StripeSender) sendOne(ctx context.Context, payer *platforms.Conn, it models.PlatformSendItem) error {
	if it.FirstAttemptAt != nil && p.store.Now().Sub(*it.FirstAttemptAt) > stripeKeyWindow {
		if done, err := p.afterKeyWindow(ctx, payer, &it); err != nil || done {
			return err
		}
	}
	if _, err := p.store.BeginPlatformAttempt(ctx, it.PayoutID, it.Attempts); err != nil {
		return err
	}
	in := stripe.NewTransfer{Amount: it.Amount, Currency: it.Currency, Destination: it.Destination,
		TransferGroup: transferGroup(it.RunID), Description: "Affiliate commission, payout " + strconv.FormatUint(it.PayoutID, 10),
		Metadata: map[string]string{"codecredit_account_id": strconv.FormatUint(it.AccountID, 10),
			"codecredit_run_id": strconv.FormatUint(it.RunID, 10), "codecredit_payout_id": strconv.FormatUint(it.PayoutID, 10),
			"codecredit_affiliate_id": strconv.FormatUint(it.AffiliateID, 10)},
		IdempotencyKey: it.Key}
	var tr stripe.Transfer
	err := withTries(ctx, p.opts.CallTries, func(ctx context.Context) (err error) {
		tr, err = p.stripe.CreateTransfer(ctx, payer, in)
		return err
	})
	u := models.PayoutItemUpdate{PayoutID: it.PayoutID, Platform: "Stripe"}
	var refused *stripe.TransferRefusal
	switch {
	case err == nil:
		u.Outcome, u.PlatformID, u.PlatformState = models.OutcomePaid, tr.ID, "paid"
	case errors.As(err, &refused) && !errors.Is(err, stripe.ErrIdempotencyKeyReused):
		u.Outcome, u.PlatformState, u.Reason = models.OutcomeNotPaid, cmp.Or(refused.Code, "refused"), refused.Reason
	default:
		return err // unknown: the next try repeats the call with the same key
	}
	_, err = p.store.ApplyPayoutItem(ctx, it.AccountID, u)
	return err
}

// afterKeyWindow settles a payout whose outcome is still unknown when
// Stripe may have forgotten its key: a transfer of the run's group naming
// the payout is booked (done); when there is none, the payout gets a new
// key and is called again like a new one.
func (p *StripeSender) afterKeyWindow(ctx context.Context, payer *platforms.Conn, it *models.PlatformSendItem) (bool, error) {
	var trs []stripe.Transfer
	err := withTries(ctx, p.opts.CallTries, func(ctx context.Context) (err error) {
		trs, err = p.stripe.TransfersInGroup(ctx, payer, transferGroup(it.RunID))
		return err
	})
	if err != nil {
		return false, err
	}
	id := strconv.FormatUint(it.PayoutID, 10)
	for _, tr := range trs {
		if tr.Metadata["codecredit_payout_id"] == id && tr.Amount == it.Amount {
			u := models.PayoutItemUpdate{PayoutID: it.PayoutID, Platform: "Stripe", Outcome: models.OutcomePaid, PlatformID: tr.ID, PlatformState: "paid"}
			_, err := p.store.ApplyPayoutItem(ctx, it.AccountID, u)
			return true, err
		}
	}
	key, err := p.store.RenewPlatformKey(ctx, it.RunID, it.PayoutID, it.Attempts)
	it.Key, it.FirstAttemptAt = key, nil
	return false, err
}

// transferGroup names a run's transfers in Stripe.
func transferGroup(runID uint64) string { return "codecredit-run-" + strconv.FormatUint(runID, 10) }

// StripePayer is the account's active Stripe connection that may pay
// (one connected with a key, not through OAuth) and its id.
func StripePayer(ctx context.Context, store *models.Store, accountID uint64) (*platforms.Conn, uint64, error) {
	return activeConn(ctx, store, accountID, platforms.Stripe, func(creds map[string]string) error {
		if creds[stripe.CredMode] != stripe.ModeKey {
			return stripe.ErrPayerNeedsKey
		}
		return nil
	})
}

// SweepStripeSends queues again the send of every Stripe run not settled.
func (p *StripeSender) SweepStripeSends(ctx context.Context, c *Client) error {
	return sweepRuns(ctx, p.store, models.PayoutStripeConnect, c.EnqueueStripeSend)
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"codecredit/models"
)

// ScheduleQueue queues the send of the runs a schedule starts; Client
// implements it.
type ScheduleQueue interface {
	EnqueuePayPalSend(ctx context.Context, runID uint64) error
	EnqueueStripeSend(ctx context.Context, runID uint64) error
	EnqueueStoreCreditSend(ctx context.Context, runID uint64) error
}

// PayoutScheduler starts the monthly payout runs of the accounts with a
// payout schedule (models.PayoutSchedule).
type PayoutScheduler struct {
	store *models.Store
	queue ScheduleQueue // nil: the sweepers queue the sends
	// findCustomers looks up store-credit affiliates' Shopify customers
	// before a store-credit run; nil when Shopify is not registered.
	findCustomers func(ctx context.Context, accountID uint64, limit int) (int, error)
	log           *slog.Logger
}

// NewPayoutScheduler builds the scheduler; queue may be nil.
func NewPayoutScheduler(store *models.Store, queue ScheduleQueue, log *slog.Logger) *PayoutScheduler {
	if log == nil {
		log = slog.Default()
	}
	return &PayoutScheduler{store: store, queue: queue, log: log}
}

// Run starts, for every schedule whose day has come in now's month, one
// run per scheduled method, keyed models.ScheduleKey(now, method): however
// often it runs, each method's run starts once a month. A method that
// cannot run (nobody payable yet, the platform not connected) is tried
// again on the next call in the month. It returns the number of runs
// started now.
func (p *PayoutScheduler) Run(ctx context.Context, now time.Time) (int, error) {
	due, err := p.store.DuePayoutSchedules(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("jobs: payout schedules: %w", err)
	}
	started := 0
	var errs []error
	for _, sch := range due {
		for _, method := range sch.Input().Methods {
			created, err := p.start(ctx, sch.AccountID, method, models.ScheduleKey(now, method))
			switch {
			case errors.Is(err, models.ErrInvalid), errors.Is(err, errNotConnected):
				p.log.InfoContext(ctx, "scheduled payout run not started", "account_id", sch.AccountID, "method", method, "reason", err)
			case err != nil:
				errs = append(errs, fmt.Errorf("jobs: scheduled %s run for account %d: %w", method, sch.AccountID, err))
			case created:
				started++
			}
		}
	}
	return started, errors.Join(errs...)
}

// errNotConnected is a run whose platform the store has not connected
// for paying (Stripe by key, Shopify with the store credit scopes).
var errNotConnected = errors.New("jobs: platform not connected for payouts")

// start starts one method's run and queues its send.
func (p *PayoutScheduler) start(ctx context.Context, accountID uint64, method, key string) (bool, error) {
	// The month's run is there: no platform checks or customer lookups again.
	if done, err := p.store.HasPayoutRun(ctx, accountID, key); err != nil || done {
		return false, err
	}
	var runID uint64
	var created bool
	var enqueue func(context.Context, uint64) error
	switch method {
	case models.PayoutPayPal:
		run, c, err := p.store.StartPayPalRun(ctx, accountID, key)
		if err != nil {
			return false, err
		}
		runID, created = run.ID, c
		if p.queue != nil {
			enqueue = p.queue.EnqueuePayPalSend
		}
	case models.PayoutStripeConnect:
		if _, _, err := StripePayer(ctx, p.store, accountID); err != nil {
			return false, fmt.Errorf("%w: %w", errNotConnected, err)
		}
		run, c, err := p.store.StartStripeRun(ctx, accountID, key)
		if err != nil {
			return false, err
		}
		runID, created = run.ID, c
		if p.queue != nil {
			enqueue = p.queue.EnqueueStripeSend
		}
	case models.PayoutStoreCredit:
		if _, _, err := StoreCreditShop(ctx, p.store, accountID); err != nil {
			return false, fmt.Errorf("%w: %w", errNotConnected, err)
		}
		if p.findCustomers != nil {
			if _, err := p.findCustomers(ctx, accountID, 200); err != nil {
				p.log.WarnContext(ctx, "find store credit customers; those not found are skipped", "error", err)
			}
		}
		run, c, err := p.store.StartStoreCreditRun(ctx, accountID, key)
		if err != nil {
			return false, err
		}
		runID, created = run.ID, c
		if p.queue != nil {
			enqueue = p.queue.EnqueueStoreCreditSend
		}
	default:
		return false, fmt.Errorf("%w: unknown method %q", models.ErrInvalid, method)
	}
	if created && enqueue != nil {
		if err := enqueue(ctx, runID); err != nil {
			p.log.WarnContext(ctx, "queue scheduled run send; the sweeper will", "run_id", runID, "error", err)
		}
	}
	return created, nil
}

// runSchedules starts the month's scheduled payout runs that are due.
func (w *Worker) runSchedules(ctx context.Context) {
	p := NewPayoutScheduler(w.store, w.client, w.log)
	if w.sends.storeCredit != nil {
		p.findCustomers = w.sends.storeCredit.FindCustomers
	}
	if _, err := p.Run(ctx, time.Now()); err != nil && ctx.Err() == nil {
		w.log.Error("scheduled payout runs", "error", err)
	}
}

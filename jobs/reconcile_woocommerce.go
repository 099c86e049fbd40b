package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// WooCommerceOrders is the slice of the WooCommerce adapter reconciliation
// uses; *woocommerce.Adapter implements it.
type WooCommerceOrders interface {
	ModifiedOrders(ctx context.Context, c *platforms.Conn, since time.Time, page int) (woocommerce.OrderPage, error)
	ParseWebhook(topic string, body []byte) ([]platforms.Event, error)
}

// ReconcilerOptions configure a Reconciler. Zero values take the defaults.
type ReconcilerOptions struct {
	// Overlap is how far before the checkpoint each run reads again, for
	// orders saved while the last run was reading (default 15m). Reading
	// an order twice is harmless: its state is one event.
	Overlap time.Duration
	// Logger receives the logs (default slog.Default()).
	Logger *slog.Logger
}

// Reconciler finds the WooCommerce orders whose webhooks never arrived:
// WooCommerce does not retry a failed delivery and has no event ids. Each
// run reads every active store's orders modified since its checkpoint and
// feeds each through the webhook path: stored as an order.updated event
// with the same event id a webhook reporting that state carries (so an
// order already delivered is a no-op), then booked.
type Reconciler struct {
	store   *models.Store
	woo     WooCommerceOrders
	overlap time.Duration
	log     *slog.Logger
}

// NewReconciler builds the reconciliation job.
func NewReconciler(store *models.Store, woo WooCommerceOrders, opts ReconcilerOptions) *Reconciler {
	if opts.Overlap <= 0 {
		opts.Overlap = 15 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Reconciler{store: store, woo: woo, overlap: opts.Overlap, log: opts.Logger.With("job", "reconcile_woocommerce")}
}

// Run reconciles every active WooCommerce connection once. A store whose
// keys are refused is marked for reinstall; other failures leave that
// store's checkpoint in place (the next run reads again) and are returned
// together once every store was tried.
func (r *Reconciler) Run(ctx context.Context) error {
	conns, err := r.store.ActiveConnections(ctx, platforms.WooCommerce)
	if err != nil {
		return fmt.Errorf("jobs: list woocommerce connections: %w", err)
	}
	var errs []error
	for i := range conns {
		if err := r.ReconcileConnection(ctx, &conns[i]); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

// ReconcileConnection reads one store's orders modified since its
// checkpoint (the install time at first), books what is missing and moves
// the checkpoint to when the run started.
func (r *Reconciler) ReconcileConnection(ctx context.Context, conn *models.Connection) error {
	creds, err := r.store.ReadCredentials(conn)
	if err != nil {
		return fmt.Errorf("jobs: credentials of connection %d: %w", conn.ID, err)
	}
	started := r.store.Now()
	since := conn.InstalledAt
	if t, err := time.Parse(time.RFC3339, creds[woocommerce.CredReconciledUntil]); err == nil {
		since = t
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	booked, err := r.readOrders(ctx, conn, pc, since.Add(-r.overlap))
	if errors.Is(err, platforms.ErrUnauthorized) {
		r.log.Warn("store refused the keys", "connection_id", conn.ID, "error", err)
		return r.store.MarkNeedsReinstall(ctx, conn.ID, err.Error())
	}
	if err != nil {
		return fmt.Errorf("jobs: reconcile connection %d: %w", conn.ID, err)
	}
	if err := r.checkpoint(ctx, conn.ID, started); err != nil {
		return err
	}
	r.log.Info("store reconciled", "connection_id", conn.ID, "since", since.Format(time.RFC3339), "booked", booked)
	return nil
}

// readOrders pages through the modified orders and applies each; it
// returns how many were missing and got booked.
func (r *Reconciler) readOrders(ctx context.Context, conn *models.Connection, pc *platforms.Conn, since time.Time) (int, error) {
	booked := 0
	for page := 1; page > 0; {
		p, err := r.woo.ModifiedOrders(ctx, pc, since, page)
		if err != nil {
			return booked, err
		}
		for _, rec := range p.Orders {
			created, err := r.apply(ctx, conn, rec)
			if err != nil {
				return booked, err
			}
			if created {
				booked++
			}
		}
		if p.Next <= page {
			break
		}
		page = p.Next
	}
	return booked, nil
}

// apply stores one order state as an event and, when it is new, books it
// as the worker would. A failure to book is recorded on the event, which
// the sweeper then hands to the worker.
func (r *Reconciler) apply(ctx context.Context, conn *models.Connection, rec woocommerce.OrderRecord) (bool, error) {
	ev, created, err := r.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: conn.AccountID,
		ConnectionID: conn.ID, Platform: platforms.WooCommerce, Topic: rec.Topic, ExternalEventID: rec.EventID, Body: rec.Body})
	if err != nil || !created {
		return false, err
	}
	r.log.Info("order missing its webhook", "connection_id", conn.ID, "order_id", rec.ID, "event_id", ev.ID)
	events, err := r.woo.ParseWebhook(rec.Topic, rec.Body)
	if err != nil {
		return true, r.store.MarkEventDead(ctx, ev.ID, err)
	}
	for _, e := range events {
		if err := r.book(ctx, conn.ID, e); err != nil {
			if mErr := r.store.MarkEventFailed(ctx, ev.ID, err); mErr != nil {
				return true, mErr
			}
			r.log.Warn("booking a reconciled order failed; the worker retries it", "event_id", ev.ID, "error", err)
			return true, nil
		}
	}
	return true, r.store.MarkEventProcessed(ctx, ev.ID)
}

// book applies one event of an order body through the attribution engine.
func (r *Reconciler) book(ctx context.Context, connID uint64, e platforms.Event) error {
	switch {
	case e.Kind == platforms.KindOrderPaid && e.Order != nil:
		_, err := r.store.AttributeOrder(ctx, connID, *e.Order)
		return err
	case (e.Kind == platforms.KindOrderRefunded || e.Kind == platforms.KindOrderCancelled) && e.Refund != nil:
		return r.store.ReverseRefund(ctx, connID, *e.Refund)
	}
	return nil
}

// checkpoint records when the run started, re-reading the credentials so
// that what other jobs saved meanwhile is kept.
func (r *Reconciler) checkpoint(ctx context.Context, connID uint64, at time.Time) error {
	conn, err := r.store.GetConnection(ctx, connID)
	if err != nil {
		return err
	}
	creds, err := r.store.ReadCredentials(conn)
	if err != nil {
		return err
	}
	creds[woocommerce.CredReconciledUntil] = at.UTC().Format(time.RFC3339)
	return r.store.SaveCredentials(ctx, connID, creds)
}

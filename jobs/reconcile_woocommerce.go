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
// uses (orders, and subscriptions: reconcile_woocommerce_subs.go);
// *woocommerce.Adapter implements it.
type WooCommerceOrders interface {
	ModifiedOrders(ctx context.Context, c *platforms.Conn, since time.Time, page int) (woocommerce.OrderPage, error)
	ModifiedSubscriptions(ctx context.Context, c *platforms.Conn, since time.Time, page int) (woocommerce.SubscriptionPage, error)
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

// ReconcileConnection reads one store's orders, then its subscriptions,
// modified since their checkpoints (the install time at first), books
// what is missing and moves each checkpoint to when its read started.
func (r *Reconciler) ReconcileConnection(ctx context.Context, conn *models.Connection) error {
	creds, err := r.store.ReadCredentials(conn)
	if err != nil {
		return fmt.Errorf("jobs: credentials of connection %d: %w", conn.ID, err)
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	err = r.reconcileOrders(ctx, conn, pc)
	if err == nil {
		err = r.reconcileSubscriptions(ctx, conn, pc)
	}
	if errors.Is(err, platforms.ErrUnauthorized) {
		r.log.Warn("store refused the keys", "connection_id", conn.ID, "error", err)
		return r.store.MarkNeedsReinstall(ctx, conn.ID, err.Error())
	}
	if err != nil {
		return fmt.Errorf("jobs: reconcile connection %d: %w", conn.ID, err)
	}
	return nil
}

// reconcileOrders reads the orders modified since their checkpoint and
// moves it on.
func (r *Reconciler) reconcileOrders(ctx context.Context, conn *models.Connection, pc *platforms.Conn) error {
	started, since := r.store.Now(), r.since(conn, pc, woocommerce.CredReconciledUntil)
	booked, err := r.readPages(ctx, conn, func(page int) ([]woocommerce.OrderRecord, int, error) {
		p, err := r.woo.ModifiedOrders(ctx, pc, since.Add(-r.overlap), page)
		return p.Orders, p.Next, err
	})
	if err != nil {
		return err
	}
	if err := r.saveCredential(ctx, conn.ID, woocommerce.CredReconciledUntil, started); err != nil {
		return err
	}
	r.log.Info("store orders reconciled", "connection_id", conn.ID, "since", since.Format(time.RFC3339), "booked", booked)
	return nil
}

// since is the checkpoint under key, or the install time.
func (r *Reconciler) since(conn *models.Connection, pc *platforms.Conn, key string) time.Time {
	if t, err := time.Parse(time.RFC3339, pc.Credentials[key]); err == nil {
		return t
	}
	return conn.InstalledAt
}

// readPages pages through the records read reads (from page 1 until it
// says there is no next page) and applies each; it returns how many were
// missing and got booked.
func (r *Reconciler) readPages(ctx context.Context, conn *models.Connection, read func(page int) ([]woocommerce.OrderRecord, int, error)) (int, error) {
	booked := 0
	for page := 1; page > 0; {
		recs, next, err := read(page)
		if err != nil {
			return booked, err
		}
		for _, rec := range recs {
			created, err := r.apply(ctx, conn, rec)
			if err != nil {
				return booked, err
			}
			if created {
				booked++
			}
		}
		if next <= page {
			break
		}
		page = next
	}
	return booked, nil
}

// apply stores one order or subscription state as an event and, when it
// is new, books it as the worker would. A failure to book is recorded on
// the event, which the sweeper then hands to the worker.
func (r *Reconciler) apply(ctx context.Context, conn *models.Connection, rec woocommerce.OrderRecord) (bool, error) {
	ev, created, err := r.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: conn.AccountID,
		ConnectionID: conn.ID, Platform: platforms.WooCommerce, Topic: rec.Topic, ExternalEventID: rec.EventID, Body: rec.Body})
	if err != nil || !created {
		return false, err
	}
	r.log.Info("state missing its webhook", "connection_id", conn.ID, "topic", rec.Topic, "id", rec.ID, "event_id", ev.ID)
	events, err := r.woo.ParseWebhook(rec.Topic, rec.Body)
	if err != nil {
		return true, r.store.MarkEventDead(ctx, ev.ID, err)
	}
	for _, e := range events {
		if err := r.book(ctx, conn.ID, e); err != nil {
			if mErr := r.store.MarkEventFailed(ctx, ev.ID, err); mErr != nil {
				return true, mErr
			}
			r.log.Warn("booking a reconciled state failed; the worker retries it", "event_id", ev.ID, "error", err)
			return true, nil
		}
	}
	return true, r.store.MarkEventProcessed(ctx, ev.ID)
}

// book applies one event of an order or subscription body as the worker
// does (see dispatch).
func (r *Reconciler) book(ctx context.Context, connID uint64, e platforms.Event) error {
	switch {
	case e.Kind == platforms.KindSubscription && e.Subscription != nil:
		return r.store.ApplySubscription(ctx, connID, *e.Subscription)
	case e.Kind == platforms.KindOrderPaid && e.Order != nil:
		_, err := r.store.AttributeOrder(ctx, connID, *e.Order)
		return err
	case (e.Kind == platforms.KindOrderRefunded || e.Kind == platforms.KindOrderCancelled) && e.Refund != nil:
		return r.store.ReverseRefund(ctx, connID, *e.Refund)
	}
	return nil
}

// saveCredential records at (RFC 3339, UTC) under key, re-reading the
// credentials so that what other jobs saved meanwhile is kept.
func (r *Reconciler) saveCredential(ctx context.Context, connID uint64, key string, at time.Time) error {
	conn, err := r.store.GetConnection(ctx, connID)
	if err != nil {
		return err
	}
	creds, err := r.store.ReadCredentials(conn)
	if err != nil {
		return err
	}
	creds[key] = at.UTC().Format(time.RFC3339)
	return r.store.SaveCredentials(ctx, connID, creds)
}

package jobs

import (
	"context"
	"errors"
	"time"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// Subscriptions (WooCommerce Subscriptions) are reconciled as orders are:
// each subscription modified since the checkpoint is stored as a
// subscription.updated event whose id names its state (id, date_modified
// and a fingerprint: the id its webhooks carry), so a state delivered
// already is a no-op and a new one is applied; ApplySubscription keeps the
// latest state by date_modified, so reading an older one changes nothing.
//
// Their checkpoint is their own (CredSubscriptionsReconciledUntil), not the
// orders': each moves only when its own read went through, so a failure
// reading subscriptions neither holds the orders back nor is skipped over
// by the orders' success, and a store found without the extension, then
// connected again with it, starts reading subscriptions from its own
// point rather than from wherever the orders had got to. The overlap rule
// is the orders': each run reads again from Overlap before the checkpoint.
//
// A store without the extension (404 rest_no_route) is noted in the
// credentials (CredNoSubscriptions) and not asked again; connecting it
// again replaces the credentials, so it is asked once more then, from
// when it was found to have none (handlers keepCheckpoint).

// reconcileSubscriptions reads the subscriptions modified since their
// checkpoint and moves it on; a store without the extension is noted.
func (r *Reconciler) reconcileSubscriptions(ctx context.Context, conn *models.Connection, pc *platforms.Conn) error {
	if pc.Credentials[woocommerce.CredNoSubscriptions] != "" {
		return nil
	}
	started, since := r.store.Now(), r.since(conn, pc, woocommerce.CredSubscriptionsReconciledUntil)
	booked, err := r.readPages(ctx, conn, func(page int) ([]woocommerce.OrderRecord, int, error) {
		p, err := r.woo.ModifiedSubscriptions(ctx, pc, since.Add(-r.overlap), page)
		return p.Subscriptions, p.Next, err
	})
	if errors.Is(err, woocommerce.ErrNoSubscriptions) {
		r.log.Info("store has no WooCommerce Subscriptions; not asked again until it is connected again", "connection_id", conn.ID)
		return r.saveCredential(ctx, conn.ID, woocommerce.CredNoSubscriptions, started)
	}
	if err != nil {
		return err
	}
	if err := r.saveCredential(ctx, conn.ID, woocommerce.CredSubscriptionsReconciledUntil, started); err != nil {
		return err
	}
	r.log.Info("store subscriptions reconciled", "connection_id", conn.ID, "since", since.Format(time.RFC3339), "booked", booked)
	return nil
}

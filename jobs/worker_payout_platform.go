package jobs

import (
	"cmp"
	"context"
	"log/slog"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// platformSends are the worker's senders of Stripe and store-credit runs;
// a sender is nil when its platform's adapter is not registered.
type platformSends struct {
	stripe      *StripeSender
	storeCredit *StoreCreditSender
}

// newPlatformSends builds the senders over the registered adapters.
func newPlatformSends(store *models.Store, opts Options) platformSends {
	o := opts.PlatformSend
	o.Logger = cmp.Or(o.Logger, opts.Logger)
	var out platformSends
	if st, ok := opts.Platforms[platforms.Stripe].(StripeTransfers); ok {
		out.stripe = NewStripeSender(store, st, o)
	}
	if sh, ok := opts.Platforms[platforms.Shopify].(ShopifyStoreCredit); ok {
		out.storeCredit = NewStoreCreditSender(store, sh, o)
	}
	return out
}

// register routes the send tasks to their senders.
func (p platformSends) register(mux *asynq.ServeMux) {
	if p.stripe != nil {
		mux.HandleFunc(TypeStripeSend, p.stripe.Process)
	}
	if p.storeCredit != nil {
		mux.HandleFunc(TypeStoreCreditSend, p.storeCredit.Process)
	}
}

// sweep queues again the sends of runs not settled.
func (p platformSends) sweep(ctx context.Context, c *Client, log *slog.Logger) {
	if p.stripe != nil {
		if err := p.stripe.SweepStripeSends(ctx, c); err != nil && ctx.Err() == nil {
			log.Error("queue stripe sends", "error", err)
		}
	}
	if p.storeCredit != nil {
		if err := p.storeCredit.SweepStoreCreditSends(ctx, c); err != nil && ctx.Err() == nil {
			log.Error("queue store credit sends", "error", err)
		}
	}
}

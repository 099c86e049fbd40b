package handlers

import (
	"cmp"
	"log/slog"

	"codecredit/jobs"
)

// newPlatformRunHandlers builds the Stripe and store-credit run handlers
// from the deps: the queue when it can send runs, and the Shopify adapter
// to find affiliates' customers when Shopify is set up.
func newPlatformRunHandlers(d Deps) *platformRunHandlers {
	h := &platformRunHandlers{store: d.Store, log: cmp.Or(d.Logger, slog.Default())}
	h.queue, _ = d.Jobs.(PlatformRunQueue)
	if d.Shopify != nil {
		h.customers = jobs.NewStoreCreditSender(d.Store, d.Shopify, jobs.PlatformSendOptions{Logger: h.log})
	}
	return h
}

// The jobs package serves both.
var (
	_ PlatformRunQueue     = (*jobs.Client)(nil)
	_ StoreCreditCustomers = (*jobs.StoreCreditSender)(nil)
)

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"codecredit/frontend"
	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/platforms"
	"codecredit/platforms/api"
	shopifysandbox "codecredit/platforms/shopify/sandbox"
)

// registerRoutes installs every route through handlers.Register and
// returns a function that closes the queue client the handlers enqueue on.
func registerRoutes(e *echo.Echo, a *app) (closeQueue func(), err error) {
	q, err := jobs.NewClient(a.redisURL, jobs.DefaultQueue)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	// One collector per process; a second registration (tests) is refused harmlessly.
	_ = prometheus.Register(jobs.NewQueueCollector(q))
	d := handlers.Deps{Store: a.store, Jobs: q, Ready: a.ready, Logger: a.log,
		Platforms: platformsFor(a), AppSecrets: appSecrets(a), Nonces: handlers.NewRedisNonces(a.redis),
		Limiter: handlers.NewRedisLimiter(a.redis),
		Paddle:  a.paddle, Shopify: a.shopify, Stripe: a.stripe, WooCommerce: a.woo, AppURL: a.cfg.AppURL,
		MetricsToken: a.cfg.MetricsToken, PayPalBaseURL: a.paypalURL}
	d.WebhooksAllowLocal = a.cfg.LocalWebhooks()
	if err := a.adminDeps(&d, q); err != nil {
		return nil, err
	}
	a.newcomerDeps(&d)
	d.ConnectOnboarder = &stripeOnboarder{store: a.store, stripe: a.stripe} // stripe_connect_onboarder.go
	stopCounting := func() {}
	if a.redis != nil {
		counter := handlers.NewVisitCounter(a.store, a.redis, a.log)
		go counter.Run()
		stopCounting = counter.Close
		d.Links = handlers.NewLinkRedirects(a.store, counter, handlers.LinkOptions{ShopifyStorefront: a.shopifyStorefront})
	}
	handlers.Register(e, d)
	for path, h := range a.mounts { // the local sandboxes, when they run (newcomer mode or SANDBOXES)
		e.Any(path+"/*", echo.WrapHandler(h))
	}
	return func() { stopCounting(); q.Close() }, nil // the last visits are counted after HTTP stops
}

// newWorker builds the job worker with every platform parser registered.
func newWorker(a *app) (worker, error) {
	mailer, err := jobs.NewMailer(a.cfg.SMTPURL, a.cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	if mailer == nil {
		a.log.Info("email not configured", "note", "no SMTP_URL: emails stay in the outbox (GET /api/v1/emails)")
	}
	reconcile := jobs.NewReconciler(a.store, a.woo, jobs.ReconcilerOptions{Logger: a.log})
	w, err := jobs.NewWorker(a.store, a.redisURL, jobs.Options{
		Queue:           jobs.DefaultQueue,
		Concurrency:     a.cfg.WorkerConcurrency,
		Platforms:       platformsFor(a),
		Logger:          a.log,
		ShutdownTimeout: workerShutdownTimeout,
		Mailer:          mailer,
		AppURL:          a.cfg.AppURL,
		Periodic:        []func(context.Context) error{reconcile.Run},
		PayPal:          jobs.PayPalOptions{BaseURL: a.paypalURL},
		Webhooks:        jobs.WebhookOptions{AllowLocal: a.cfg.LocalWebhooks()},
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// platformsFor lists the platform adapters by name.
func platformsFor(a *app) map[string]platforms.Platform {
	out := map[string]platforms.Platform{
		platforms.API:         api.Platform{},
		platforms.Paddle:      a.paddle,
		platforms.Stripe:      a.stripe,
		platforms.WooCommerce: a.woo,
	}
	if a.shopify != nil {
		out[platforms.Shopify] = a.shopify
	}
	return out
}

// appSecrets are the app-wide webhook secrets by platform.
func appSecrets(a *app) map[string][]byte {
	out := map[string][]byte{}
	if a.shopifySecret != "" {
		out[platforms.Shopify] = []byte(a.shopifySecret)
	}
	if a.stripeSecret != "" {
		out[platforms.Stripe] = []byte(a.stripeSecret)
	}
	return out
}

// adminDeps sets up the embedded admin: merchant sessions kept in the
// database, Shopify session tokens verified with the app secret, and
// sign-in links by email, sent through the outbox on q.
func (a *app) adminDeps(d *handlers.Deps, q *jobs.Client) error {
	var err error
	if d.Sessions, err = handlers.NewMerchantSessions(a.store, strings.HasPrefix(a.cfg.AppURL, "https://"), 12*time.Hour); err != nil {
		return err
	}
	apiKey := ""
	if a.shopify != nil {
		d.SessionVerifier, apiKey = a.shopify, a.shopify.APIKey()
	}
	links := newMerchantLinks(a.redis, a.store, q, a.cfg.SMTPURL != "", a.cfg.AppURL, a.log)
	d.Admin, err = handlers.NewAdmin(frontend.Dist(), apiKey, links, d.Sessions, a.log)
	if err == nil {
		d.Admin.LinksLogged = a.cfg.SMTPURL == ""
	}
	return err
}

// newcomerDeps, in newcomer mode only, shows the admin the local
// sandboxes and makes the sandbox shop's install join the demo account.
func (a *app) newcomerDeps(d *handlers.Deps) {
	if !a.cfg.Newcomer() {
		return
	}
	info := a.sandboxInfo
	d.Sandboxes = &info
	if a.demoID != 0 && info.ShopifyControls != "" {
		d.DemoShops = map[string]uint64{shopifysandbox.DemoShop: a.demoID}
	}
}

// Package handlers is Codecredit's JSON API (v1) and health endpoints:
// thin Echo handlers that bind, validate, make one call into models and
// answer JSON. Errors are mapped to HTTP once, in errors.go.
//
// Read routes.go first: every route with its auth wrapper, and Deps,
// everything the handlers are given (jobs_queue.go: the queue they hand
// work to). Then errors.go and bind.go (how errors
// become statuses, how bodies are decoded and bounded), webhooks.go (the
// one endpoint every platform posts to), and the file of the area at hand:
// affiliates.go, codes.go, ledger.go, events.go, emails.go, settings.go,
// ingest.go (the API platform). Installs are in shopify.go, stripe.go,
// woocommerce.go and paddle.go, all ending in install_tail.go, their
// platforms' failures worded in platform_errors.go; the embedded admin in admin.go and
// admin_auth.go, the affiliate portal in portal.go.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"codecredit/frontend"
	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
)

// Deps is what the handlers need. Jobs may be nil: stored events are then
// left to the sweeper. Ready reports whether the app can serve (database,
// queue); nil means always ready. Logger nil means slog.Default().
type Deps struct {
	Store *models.Store
	// PayPalBaseURL is PAYPAL_BASE_URL: where PayPal webhooks are verified.
	PayPalBaseURL string
	Jobs          JobQueue
	Ready         func(ctx context.Context) error
	Logger        *slog.Logger
	// Platforms are the adapters receiving webhooks, by platform name.
	Platforms map[string]platforms.Platform
	// AppSecrets are app-wide webhook secrets by platform (Shopify's API
	// secret, Stripe's endpoint secret); a platform without one verifies
	// with each connection's own secret.
	AppSecrets map[string][]byte
	// Nonces keeps OAuth state; nil disables the install flows.
	Nonces NonceStore
	// Limiter counts sign-in requests (admin and portal) per address and
	// per client; nil counts them in this process only.
	Limiter Limiter
	// Paddle connects Paddle accounts by API key; nil: no Paddle route.
	Paddle PaddleConnector
	// Shopify installs shops (OAuth, token exchange); nil: no Shopify routes.
	Shopify *shopify.Adapter
	// Admin serves the embedded admin under /admin/. SessionVerifier
	// (Shopify session tokens) and Sessions (merchant cookies) let it call
	// the API; nil turns that way of signing in off.
	Admin           *Admin
	SessionVerifier SessionVerifier
	Sessions        *MerchantSessions
	// Stripe connects Stripe accounts (Connect OAuth or a pasted key).
	Stripe StripeConnector
	// WooCommerce connects stores through WooCommerce's app authorisation.
	WooCommerce WooCommerceConnector
	// AppURL is the app's public URL, for links in emails and redirects.
	AppURL string
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Sandboxes are newcomer mode's local platforms, shown to the admin;
	// nil everywhere else.
	Sandboxes *Sandboxes
	// DemoShops are shops whose first install joins an existing account
	// (newcomer mode: the sandbox's demo shop joins the demo account).
	DemoShops map[string]uint64
	// ConnectOnboarder starts affiliates' Stripe Connect onboarding;
	// nil: the portal says it is not available yet.
	ConnectOnboarder ConnectOnboarder
	// Links serves the tracked links, /r/{slug}; nil: no such route.
	Links *LinkRedirects
	// WebhooksAllowLocal lets outgoing webhook endpoints be plain http on
	// localhost or 127.0.0.1 (development deployments only).
	WebhooksAllowLocal bool
}

// RegisterProbes installs only /healthz, /readyz and /metrics: what a
// process without the web side (the worker) shows its platform and
// Prometheus.
// A non-empty metricsToken closes /metrics with that bearer token.
func RegisterProbes(e *echo.Echo, ready func(ctx context.Context) error, log *slog.Logger, metricsToken string) {
	if log == nil {
		log = slog.Default()
	}
	e.HTTPErrorHandler = errorHandler(log)
	e.Use(observeHTTP(), middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: logPanic(log)}))
	registerProbes(e, ready, log, metricsToken)
}

func registerProbes(e *echo.Echo, ready func(ctx context.Context) error, log *slog.Logger, metricsToken string) {
	health := &healthHandlers{ready: ready, log: log}
	e.GET("/healthz", health.Healthz)
	e.GET("/readyz", health.Readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.Handler()), metricsAuth(metricsToken))
}

// BodyLimit is the largest request body accepted.
const BodyLimit = "1M"

// Register installs the error handler, the middleware and every route.
func Register(e *echo.Echo, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	e.HTTPErrorHandler = errorHandler(d.Logger)
	e.Use(
		observeHTTP(),
		middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: logPanic(d.Logger)}),
		middleware.RequestID(),
		middleware.BodyLimit(BodyLimit),
		middleware.SecureWithConfig(middleware.SecureConfig{ContentTypeNosniff: "nosniff",
			ReferrerPolicy: "no-referrer", HSTSMaxAge: 31536000}),
	)

	registerProbes(e, d.Ready, d.Logger, d.MetricsToken)
	if d.Limiter == nil {
		d.Limiter = newMemoryLimiter()
	}
	if d.Admin != nil {
		d.Admin.limits = signInLimits{limiter: d.Limiter, scope: "admin"}
		e.GET("/", d.Admin.Root)
		e.GET("/admin", d.Admin.Index)
		e.GET("/admin/*", d.Admin.Serve)
		forms := sameSiteOnly() // sign-in and sign-out: never from another site
		e.POST("/admin/login", d.Admin.Login, forms)
		e.GET("/admin/auth", d.Admin.ConfirmRedeem)
		e.HEAD("/admin/auth", d.Admin.ConfirmRedeem) // link checkers: like GET, uses nothing up
		e.POST("/admin/auth", d.Admin.Redeem, forms)
		e.POST("/admin/logout", d.Admin.Logout, forms)
	} else {
		e.GET("/", echo.WrapHandler(http.FileServer(http.FS(frontend.Dist()))))
	}

	auth := AdminAuth(d.Store, d.SessionVerifier, d.Sessions)
	api := e.Group("/api/v1", apiHeaders(), auth, checkParams())
	e.GET("/api/v1/openapi.json", GetOpenAPI, apiHeaders()) // no key: the API's description

	aff := &affiliateHandlers{store: d.Store}
	api.GET("/affiliates", aff.ListAffiliates)
	api.POST("/affiliates", aff.CreateAffiliate)
	api.GET("/affiliates/:id", aff.GetAffiliate)
	api.PATCH("/affiliates/:id", aff.UpdateAffiliate)
	api.DELETE("/affiliates/:id", aff.DeleteAffiliate)
	api.GET("/affiliates/:id/commission", aff.GetAffiliateCommission)
	api.PUT("/affiliates/:id/commission", aff.SetAffiliateCommission)
	api.DELETE("/affiliates/:id/commission", aff.DeleteAffiliateCommission)
	api.PUT("/affiliates/:id/payout-details", aff.SetPayoutDetails)

	mail := NewEmailHandlers(d.Store, d.Jobs, d.AppURL, d.Logger)
	codes := &codeHandlers{store: d.Store, jobs: d.Jobs, log: d.Logger, mail: mail, platforms: d.Platforms}
	api.GET("/codes", codes.ListCodes)
	api.POST("/codes", codes.CreateCode)
	api.POST("/codes/generate", codes.GenerateCodes)
	api.POST("/codes/preview", codes.PreviewCodes)
	api.GET("/codes/:id", codes.GetCode)
	api.POST("/codes/:id/assign", codes.AssignCode)
	api.POST("/codes/:id/unassign", codes.UnassignCode)
	api.POST("/codes/:id/deactivate", codes.DeactivateCode)

	ledger := &ledgerHandlers{store: d.Store}
	convs := &conversionHandlers{store: d.Store}
	api.GET("/conversions", convs.ListConversions)
	api.POST("/conversions", convs.CreateManualConversion)
	api.GET("/conversions/export.csv", convs.ExportConversions)
	api.GET("/conversions/:id", convs.GetConversion)
	api.POST("/conversions/:id/approve", convs.ApproveConversion)
	api.POST("/conversions/:id/reject", convs.RejectConversion)
	api.POST("/adjustments", convs.CreateAdjustment)
	api.GET("/balances", ledger.ListBalances)
	api.GET("/summary", ledger.GetSummary)
	api.GET("/summary/discounts", ledger.GetDiscountSummary)
	api.GET("/payouts", ledger.ListPayouts)
	api.POST("/payouts", ledger.CreatePayout)
	api.GET("/payouts/export.csv", ledger.ExportPayouts)
	api.GET("/payouts/year-end.csv", (&yearEndHandlers{store: d.Store}).ExportYearEnd)
	api.GET("/payouts/:id", ledger.GetPayout)
	payouts := &payoutHandlers{store: d.Store}
	api.GET("/payouts/payable", payouts.GetPayablePlan)
	api.POST("/payouts/runs", payouts.CreatePayoutRun)
	api.GET("/payouts/runs/:id", payouts.GetPayoutRun)
	api.GET("/payouts/runs/:id/export.csv", payouts.ExportPayoutRun)
	api.GET("/summary/affiliates", payouts.ListAffiliateTotals)
	api.GET("/summary/codes", payouts.ListCodeTotals)
	pp := &paypalHandlers{store: d.Store, log: d.Logger, baseURL: d.PayPalBaseURL}
	pp.queue, _ = d.Jobs.(PayPalQueue)
	api.POST("/payouts/runs/paypal", pp.StartPayPalRun)
	api.GET("/payouts/runs/:id/paypal", pp.GetPayPalRun)
	api.GET("/payouts/runs", pp.ListPayoutRuns)
	api.GET("/payouts/runs/:id/items", pp.GetRunItems)
	api.POST("/payouts/runs/:id/retry", pp.RetryFailedItems)
	api.GET("/settings/paypal", pp.GetPayPalSettings)
	api.PUT("/settings/paypal", pp.SavePayPalSettings)
	runs := newPlatformRunHandlers(d) // payouts_platform_routes.go
	api.POST("/payouts/runs/stripe", runs.StartStripeRun)
	api.GET("/payouts/runs/:id/stripe", runs.GetPlatformRun(models.MethodStripeConnect))
	api.POST("/payouts/runs/store-credit", runs.StartStoreCreditRun)
	api.GET("/payouts/runs/:id/store-credit", runs.GetPlatformRun(models.MethodStoreCredit))
	sched := &payoutScheduleHandlers{store: d.Store} // payouts_schedule.go
	api.GET("/settings/payout-schedule", sched.GetPayoutSchedule)
	api.PUT("/settings/payout-schedule", sched.SavePayoutSchedule)
	api.GET("/payouts/runs/preview", sched.PreviewPayoutRun)
	api.POST("/commissions/approve", ledger.ApproveCommissions)
	reports := &reportHandlers{store: d.Store}
	api.GET("/reports/recurring", reports.GetRecurringReport)
	api.GET("/reports/recurring.csv", reports.ExportRecurringReport)
	api.GET("/reports/retention", reports.GetRetentionReport)
	api.GET("/reports/retention.csv", reports.ExportRetentionReport)
	api.GET("/reports/customers", reports.GetCustomerReport)
	api.GET("/reports/customers.csv", reports.ExportCustomerReport)
	discounts := &discountReportHandlers{store: d.Store}
	api.GET("/reports/discounts", discounts.GetDiscountReport)

	settings := &settingsHandlers{store: d.Store}
	api.GET("/settings", settings.GetSettings)
	api.PUT("/settings", settings.UpdateSettings)
	rules := &commissionRuleHandlers{store: d.Store}
	api.GET("/commission-rules", rules.ListCommissionRules)
	api.POST("/commission-rules", rules.CreateCommissionRule)
	api.POST("/commission-rules/preview", rules.PreviewCommission)
	api.PUT("/commission-rules/:id", rules.UpdateCommissionRule)
	api.DELETE("/commission-rules/:id", rules.DeleteCommissionRule)
	api.GET("/commission-tiers", rules.GetCommissionTiers)
	api.GET("/catalog", rules.SearchCatalog)
	api.PUT("/commission-tiers", rules.PutCommissionTiers)

	ingest := &ingestHandlers{store: d.Store, jobs: d.Jobs, log: d.Logger}
	api.POST("/orders", ingest.CreateOrder)
	api.POST("/refunds", ingest.CreateRefund)
	api.POST("/subscriptions", ingest.CreateSubscription)

	conns := &connectionHandlers{store: d.Store, jobs: d.Jobs, sandboxes: d.Sandboxes, connect: connectOptions(d),
		platforms: d.Platforms}
	api.GET("/connections", conns.ListConnections)
	api.POST("/connections/:id/import", conns.StartImport)
	api.GET("/privacy/data-requests", conns.ListDataRequests)
	events := &eventHandlers{store: d.Store, jobs: d.Jobs, parsers: d.Platforms}
	api.GET("/events", events.ListEvents)
	api.GET("/events/:id", events.GetEvent)
	api.POST("/events/:id/retry", events.RetryEvent)
	api.GET("/ledger", (&ledgerEntryHandlers{store: d.Store}).ListLedgerEntries)
	api.GET("/refunds/waiting", events.ListWaitingRefunds)
	api.GET("/emails", mail.ListEmails)
	api.GET("/emails/outdated", mail.ListOutdatedEmails)
	api.POST("/emails/outdated/send", mail.SendUpdatedEmails)
	api.GET("/emails/:id", mail.GetEmail)
	api.POST("/emails/:id/resend", mail.ResendEmail)
	api.POST("/affiliates/:id/send-codes", mail.SendAffiliateCodes)
	affBulk := &affiliateBulkHandlers{store: d.Store, mail: mail}
	api.POST("/affiliates/bulk", affBulk.BulkAffiliates)
	api.GET("/affiliates/export.csv", affBulk.ExportAffiliates)
	api.POST("/affiliates/:id/portal-link", mail.IssuePortalLink)
	api.GET("/settings/emails", mail.GetEmailSettings)
	api.PUT("/settings/emails", mail.UpdateEmailSettings)
	api.GET("/settings/email-templates", mail.ListEmailTemplates)
	api.GET("/settings/email-templates/:kind", mail.GetEmailTemplate)
	api.PUT("/settings/email-templates/:kind", mail.PutEmailTemplate)
	api.DELETE("/settings/email-templates/:kind", mail.DeleteEmailTemplate)
	api.POST("/settings/email-templates/:kind/preview", mail.PreviewEmailTemplate)

	if d.Paddle != nil {
		paddleConnect := newPaddleConnect(d.Store, d.Paddle, d.Jobs, d.Logger)
		api.POST("/connections/paddle", paddleConnect.ConnectPaddle)
	}

	if d.Stripe != nil && d.Nonces != nil {
		stripeConnect := newStripeConnect(d.Store, d.Stripe, d.Nonces, d.Jobs, d.AppURL, d.Logger)
		e.GET("/auth/stripe", stripeConnect.Authorize, auth)
		e.GET("/auth/stripe/callback", stripeConnect.Callback)
		api.POST("/connections/stripe", stripeConnect.ConnectKey)
	}
	if d.WooCommerce != nil && d.Nonces != nil {
		woo := newWooCommerceConnect(d.Store, d.WooCommerce, d.Nonces, d.Jobs, d.Logger)
		e.GET("/auth/woocommerce", woo.Authorize, auth)
		e.POST("/auth/woocommerce/callback", woo.Callback)
	}

	portal := NewPortalHandlers(d.Store, d.Jobs, d.AppURL, d.Logger)
	portal.limits = signInLimits{limiter: d.Limiter, scope: "portal"}
	pg := e.Group("/portal", portal.Headers())
	pg.GET("", portal.Root)
	pg.GET("/", portal.ShowDashboard)
	pg.GET("/portal.css", portal.Stylesheet)
	pg.GET("/portal.js", portal.Script)
	pg.GET("/favicon.svg", portal.Favicon)
	pg.POST("/payout-details", portal.SavePayoutDetails)
	portal.onboarder = d.ConnectOnboarder
	pg.POST("/payout-details/stripe", portal.ConnectStripe)
	pg.GET("/payout-details/stripe/return", portal.ReturnFromStripe)
	pg.GET("/login", portal.ShowLogin)
	pg.POST("/login", portal.RequestLink)
	pg.GET("/auth", portal.ConfirmSignIn)
	pg.HEAD("/auth", portal.ConfirmSignIn) // link checkers: like GET, uses nothing up
	pg.POST("/auth", portal.SignIn)
	pg.POST("/logout", portal.SignOut)

	if d.Shopify != nil && d.Nonces != nil {
		shopifyAuth := newShopifyAuth(d.Store, d.Shopify, d.Nonces, d.Jobs, d.Logger)
		shopifyAuth.sessions, shopifyAuth.demoShops = d.Sessions, d.DemoShops
		shopifyAuth.state.secure = strings.HasPrefix(d.AppURL, "https://")
		e.GET("/auth/shopify", shopifyAuth.Install)
		e.GET("/auth/shopify/callback", shopifyAuth.Callback)
		e.POST("/auth/shopify/session", shopifyAuth.TokenExchange)
	}

	if d.Links != nil {
		e.GET("/r/:slug", d.Links.Redirect)
		e.HEAD("/r/:slug", d.Links.Redirect) // link checkers: answered, never counted
	}
	links := &linkHandlers{store: d.Store, appURL: strings.TrimRight(d.AppURL, "/"), redirects: d.Links}
	api.GET("/codes/:id/link", links.GetCodeLink)
	api.PUT("/codes/:id/link", links.UpdateCodeLink)
	api.GET("/links", links.ListCodeLinks)
	api.GET("/links/report", links.GetLinkReport)
	api.GET("/links/destinations", links.ListLinkDestinations)
	api.PUT("/links/destinations/:id", links.SetLinkDestination)
	experiments := &experimentHandlers{store: d.Store, appURL: strings.TrimRight(d.AppURL, "/"), redirects: d.Links}
	api.GET("/experiments", experiments.ListExperiments)
	api.POST("/experiments", experiments.CreateExperiment)
	api.GET("/experiments/:id", experiments.GetExperiment)
	api.GET("/experiments/:id/report", experiments.GetExperimentReport)
	api.POST("/experiments/:id/stop", experiments.StopExperiment)

	keys := &apiKeyHandlers{store: d.Store}
	api.GET("/api-keys", keys.ListAPIKeys)
	api.POST("/api-keys", keys.CreateAPIKey)
	api.DELETE("/api-keys/:id", keys.RevokeAPIKey)

	endpoints := &webhookEndpointHandlers{store: d.Store, allowLocal: d.WebhooksAllowLocal}
	api.GET("/webhook-endpoints", endpoints.ListWebhookEndpoints)
	api.POST("/webhook-endpoints", endpoints.CreateWebhookEndpoint)
	api.GET("/webhook-endpoints/:id", endpoints.GetWebhookEndpoint)
	api.PUT("/webhook-endpoints/:id", endpoints.UpdateWebhookEndpoint)
	api.DELETE("/webhook-endpoints/:id", endpoints.DeleteWebhookEndpoint)
	api.POST("/webhook-endpoints/:id/rotate-secret", endpoints.RotateWebhookSecret)
	api.POST("/webhook-endpoints/:id/test", endpoints.SendTestWebhook)
	api.GET("/webhook-endpoints/:id/deliveries", endpoints.ListWebhookDeliveries)
	api.POST("/webhook-endpoints/:id/deliveries/:delivery_id/redeliver", endpoints.RedeliverWebhook)
	api.GET("/webhook-event-types", endpoints.ListWebhookEventTypes)

	hooks := &webhookHandlers{store: d.Store, platforms: d.Platforms, jobs: d.Jobs, log: d.Logger, now: time.Now,
		verifier: &webhookVerifier{store: d.Store, appSecrets: d.AppSecrets, now: time.Now}}
	e.POST("/webhooks/:platform", hooks.ReceiveWebhook)
	e.POST("/webhooks/paypal", pp.ReceivePayPalWebhook)
}

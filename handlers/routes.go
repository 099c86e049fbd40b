// Package handlers is Codecredit's JSON API (v1) and health endpoints:
// thin Echo handlers that bind, validate, make one call into models and
// answer JSON. Errors are mapped to HTTP once, in errors.go.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"codecredit/frontend"
	"codecredit/models"
	"codecredit/platforms"
)

// JobQueue is the slice of the job client the API needs: hand a stored
// event, a code import or a code push to the workers. jobs.Client
// implements it.
type JobQueue interface {
	EnqueueEvent(ctx context.Context, eventID uint64) error
	EnqueueImport(ctx context.Context, connID uint64) error
	EnqueuePushCode(ctx context.Context, codeID uint64) error
}

// Deps is what the handlers need. Jobs may be nil: stored events are then
// left to the sweeper. Ready reports whether the app can serve (database,
// queue); nil means always ready. Logger nil means slog.Default().
type Deps struct {
	Store  *models.Store
	Jobs   JobQueue
	Ready  func(ctx context.Context) error
	Logger *slog.Logger
	// Platforms are the adapters receiving webhooks, by platform name.
	Platforms map[string]platforms.Platform
	// AppSecrets are app-wide webhook secrets by platform (Shopify's API
	// secret, Stripe's endpoint secret); a platform without one verifies
	// with each connection's own secret.
	AppSecrets map[string][]byte
	// Nonces keeps OAuth state; nil disables the install flows.
	Nonces NonceStore
	// Paddle connects Paddle accounts by API key; nil: no Paddle route.
	Paddle PaddleConnector
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

	health := &healthHandlers{ready: d.Ready, log: d.Logger}
	e.GET("/healthz", health.Healthz)
	e.GET("/readyz", health.Readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.Handler()))
	e.GET("/", echo.WrapHandler(http.FileServer(http.FS(frontend.Dist()))))

	api := e.Group("/api/v1", apiHeaders(), requireAPIKey(d.Store))

	aff := &affiliateHandlers{store: d.Store}
	api.GET("/affiliates", aff.ListAffiliates)
	api.POST("/affiliates", aff.CreateAffiliate)
	api.GET("/affiliates/:id", aff.GetAffiliate)
	api.PATCH("/affiliates/:id", aff.UpdateAffiliate)
	api.DELETE("/affiliates/:id", aff.DeleteAffiliate)
	api.GET("/affiliates/:id/commission", aff.GetAffiliateCommission)
	api.PUT("/affiliates/:id/commission", aff.SetAffiliateCommission)
	api.DELETE("/affiliates/:id/commission", aff.DeleteAffiliateCommission)

	codes := &codeHandlers{store: d.Store, jobs: d.Jobs, log: d.Logger}
	api.GET("/codes", codes.ListCodes)
	api.POST("/codes", codes.CreateCode)
	api.POST("/codes/generate", codes.GenerateCodes)
	api.POST("/codes/preview", codes.PreviewCodes)
	api.GET("/codes/:id", codes.GetCode)
	api.POST("/codes/:id/assign", codes.AssignCode)
	api.POST("/codes/:id/unassign", codes.UnassignCode)
	api.POST("/codes/:id/deactivate", codes.DeactivateCode)

	ledger := &ledgerHandlers{store: d.Store}
	api.GET("/conversions", ledger.ListConversions)
	api.GET("/balances", ledger.ListBalances)
	api.GET("/summary", ledger.GetSummary)
	api.GET("/payouts", ledger.ListPayouts)
	api.POST("/payouts", ledger.CreatePayout)
	api.GET("/payouts/export.csv", ledger.ExportPayouts)
	api.GET("/payouts/:id", ledger.GetPayout)

	settings := &settingsHandlers{store: d.Store}
	api.GET("/settings", settings.GetSettings)
	api.PUT("/settings", settings.UpdateSettings)

	ingest := &ingestHandlers{store: d.Store, jobs: d.Jobs, log: d.Logger}
	api.POST("/orders", ingest.CreateOrder)
	api.POST("/refunds", ingest.CreateRefund)

	conns := &connectionHandlers{store: d.Store, jobs: d.Jobs}
	api.GET("/connections", conns.ListConnections)
	api.POST("/connections/:id/import", conns.StartImport)
	if d.Paddle != nil {
		paddleConnect := NewPaddleConnect(d.Store, d.Paddle, d.Jobs, d.Logger)
		api.POST("/connections/paddle", paddleConnect.ConnectPaddle)
	}

	hooks := &webhookHandlers{store: d.Store, platforms: d.Platforms, appSecrets: d.AppSecrets,
		jobs: d.Jobs, log: d.Logger, now: time.Now}
	e.POST("/webhooks/:platform", hooks.ReceiveWebhook)
}

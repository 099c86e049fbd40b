package main

import (
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/platforms"
	"codecredit/platforms/api"
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
	handlers.Register(e, handlers.Deps{Store: a.store, Jobs: q, Ready: a.ready, Logger: a.log,
		Platforms: platformsFor(a), AppSecrets: appSecrets(a.cfg), Nonces: handlers.NewRedisNonces(a.redis),
		Paddle: a.paddle})
	return func() { q.Close() }, nil
}

// newWorker builds the job worker with every platform parser registered.
func newWorker(a *app) (worker, error) {
	w, err := jobs.NewWorker(a.store, a.redisURL, jobs.Options{
		Queue:           jobs.DefaultQueue,
		Concurrency:     a.cfg.WorkerConcurrency,
		Platforms:       platformsFor(a),
		Logger:          a.log,
		ShutdownTimeout: workerShutdownTimeout,
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// platformsFor lists the platform adapters by name.
func platformsFor(a *app) map[string]platforms.Platform {
	return map[string]platforms.Platform{
		platforms.API:    api.Platform{},
		platforms.Paddle: a.paddle,
	}
}

// appSecrets are the app-wide webhook secrets by platform.
func appSecrets(cfg Config) map[string][]byte {
	out := map[string][]byte{}
	if cfg.ShopifyAPISecret != "" {
		out[platforms.Shopify] = []byte(cfg.ShopifyAPISecret)
	}
	if cfg.StripeWebhookSecret != "" {
		out[platforms.Stripe] = []byte(cfg.StripeWebhookSecret)
	}
	return out
}

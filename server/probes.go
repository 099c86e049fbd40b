package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"codecredit/handlers"
	"codecredit/jobs"
)

// probeServer is the worker's own small listener on METRICS_PORT:
// /healthz, /readyz and /metrics (job durations and outcomes, attribution
// lag, queue depth), for a worker running as its own process.
type probeServer struct {
	e     *echo.Echo
	queue *jobs.Client
	log   *slog.Logger
}

// startProbes listens on METRICS_PORT and serves in the background; a
// failure to serve is sent on errc.
func startProbes(a *app, errc chan<- error) (*probeServer, error) {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(a.cfg.MetricsPort))
	if err != nil {
		return nil, fmt.Errorf("METRICS_PORT %d: %w", a.cfg.MetricsPort, err)
	}
	q, err := jobs.NewClient(a.redisURL, jobs.DefaultQueue)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	_ = prometheus.Register(jobs.NewQueueCollector(q)) // once per process
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Listener = ln
	e.Server.ReadHeaderTimeout = 10 * time.Second
	handlers.RegisterProbes(e, a.ready, a.log, a.cfg.MetricsToken)
	go func() {
		if err := e.Start(""); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	a.log.Info("worker metrics listening", "addr", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	return &probeServer{e: e, queue: q, log: a.log}, nil
}

// shutdown stops the listener; a nil probeServer does nothing.
func (p *probeServer) shutdown() {
	if p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.e.Shutdown(ctx); err != nil {
		p.log.Error("metrics listener shutdown", "error", err)
	}
	p.queue.Close()
}

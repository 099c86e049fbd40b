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
)

// Processes the server binary can run.
const (
	modeAll    = "all"
	modeWeb    = "web"
	modeWorker = "worker"
)

// Shutdown budgets: in-flight requests get httpShutdownTimeout, then the
// worker gets workerShutdownTimeout to finish its current jobs; together
// they fit in the 30 s a platform usually allows after SIGTERM.
const (
	httpShutdownTimeout   = 10 * time.Second
	workerShutdownTimeout = 18 * time.Second
)

// worker runs background jobs until Shutdown, which lets the current job
// finish.
type worker interface {
	Start() error
	Shutdown()
}

// serve runs the web server, the worker or both until ctx ends (SIGINT or
// SIGTERM), then stops HTTP first, the worker second, and closes Redis and
// the database last.
func serve(ctx context.Context, mode string, cfg Config, log *slog.Logger) (err error) {
	if mode != modeAll && cfg.RedisURL == "" {
		return fmt.Errorf("server %s needs REDIS_URL: the embedded Redis lives inside one process, "+
			"so web and worker share it only when they run together (`server` or `server all`)", mode)
	}
	a, err := openApp(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.adapters, err = newAdapters(cfg, log, mode == modeAll); err != nil {
		return err
	}
	errc := make(chan error, 1)
	var web *webServer
	if mode != modeWorker {
		if err := a.ensureDemoAccount(ctx); err != nil {
			return err
		}
		if err := a.ensureDemoPayPal(ctx); err != nil { // sandboxes.go
			return err
		}
		if web, err = startWeb(a, errc); err != nil {
			return err
		}
	}
	var w worker
	if mode != modeWeb {
		if w, err = startWorker(a); err != nil {
			web.shutdown()
			return err
		}
	}
	var probes *probeServer
	if mode == modeWorker && cfg.MetricsPort > 0 {
		if probes, err = startProbes(a, errc); err != nil {
			w.Shutdown()
			return err
		}
	}
	log.Info("started", "process", mode)
	select {
	case <-ctx.Done():
		log.Info("shutting down", "reason", "signal")
	case err = <-errc:
		log.Error("shutting down", "reason", "http server failed", "error", err)
	}
	web.shutdown()
	if w != nil {
		w.Shutdown()
	}
	probes.shutdown()
	log.Info("stopped", "process", mode)
	return err
}

// startWorker builds the job worker and starts it.
func startWorker(a *app) (worker, error) {
	w, err := newWorker(a)
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	return w, nil
}

// webServer is the running HTTP side.
type webServer struct {
	e          *echo.Echo
	closeQueue func()
	log        *slog.Logger
}

// startWeb listens on PORT, registers every route and serves in the
// background; a failure to serve is sent on errc.
func startWeb(a *app, errc chan<- error) (*webServer, error) {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(a.cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("PORT %d: %w", a.cfg.Port, err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Listener = ln
	e.StdLogger = slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.IdleTimeout = 2 * time.Minute
	closeQueue, err := registerRoutes(e, a)
	if err != nil {
		ln.Close()
		return nil, err
	}
	// Logged before serving, so the line is out before the first answer.
	a.log.Info("listening", "url", a.cfg.AppURL, "addr", ln.Addr().String(), "admin_url", a.cfg.AppURL+"/admin/")
	go func() {
		if err := e.Start(""); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return &webServer{e: e, closeQueue: closeQueue, log: a.log}, nil
}

// shutdown stops accepting requests and waits for those in flight, then
// closes the queue client. A nil webServer does nothing.
func (w *webServer) shutdown() {
	if w == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), httpShutdownTimeout)
	defer cancel()
	if err := w.e.Shutdown(ctx); err != nil {
		w.log.Error("http shutdown", "error", err)
	}
	w.closeQueue()
	w.log.Info("http server stopped")
}

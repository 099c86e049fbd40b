package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthHandlers answer the platform's liveness and readiness probes.
type healthHandlers struct {
	ready func(ctx context.Context) error
	log   *slog.Logger
}

// Healthz says the process is up.
func (h *healthHandlers) Healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// Readyz says whether the app can serve: 503 with the reason when not.
func (h *healthHandlers) Readyz(c echo.Context) error {
	if h.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		if err := h.ready(ctx); err != nil {
			// The reason is logged, not shown: it may name hosts and users.
			h.log.Warn("not ready", "error", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable",
				"error": "a backing service (database or Redis) is not reachable; see the server log"})
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

package handlers

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	webhooksReceived = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "codecredit_webhooks_received_total",
		Help: "Webhook deliveries verified and stored (duplicates included), by platform.",
	}, []string{"platform", "duplicate"})
	webhooksRejected = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "codecredit_webhooks_rejected_total",
		Help: "Webhook deliveries refused, by platform and HTTP status.",
	}, []string{"platform", "status"})
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "codecredit_http_request_duration_seconds",
		Help:    "HTTP request latency by route, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "method", "status"})
)

// observeHTTP records each request's latency under its route pattern (not
// the raw path, so ids do not explode the label set) and the status the
// client received: an error is answered here, through the error handler,
// so a domain error (a model's not found) counts as the 404 it becomes.
func observeHTTP() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := strconv.Itoa(c.Response().Status)
			httpDuration.WithLabelValues(route, c.Request().Method, status).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// metricsAuth closes /metrics with a bearer token when token is set
// (METRICS_TOKEN): anything but "Authorization: Bearer <token>" is a 401.
// The comparison is of digests, in constant time.
func metricsAuth(token string) echo.MiddlewareFunc {
	want := sha256.Sum256([]byte(token))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if token == "" {
				return next(c)
			}
			got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				return echo.NewHTTPError(http.StatusUnauthorized, "/metrics needs the header Authorization: Bearer <METRICS_TOKEN>")
			}
			return next(c)
		}
	}
}

// countWebhook records a delivery's outcome.
func countWebhook(platform string, err error, duplicate bool) {
	if err == nil {
		webhooksReceived.WithLabelValues(platform, strconv.FormatBool(duplicate)).Inc()
		return
	}
	status, _ := describe(err)
	webhooksRejected.WithLabelValues(platform, strconv.Itoa(status)).Inc()
}

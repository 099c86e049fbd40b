package handlers

import (
	"errors"
	"strconv"
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
// the raw path, so ids do not explode the label set).
func observeHTTP() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			var he *echo.HTTPError
			if errors.As(err, &he) {
				status = he.Code
			} else if err != nil {
				status = 500
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			httpDuration.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// countWebhook records a delivery's outcome.
func countWebhook(platform string, err error, duplicate bool) {
	if err == nil {
		webhooksReceived.WithLabelValues(platform, strconv.FormatBool(duplicate)).Inc()
		return
	}
	status := 500
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	webhooksRejected.WithLabelValues(platform, strconv.Itoa(status)).Inc()
}

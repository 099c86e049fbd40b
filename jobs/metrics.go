package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	jobDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "codecredit_job_duration_seconds",
		Help:    "Job run time by task type and outcome (ok, error).",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"type", "outcome"})
	attributionLag = promauto.NewHistogram(prometheus.HistogramOpts{
		Name:    "codecredit_attribution_lag_seconds",
		Help:    "Time from a webhook's arrival to its effects being booked.",
		Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
	})
)

// instrument records every job's run time and outcome.
func instrument(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := next.ProcessTask(ctx, t)
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		jobDuration.WithLabelValues(t.Type(), outcome).Observe(time.Since(start).Seconds())
		return err
	})
}

// QueueCollector exports the queue's depth by state at scrape time.
type QueueCollector struct {
	client *Client
	depth  *prometheus.Desc
}

// NewQueueCollector reads the queue through client; register it once.
func NewQueueCollector(client *Client) *QueueCollector {
	return &QueueCollector{client: client, depth: prometheus.NewDesc("codecredit_queue_tasks",
		"Tasks in the job queue by state (dead = archived after failing for good).", []string{"queue", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (q *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- q.depth }

// Collect implements prometheus.Collector.
func (q *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := q.client.Stats(ctx)
	if err != nil {
		return
	}
	for state, n := range map[string]int{"pending": st.Pending, "active": st.Active, "scheduled": st.Scheduled,
		"retry": st.Retry, "dead": st.Archived} {
		ch <- prometheus.MustNewConstMetric(q.depth, prometheus.GaugeValue, float64(n), st.Queue, state)
	}
}

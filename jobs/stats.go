package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
)

// Stats are the counts of one queue, for /metrics, /readyz and the admin.
type Stats struct {
	Queue     string        `json:"queue"`
	Pending   int           `json:"pending"`
	Active    int           `json:"active"`
	Scheduled int           `json:"scheduled"`
	Retry     int           `json:"retry"`
	Archived  int           `json:"archived"`  // the dead letters
	Processed int           `json:"processed"` // tasks run since the queue exists, failures included
	Failed    int           `json:"failed"`    // failed runs since the queue exists
	Latency   time.Duration `json:"latency"`   // age of the oldest pending task (nanoseconds in JSON)
}

// DeadLetter is a task that failed for good (a malformed payload, an
// unknown platform, or retries exhausted) and waits for an operator.
type DeadLetter struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	EventID   uint64          `json:"event_id,omitempty"` // for event tasks
	LastError string          `json:"last_error"`
	FailedAt  time.Time       `json:"failed_at"`
	Retried   int             `json:"retried"`
}

// Stats returns the counts of the client's queue; a queue that never held
// a task has all counts zero.
func (c *Client) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Queue: c.queue}
	if ok, err := c.queueExists(); err != nil || !ok {
		return st, err
	}
	info, err := c.inspector.GetQueueInfo(c.queue)
	if err != nil {
		return st, fmt.Errorf("jobs: queue stats: %w", err)
	}
	st.Pending, st.Active, st.Scheduled = info.Pending, info.Active, info.Scheduled
	st.Retry, st.Archived = info.Retry, info.Archived
	st.Processed, st.Failed = info.ProcessedTotal, info.FailedTotal
	st.Latency = info.Latency
	return st, nil
}

// queueExists reports whether anything was ever enqueued on the queue.
func (c *Client) queueExists() (bool, error) {
	queues, err := c.inspector.Queues()
	if err != nil {
		return false, fmt.Errorf("jobs: list queues: %w", err)
	}
	return slices.Contains(queues, c.queue), nil
}

// DeadLetters lists up to limit archived tasks (100 when limit <= 0).
func (c *Client) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	if limit <= 0 {
		limit = 100
	}
	tasks, err := c.inspector.ListArchivedTasks(c.queue, asynq.PageSize(limit))
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return []DeadLetter{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: list dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, deadLetter(t))
	}
	return out, nil
}

// deadLetter describes an archived task.
func deadLetter(t *asynq.TaskInfo) DeadLetter {
	d := DeadLetter{ID: t.ID, Type: t.Type, LastError: t.LastErr, FailedAt: t.LastFailedAt, Retried: t.Retried}
	if json.Valid(t.Payload) {
		d.Payload = json.RawMessage(t.Payload)
	}
	if t.Type == TypeProcessEvent {
		var p eventPayload
		if json.Unmarshal(t.Payload, &p) == nil {
			d.EventID = p.EventID
		}
	}
	return d
}

// RetryDeadLetter puts an archived task back in the queue, e.g. after the
// cause was fixed. An unknown id, or a task that is not a dead letter,
// returns an error wrapping models.ErrNotFound.
func (c *Client) RetryDeadLetter(ctx context.Context, id string) error {
	info, err := c.inspector.GetTaskInfo(c.queue, id)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) ||
		(err == nil && info.State != asynq.TaskStateArchived) {
		return fmt.Errorf("jobs: dead letter %q: %w", id, models.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("jobs: dead letter %q: %w", id, err)
	}
	if err := c.inspector.RunTask(c.queue, id); err != nil {
		return fmt.Errorf("jobs: retry dead letter %q: %w", id, err)
	}
	return nil
}

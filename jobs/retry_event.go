package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
)

// RetryEvent queues a failed event's processing again at a merchant's
// request: its dead letter, if asynq still keeps one, is dropped and a
// fresh task with the full retry budget takes its place. A task of the
// event still queued or running is left to run.
func (c *Client) RetryEvent(ctx context.Context, eventID uint64) error {
	id := eventTaskID(eventID)
	info, err := c.inspector.GetTaskInfo(c.queue, id)
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
	case err != nil:
		return fmt.Errorf("jobs: retry event %d: %w", eventID, err)
	case info.State == asynq.TaskStateArchived || info.State == asynq.TaskStateCompleted:
		if err := c.inspector.DeleteTask(c.queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
			return fmt.Errorf("jobs: retry event %d: %w", eventID, err)
		}
	}
	return c.enqueueEvent(ctx, eventID, id)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"codecredit/jobs"
)

// jobsCommand shows the queue (counts and dead letters) or retries a dead
// letter: `server jobs` and `server jobs retry TASK_ID`.
func jobsCommand(ctx context.Context, args []string, cfg Config, log *slog.Logger, out io.Writer) error {
	if cfg.RedisURL == "" {
		return errors.New("jobs: REDIS_URL is not set; the embedded Redis lives inside the running server and cannot be inspected from another process")
	}
	c, err := jobs.NewClient(cfg.RedisURL, jobs.DefaultQueue)
	if err != nil {
		return err
	}
	defer c.Close()
	switch {
	case len(args) == 2 && args[0] == "retry":
		if err := c.RetryDeadLetter(ctx, args[1]); err != nil {
			return err
		}
		log.Info("dead letter queued again", "task_id", args[1])
		_, err = fmt.Fprintf(out, "retrying %s\n", args[1])
		return err
	case len(args) != 0:
		return fmt.Errorf("jobs: usage: server jobs [retry TASK_ID], got %q", args)
	}
	st, err := c.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "queue=%s pending=%d active=%d scheduled=%d retry=%d dead=%d processed=%d failed=%d latency=%s\n",
		st.Queue, st.Pending, st.Active, st.Scheduled, st.Retry, st.Archived, st.Processed, st.Failed, st.Latency)
	dead, err := c.DeadLetters(ctx, 100)
	if err != nil || len(dead) == 0 {
		return err
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK_ID\tTYPE\tEVENT_ID\tFAILED_AT\tERROR")
	for _, d := range dead {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", d.ID, d.Type, d.EventID, d.FailedAt.Format("2006-01-02 15:04:05"), d.LastError)
	}
	return tw.Flush()
}

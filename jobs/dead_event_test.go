package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// An order whose job runs out of retries is marked failed for good, with
// its error and the platform's order id, and the sweeper leaves it alone.
func TestEventOutOfRetriesIsMarkedFailed(t *testing.T) {
	sh := newShop(t, testdb.Postgres(t), 1)
	url, queue := redisQueue(t)
	startWorker(t, sh.store, url, jobs.Options{Queue: queue,
		Platforms: map[string]platforms.Platform{platforms.API: api.Platform{}, "fake": &fakeStore{}}})
	ctx := context.Background()
	body, _ := json.Marshal(platforms.Event{Kind: platforms.KindOrderPaid, Order: &platforms.Order{ExternalID: "1001",
		Codes: []string{"X"}, Currency: "USD", Subtotal: 1000, PlacedAt: time.Now()}})
	// Its connection is gone: booking fails with an error worth retrying.
	ev, _, err := sh.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID, ConnectionID: 999999,
		Platform: "fake", Topic: platforms.KindOrderPaid, ExternalEventID: "evt-1001", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	// The last retry: a task allowed none.
	opt, _ := asynq.ParseRedisURI(url)
	c := asynq.NewClient(opt)
	defer c.Close()
	payload, _ := json.Marshal(map[string]uint64{"event_id": ev.ID})
	if _, err := c.Enqueue(asynq.NewTask(jobs.TypeProcessEvent, payload), asynq.Queue(queue), asynq.MaxRetry(0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "event dead", func() (bool, string) {
		got, _ := sh.store.GetWebhookEvent(ctx, ev.ID)
		return got.DeadAt != nil, fmt.Sprintf("dead_at %v, last_error %q", got.DeadAt, got.LastError)
	})
	got, _ := sh.store.GetWebhookEvent(ctx, ev.ID)
	if got.OrderRef != "1001" || !strings.Contains(got.LastError, "not found") || got.ProcessedAt != nil {
		t.Fatalf("dead event: order %q, error %q, processed %v", got.OrderRef, got.LastError, got.ProcessedAt)
	}
	if left, _ := sh.store.UnprocessedEvents(ctx, time.Now().Add(time.Hour), 10); len(left) != 0 {
		t.Fatalf("the sweeper would queue the dead event again: %+v", left)
	}
}

package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// A delivery that failed for good is booked when the merchant retries it
// after fixing the cause, although asynq still keeps its dead letter under
// the event's task id.
func TestRetryEventRunsADeadLetterAgain(t *testing.T) {
	sh := newShop(t, testdb.Postgres(t), 1)
	url, queue := redisQueue(t)
	startWorker(t, sh.store, url, jobs.Options{Queue: queue,
		Platforms: map[string]platforms.Platform{"fake": &fakeStore{}}})
	ctx := context.Background()
	body, _ := json.Marshal(platforms.Event{Kind: platforms.KindOrderPaid, Order: &platforms.Order{ExternalID: "1001",
		Codes: []string{"X"}, Currency: "USD", Subtotal: 1000, PlacedAt: time.Now()}})
	// Its connection is missing: booking fails until it is back.
	const connID = 999999
	ev, _, err := sh.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID, ConnectionID: connID,
		Platform: "fake", Topic: platforms.KindOrderPaid, ExternalEventID: "evt-retry", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := asynq.ParseRedisURI(url)
	c := asynq.NewClient(opt)
	defer c.Close()
	payload, _ := json.Marshal(map[string]uint64{"event_id": ev.ID})
	_, err = c.Enqueue(asynq.NewTask(jobs.TypeProcessEvent, payload), asynq.Queue(queue), asynq.MaxRetry(0),
		asynq.TaskID(fmt.Sprintf("event:%d", ev.ID)))
	if err != nil {
		t.Fatal(err)
	}
	status := func() (models.EventStatus, string) {
		got, _ := sh.store.GetAccountEvent(ctx, sh.account.ID, ev.ID)
		return got.Status, fmt.Sprintf("status %s, attempts %d, error %q", got.Status, got.Attempts, got.LastError)
	}
	waitFor(t, "the event to fail for good", func() (bool, string) { st, s := status(); return st == models.EventFailed, s })

	conn := models.Connection{ID: connID, AccountID: sh.account.ID, Platform: "fake", ExternalID: "fake-store",
		Status: models.ConnectionActive, Currency: "USD", InstalledAt: time.Now()}
	if err := sh.store.DB().Create(&conn).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := sh.store.ReviveEvent(ctx, sh.account.ID, ev.ID); err != nil {
		t.Fatal(err)
	}
	if err := newClient(t, url, queue).RetryEvent(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retried event to be booked", func() (bool, string) { st, s := status(); return st == models.EventProcessed, s })
}

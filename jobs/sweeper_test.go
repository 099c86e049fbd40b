package jobs_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

func TestSweeperProcessesEventsNeverQueued(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)

	// Stored three minutes ago, then the process died before enqueueing.
	body, err := json.Marshal(order("lost-1", sh.codes[0], 4321))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID,
		ConnectionID: sh.conn.ID, Platform: platforms.API, Topic: api.TopicOrderPaid,
		ExternalEventID: "evt-lost-1", Body: body, ReceivedAt: time.Now().UTC().Add(-3 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}

	startWorker(t, s, url, jobs.Options{Queue: queue, SweepEvery: 200 * time.Millisecond})
	waitProcessed(t, s, 1)
	if got := ledgerByAffiliate(t, s)[sh.affiliates[0]]; got != 432 {
		t.Errorf("ledger = %d, want 432 (10%% of 4321, half-even)", got)
	}
	if got := count(t, s, &models.Conversion{}, "external_order_id = ?", "lost-1"); got != 1 {
		t.Errorf("conversions of the lost order = %d, want 1", got)
	}
}

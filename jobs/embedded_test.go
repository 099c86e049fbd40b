package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// The newcomer mode (SQLite and the in-process Redis) runs the same queue
// code: orders booked, a lost enqueue swept, a bad event dead-lettered.
func TestEmbeddedSQLiteAndMiniredis(t *testing.T) {
	ctx := context.Background()
	mini := miniredis.NewMiniRedis()
	mini.ClockTTL(true) // as the server runs it: asynq's locks expire
	if err := mini.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mini.Close)
	url := "redis://" + mini.Addr() + "/0"
	s := testdb.SQLite(t)
	sh := newShop(t, s, 2)

	body, _ := json.Marshal(order("lost", sh.codes[1], 999))
	_, _, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID,
		ConnectionID: sh.conn.ID, Platform: platforms.API, Topic: api.TopicOrderPaid,
		ExternalEventID: "evt-lost", Body: body, ReceivedAt: time.Now().UTC().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	client := newClient(t, url, "")
	startWorker(t, s, url, jobs.Options{SweepEvery: 200 * time.Millisecond})
	for i := range 10 {
		ev := sh.storeOrder(t, order(fmt.Sprintf("o%d", i), sh.codes[0], 1000))
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
	}
	bad := sh.storeEvent(t, "evt-bad", api.TopicOrderPaid, []byte(`[]`))
	if err := client.EnqueueEvent(ctx, bad.ID); err != nil {
		t.Fatal(err)
	}
	waitProcessed(t, s, 11)
	waitFor(t, "a dead letter", func() (bool, string) {
		st, err := client.Stats(ctx)
		return err == nil && st.Archived == 1, fmt.Sprintf("%+v %v", st, err)
	})
	want := map[uint64]int64{sh.affiliates[0]: 10 * 100, sh.affiliates[1]: 100} // 99.9 → 100
	assertBooked(t, s, 11, want)
	if client.Queue() != jobs.DefaultQueue {
		t.Errorf("queue = %q, want the default %q", client.Queue(), jobs.DefaultQueue)
	}
}

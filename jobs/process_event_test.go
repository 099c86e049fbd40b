package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

func TestWorkerBooksEachOrderOnce(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 2)
	client := newClient(t, url, queue)
	startWorker(t, s, url, jobs.Options{Queue: queue})

	const n = 30
	want := map[uint64]int64{}
	var events []*models.WebhookEvent
	for i := range n {
		// Subtotals ending in 5 make 10% end in .5: half-even rounding.
		subtotal := int64(1005 + 10*i)
		code := sh.codes[i%2]
		if i%3 == 0 {
			code = strings.ToLower(code) // codes match case-insensitively
		}
		ev := sh.storeOrder(t, order(fmt.Sprintf("order-%d", i), code, subtotal))
		events = append(events, ev)
		want[sh.affiliates[i%2]] += tenPercent(subtotal)
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
	}
	waitProcessed(t, s, n)
	assertBooked(t, s, n, want)
	// The drain marks a delivery processed before its task has heard the
	// verdict; the redeliveries below come once those tasks are gone (a
	// redelivery while its task is still queued joins that task instead).
	waitQueueIdle(t, client, n)

	// The platform delivers an event again (same event id: stored once,
	// queued again), and sends the same order under a new event id.
	dup, created, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: sh.account.ID,
		ConnectionID: sh.conn.ID, Platform: platforms.API, Topic: api.TopicOrderPaid,
		ExternalEventID: events[0].ExternalEventID, Body: events[0].Body})
	if err != nil || created || dup.ID != events[0].ID {
		t.Fatalf("redelivery stored as new: created=%v id=%d err=%v", created, dup.ID, err)
	}
	again := sh.storeEvent(t, "evt-again", api.TopicOrderPaid, events[1].Body)
	for _, id := range []uint64{dup.ID, again.ID} {
		if err := client.EnqueueEvent(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	waitQueueIdle(t, client, n+2)
	waitProcessed(t, s, n+1)
	assertBooked(t, s, n, want)
}

// assertBooked checks conversions, accruals and the ledger per affiliate.
func assertBooked(t *testing.T, s *models.Store, conversions int64, want map[uint64]int64) {
	t.Helper()
	if got := count(t, s, &models.Conversion{}, "1 = 1"); got != conversions {
		t.Errorf("conversions = %d, want %d", got, conversions)
	}
	if got := count(t, s, &models.LedgerEntry{}, "kind = ?", models.EntryAccrual); got != conversions {
		t.Errorf("accruals = %d, want %d", got, conversions)
	}
	got := ledgerByAffiliate(t, s)
	for aff, sum := range want {
		if got[aff] != sum {
			t.Errorf("affiliate %d: ledger = %d, want %d", aff, got[aff], sum)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ledger affiliates = %v, want %v", got, want)
	}
}

// waitQueueIdle waits until the queue has run at least processed tasks
// and holds nothing pending or running.
func waitQueueIdle(t *testing.T, c *jobs.Client, processed int) {
	t.Helper()
	waitFor(t, "queue idle", func() (bool, string) {
		st, err := c.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		idle := st.Processed >= processed && st.Pending == 0 && st.Active == 0 && st.Retry == 0
		return idle, fmt.Sprintf("%+v", st)
	})
}

func TestBadEventsEndAsDeadLetters(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)
	client := newClient(t, url, queue)
	// SweepAge 1ns: every sweep considers every unprocessed event.
	w := startWorker(t, s, url, jobs.Options{Queue: queue, SweepAge: 1})

	malformed := sh.storeEvent(t, "evt-bad", api.TopicOrderPaid, []byte(`{"id": "o-bad", "codes": [`))
	unknown := sh.storeEvent(t, "evt-nope", api.TopicOrderPaid, []byte(`{}`))
	if err := s.DB().Model(unknown).Update("platform", "nope").Error; err != nil {
		t.Fatal(err)
	}
	ids := []uint64{malformed.ID, unknown.ID}
	for i := range 5 {
		ids = append(ids, sh.storeOrder(t, order(fmt.Sprintf("good-%d", i), sh.codes[0], 2000)).ID)
	}
	for _, id := range ids {
		if err := client.EnqueueEvent(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	var dead jobs.DeadLetter
	if !t.Run("a malformed event and one of an unknown platform end as dead letters saying why, the good orders are booked", func(t *testing.T) {
		waitProcessed(t, s, 5)
		waitFor(t, "two dead letters", func() (bool, string) {
			st, err := client.Stats(ctx)
			return err == nil && st.Archived == 2, fmt.Sprintf("%+v %v", st, err)
		})

		dead = deadLetterFor(t, client, malformed.ID)
		if dead.Type != jobs.TypeProcessEvent || !strings.Contains(dead.LastError, "malformed") || dead.FailedAt.IsZero() {
			t.Errorf("dead letter of the malformed event: %+v", dead)
		}
		if d := deadLetterFor(t, client, unknown.ID); !strings.Contains(d.LastError, `"nope"`) {
			t.Errorf("dead letter of the unknown platform: %+v", d)
		}
		row, err := s.GetWebhookEvent(ctx, malformed.ID)
		if err != nil || row.ProcessedAt != nil || !strings.Contains(row.LastError, "malformed") {
			t.Fatalf("malformed event row: %+v, %v", row, err)
		}
		if got := count(t, s, &models.Conversion{}, "1 = 1"); got != 5 {
			t.Errorf("conversions = %d, want the 5 good orders", got)
		}
	}) {
		return
	}

	// A sweep leaves dead letters alone instead of failing them again.
	if !t.Run("a sweep leaves dead letters alone", func(t *testing.T) {
		if n, err := w.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep queued %d (err %v), want 0: dead letters wait for an operator", n, err)
		}
		if st, _ := client.Stats(ctx); st.Archived != 2 {
			t.Errorf("after a sweep: %+v, want 2 archived", st)
		}
	}) {
		return
	}

	// The operator fixes the stored body and retries the dead letter.
	t.Run("a dead letter retried after its body is fixed is booked, and only once", func(t *testing.T) {
		fixed := []byte(`{"id":"o-bad","codes":["partner0"],"currency":"USD","subtotal":3000,"total":3000,"placed_at":"2026-01-02T03:04:05Z"}`)
		if err := s.DB().Model(malformed).Update("body", fixed).Error; err != nil {
			t.Fatal(err)
		}
		if err := client.RetryDeadLetter(ctx, dead.ID); err != nil {
			t.Fatal(err)
		}
		waitProcessed(t, s, 6)
		if got := ledgerByAffiliate(t, s)[sh.affiliates[0]]; got != 5*200+300 {
			t.Errorf("ledger after the retried dead letter = %d, want %d", got, 5*200+300)
		}
		if err := client.RetryDeadLetter(ctx, dead.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("retrying a dead letter twice: %v, want ErrNotFound", err)
		}
		if letters, _ := client.DeadLetters(ctx, 10); len(letters) != 1 {
			t.Errorf("dead letters after the retry: %+v, want only the unknown platform", letters)
		}
	})
}

// deadLetterFor finds the dead letter of a stored event.
func deadLetterFor(t *testing.T, c *jobs.Client, eventID uint64) jobs.DeadLetter {
	t.Helper()
	letters, err := c.DeadLetters(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range letters {
		if d.EventID == eventID {
			return d
		}
	}
	t.Fatalf("no dead letter for event %d in %+v", eventID, letters)
	return jobs.DeadLetter{}
}

package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

func TestApproveMatured(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)
	client := newClient(t, url, queue)

	old := order("old", sh.codes[0], 10000)
	old.PlacedAt = time.Now().UTC().AddDate(0, 0, -40) // past the 30-day hold
	recent := order("recent", sh.codes[0], 10000)
	w := startWorker(t, s, url, jobs.Options{Queue: queue})
	for _, o := range []*models.WebhookEvent{sh.storeOrder(t, old), sh.storeOrder(t, recent)} {
		if err := client.EnqueueEvent(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	waitProcessed(t, s, 2)

	// On demand (an admin's button).
	if err := client.EnqueueApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	waitConversionStatus(t, s, "old", models.ConversionApproved)
	if got := count(t, s, &models.LedgerEntry{}, "status = ?", models.EntryApproved); got != 1 {
		t.Errorf("approved entries = %d, want only the old order's accrual", got)
	}
	if got := count(t, s, &models.Conversion{}, "external_order_id = ? AND status = ?", "recent", models.ConversionPending); got != 1 {
		t.Errorf("the recent order is not pending any more")
	}
	w.Shutdown()

	// Periodically, without being asked.
	older := order("older", sh.codes[0], 5000)
	older.PlacedAt = time.Now().UTC().AddDate(0, 0, -60)
	startWorker(t, s, url, jobs.Options{Queue: queue, ApproveEvery: 200 * time.Millisecond})
	if err := client.EnqueueEvent(ctx, sh.storeOrder(t, older).ID); err != nil {
		t.Fatal(err)
	}
	waitConversionStatus(t, s, "older", models.ConversionApproved)
}

// waitConversionStatus waits until an order's conversion has status.
func waitConversionStatus(t *testing.T, s *models.Store, orderID, status string) {
	t.Helper()
	waitFor(t, "conversion "+orderID+" "+status, func() (bool, string) {
		var c models.Conversion
		err := s.DB().Where("external_order_id = ?", orderID).Take(&c).Error
		return err == nil && string(c.Status) == status, string(c.Status)
	})
}

// TestApprovalAtHoldEnd: booking an order queues its approval for the
// moment its hold ends, so it becomes payable then and not at the next
// periodic run (here 10 minutes away).
func TestApprovalAtHoldEnd(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)
	client := newClient(t, url, queue)
	startWorker(t, s, url, jobs.Options{Queue: queue, ApproveEvery: 10 * time.Minute})

	soon := order("soon", sh.codes[0], 10000)
	soon.PlacedAt = time.Now().UTC().AddDate(0, 0, -30).Add(2 * time.Second) // hold ends in 2 s
	later := order("later", sh.codes[0], 10000)                              // hold ends in 30 days
	for _, o := range []*models.WebhookEvent{sh.storeOrder(t, soon), sh.storeOrder(t, later)} {
		if err := client.EnqueueEvent(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	waitProcessed(t, s, 2)
	var conv models.Conversion
	if err := s.DB().Where("external_order_id = ?", "later").Take(&conv).Error; err != nil {
		t.Fatal(err)
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	info, err := insp.GetTaskInfo(queue, jobs.ApproveTaskID(conv.ApproveAt))
	if err != nil {
		t.Fatalf("no approval queued for the later order's hold end %s: %v", conv.ApproveAt, err)
	}
	if info.State != asynq.TaskStateScheduled || info.NextProcessAt.Before(conv.ApproveAt) ||
		info.NextProcessAt.After(conv.ApproveAt.Add(time.Second)) {
		t.Fatalf("approval %s at %s, want scheduled at %s", info.State, info.NextProcessAt, conv.ApproveAt)
	}
	waitConversionStatus(t, s, "soon", models.ConversionApproved)
	if got := count(t, s, &models.Conversion{}, "external_order_id = ? AND status = ?", "later", models.ConversionPending); got != 1 {
		t.Errorf("the later order was approved before its hold ended")
	}
}

// TestApprovalRunQueuesTheNext: an order booked outside the queue (as the
// WooCommerce reconciliation does) has its approval queued by the next
// approval run, for the moment its hold ends.
func TestApprovalRunQueuesTheNext(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)
	client := newClient(t, url, queue)
	conv, err := s.AttributeOrder(ctx, sh.conn.ID, order("direct", sh.codes[0], 10000))
	if err != nil {
		t.Fatal(err)
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	if _, err := insp.GetTaskInfo(queue, jobs.ApproveTaskID(conv.ApproveAt)); err == nil {
		t.Fatal("an approval was queued before any run")
	}
	startWorker(t, s, url, jobs.Options{Queue: queue, ApproveEvery: 10 * time.Minute})
	if err := client.EnqueueApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the next approval queued", func() (bool, string) {
		info, err := insp.GetTaskInfo(queue, jobs.ApproveTaskID(conv.ApproveAt))
		if err != nil {
			return false, err.Error()
		}
		return info.State == asynq.TaskStateScheduled && !info.NextProcessAt.Before(conv.ApproveAt), info.State.String()
	})
}

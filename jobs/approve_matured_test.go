package jobs_test

import (
	"context"
	"testing"
	"time"

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
		return err == nil && c.Status == status, c.Status
	})
}

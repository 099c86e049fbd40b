package jobs_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
	"codecredit/platforms/stripe"
)

// The worker books a Stripe refund that succeeded and gives the commission
// back when the same refund is then canceled; the reversal stays in the
// ledger next to its own restoring entry. Bodies:
// platforms/stripe/testdata/refund_updated_succeeded.json and
// charge_refund_updated_canceled.json (the refund of Stripe's OpenAPI
// fixtures, see that README).
func TestWorkerUndoesACanceledStripeRefund(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 1)
	client := newClient(t, url, queue)
	startWorker(t, s, url, jobs.Options{Queue: queue, Platforms: map[string]platforms.Platform{
		platforms.API: api.Platform{}, platforms.Stripe: stripe.New(stripe.Config{})}})

	enqueue := func(ev *models.WebhookEvent) {
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
	}
	enqueue(sh.storeOrder(t, order("pi_sbx01", sh.codes[0], 8500)))
	waitProcessed(t, s, 1)
	stripeEvent := func(file, topic string) {
		body, err := os.ReadFile("../platforms/stripe/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		ev := sh.storeEvent(t, file, topic, body)
		if err := s.DB().Model(ev).Update("platform", platforms.Stripe).Error; err != nil {
			t.Fatal(err)
		}
		enqueue(ev)
	}
	stripeEvent("refund_updated_succeeded.json", "refund.updated")
	waitProcessed(t, s, 2)
	if got := ledgerByAffiliate(t, s)[sh.affiliates[0]]; got != 850-400 {
		t.Fatalf("after the refund of 40.00: ledger %d, want 450", got)
	}
	stripeEvent("charge_refund_updated_canceled.json", "charge.refund.updated")
	waitProcessed(t, s, 3)
	if got := ledgerByAffiliate(t, s)[sh.affiliates[0]]; got != 850 {
		t.Fatalf("after the refund was canceled: ledger %d, want 850", got)
	}
	if n := count(t, s, &models.LedgerEntry{}, "kind = ? AND amount = ?", models.EntryAdjustment, 400); n != 1 {
		t.Fatalf("%d restoring entries, want 1 %s", n, fmt.Sprint(ledgerByAffiliate(t, s)))
	}
}

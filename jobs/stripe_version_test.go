package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
	"codecredit/platforms/stripe"
)

// A Stripe event at another API version is booked when it has the fields
// read; one that lacks a field is set aside and its connection says why,
// naming the version and the one to set. Bodies:
// platforms/stripe/testdata/*_2024_06_20.json (see its README).
func TestStripeEventsAtOtherAPIVersions(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	sh := newShop(t, s, 0)
	client := newClient(t, url, queue)
	startWorker(t, s, url, jobs.Options{Queue: queue, Platforms: map[string]platforms.Platform{
		platforms.API: api.Platform{}, platforms.Stripe: stripe.New(stripe.Config{})}})

	store := func(file, topic string, edit func(obj map[string]any)) *models.WebhookEvent {
		body, err := os.ReadFile("../platforms/stripe/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			var ev map[string]any
			if err := json.Unmarshal(body, &ev); err != nil {
				t.Fatal(err)
			}
			edit(ev["data"].(map[string]any)["object"].(map[string]any))
			body, _ = json.Marshal(ev)
		}
		ev := sh.storeEvent(t, file, topic, body)
		if err := s.DB().Model(ev).Update("platform", platforms.Stripe).Error; err != nil {
			t.Fatal(err)
		}
		if err := client.EnqueueEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// Without its discount: resolving one calls Stripe, which this test has not.
	store("invoice_paid_2024_06_20.json", "invoice.paid", func(in map[string]any) {
		in["discounts"], in["total_discount_amounts"] = []any{}, []any{}
	})
	waitProcessed(t, s, 1)
	if conn, _ := s.GetConnection(ctx, sh.conn.ID); conn.LastError != "" {
		t.Fatalf("a readable old event left an error: %q", conn.LastError)
	}
	note := store("credit_note_created_2024_06_20.json", "credit_note.created", nil)
	waitFor(t, "the unreadable event set aside", func() (bool, string) {
		row, err := s.GetWebhookEvent(ctx, note.ID)
		return err == nil && row.DeadAt != nil, fmt.Sprintf("%+v %v", row, err)
	})
	conn, err := s.GetConnection(ctx, sh.conn.ID)
	if err != nil || !strings.Contains(conn.LastError, "API version 2024-06-20") ||
		!strings.Contains(conn.LastError, "post_payment_amount") || conn.Status != models.ConnectionActive {
		t.Fatalf("connection %+v %v, want active with the version and the field in last_error", conn, err)
	}
}

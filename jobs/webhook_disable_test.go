package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

// An endpoint that keeps failing is disabled after the policy's run of
// failures, its merchant gets an email saying so, and from then on it
// gets nothing: neither the deliveries still pending nor new events.
func TestFailingEndpointDisabledAndMerchantTold(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	rec, srv := serveHooks(t, 503)
	sh, ep := hookShop(t, s, srv.URL+"/hook")
	w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{AllowLocal: true, Schedule: []time.Duration{0, time.Hour},
		Disable: models.WebhookDisablePolicy{Failures: 3}})
	book(t, sh, "o1")
	book(t, sh, "o2")
	// o1 and o2 fail once each; o1's second attempt is the third failure
	// in a row (disabled, its last attempt an hour away); o2's second
	// attempt finds the endpoint disabled and is not sent.
	deliverDue(t, s, w)
	if n := len(rec.requests()); n != 3 {
		t.Fatalf("receiver got %d requests before the endpoint was disabled, want 3", n)
	}
	got, err := s.GetWebhookEndpoint(ctx, sh.account.ID, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled || !strings.Contains(got.DisabledReason, "3 failed deliveries") {
		t.Fatalf("endpoint %+v, want disabled after 3 failures", got)
	}
	var mail []models.OutboxEmail
	s.DB().Where("account_id = ? AND kind = ?", sh.account.ID, "webhook_disabled").Find(&mail)
	if len(mail) != 1 || mail[0].To != "owner@example.com" || !strings.Contains(mail[0].Text, srv.URL+"/hook") {
		t.Fatalf("emails to the merchant %+v, want one naming the endpoint", mail)
	}

	s.SetClock(func() time.Time { return time.Now().UTC().Add(2 * time.Hour) }) // o1's last attempt is due
	book(t, sh, "o3")
	deliverDue(t, s, w)
	if n := len(rec.requests()); n != 3 {
		t.Fatalf("the disabled endpoint got %d requests in all, want still 3", n)
	}
	var pending int64
	s.DB().Model(&models.WebhookDelivery{}).Where("status <> ?", models.DeliveryFailed).Count(&pending)
	if pending != 0 {
		t.Fatalf("%d deliveries to the disabled endpoint still wait; want all failed", pending)
	}
}

// Through the worker: a booked conversion reaches a subscribed endpoint
// once, by the worker's own poll and task, and the delivery log says so.
func TestWorkerDeliversBookedConversion(t *testing.T) {
	s := testdb.Postgres(t)
	url, queue := redisQueue(t)
	rec, srv := serveHooks(t, 200)
	sh, ep := hookShop(t, s, srv.URL+"/hook")
	startWorker(t, s, url, jobs.Options{Queue: queue, Webhooks: jobs.WebhookOptions{AllowLocal: true,
		PollEvery: 20 * time.Millisecond}})
	book(t, sh, "o1")
	waitFor(t, "delivery", func() (bool, string) {
		rows, _, err := s.ListWebhookDeliveries(context.Background(), sh.account.ID, ep.ID, 1, 10)
		if err != nil || len(rows) != 1 {
			return false, "no delivery listed"
		}
		return rows[0].Status == models.DeliveryDelivered && len(rows[0].AttemptList) == 1, rows[0].Status
	})
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("receiver got %d requests, want 1", n)
	}
}

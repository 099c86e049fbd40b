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
	s.DB().Where("account_id = ? AND kind = ?", sh.account.ID, models.KindWebhookDisabled).Find(&mail)
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

// A worker that dies mid-attempt (the delivery claimed, never recorded)
// does not lose it: once its lease runs out the delivery is due again and
// sent with the same webhook-id, so it arrives at least once.
func TestWebhookClaimedByDeadWorkerSentAgain(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	rec, srv := serveHooks(t, 200)
	sh, _ := hookShop(t, s, srv.URL+"/hook")
	book(t, sh, "o1")
	due, err := s.DueWebhookDeliveries(ctx, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due %v %v", due, err)
	}
	dead, _, err := s.ClaimWebhookDelivery(ctx, due[0].ID, time.Minute) // the worker dies here
	if err != nil || dead == nil {
		t.Fatalf("claim: %v %v", dead, err)
	}
	w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{AllowLocal: true})
	deliverDue(t, s, w)
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("a delivery under another worker's lease was sent (%d requests)", n)
	}
	s.SetClock(func() time.Time { return time.Now().UTC().Add(2 * time.Minute) })
	deliverDue(t, s, w)
	got := rec.requests()
	if len(got) != 1 || got[0].header.Get("webhook-id") != dead.EventID {
		t.Fatalf("after the lease: %d requests, want 1 with webhook-id %s", len(got), dead.EventID)
	}
	var d models.WebhookDelivery
	s.DB().Take(&d)
	if d.Status != models.DeliveryDelivered || d.Attempts != 2 {
		t.Fatalf("delivery %+v, want delivered on its second attempt", d)
	}
}

package jobs_test

import (
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"codecredit/jobs"
	"codecredit/models/testdb"
)

// A receiver verifying deliveries with the Standard Webhooks library
// refuses what an attacker could send again: a delivery captured and
// replayed later is too old (the timestamp is signed with the body), and
// the same delivery with its timestamp made fresh no longer matches its
// signature. An honest retry is signed again at its own time, so a
// receiver that was down for an hour still accepts it; it keeps its
// webhook-id, so the receiver can tell it already has it.
func TestWebhookReplayedOrLateIsRefused(t *testing.T) {
	s := testdb.Postgres(t)
	rec, srv := serveHooks(t, 500, 204)
	sh, ep := hookShop(t, s, srv.URL+"/hook")
	// The retry waits 30 minutes after a failed attempt.
	w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{AllowLocal: true, Schedule: []time.Duration{30 * time.Minute, 30 * time.Minute}})
	wh, err := standardwebhooks.NewWebhook(ep.Secret)
	if err != nil {
		t.Fatal(err)
	}
	// The first attempt is sent an hour ago and fails; the retry is sent now.
	s.SetClock(func() time.Time { return time.Now().UTC().Add(-time.Hour) })
	book(t, sh, "o1")
	deliverDue(t, s, w)
	s.SetClock(func() time.Time { return time.Now().UTC() })
	deliverDue(t, s, w)
	got := rec.requests()
	if len(got) != 2 {
		t.Fatalf("receiver got %d requests, want the failed attempt and its retry", len(got))
	}
	late, retry := got[0], got[1]
	if err := wh.Verify(late.body, late.header); err == nil {
		t.Error("a delivery signed an hour ago verified: a captured delivery could be replayed")
	}
	if err := wh.Verify(retry.body, retry.header); err != nil {
		t.Errorf("the retry, signed when sent, did not verify: %v", err)
	}
	if late.header.Get("webhook-id") != retry.header.Get("webhook-id") {
		t.Errorf("the retry's webhook-id %q differs from the first attempt's %q", retry.header.Get("webhook-id"), late.header.Get("webhook-id"))
	}
	replayed := hookRequest{header: late.header.Clone(), body: late.body}
	replayed.header.Set("webhook-timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	if err := wh.Verify(replayed.body, replayed.header); err == nil {
		t.Error("an old delivery with a fresh timestamp verified: the timestamp is not signed")
	}
}

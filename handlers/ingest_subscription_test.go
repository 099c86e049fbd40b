package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// A subscription's state reported through the API is stored and queued
// like an order; the worker's parse keeps it as the reports read it (its
// month worked out from a yearly price); the same state again is a
// duplicate; a bad one is a 400 naming what is wrong and stores nothing.
func TestSubscriptionsThroughTheAPI(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	ctx := context.Background()
	body := `{"id":"sub_9","customer_email":"ann@example.com","status":"active","currency":"usd","amount":60000,
"interval":"year","started_at":"2026-10-01T00:00:00Z","changed_at":"2026-10-01T00:00:05Z"}`
	var first ingestAnswer
	v.must(http.StatusAccepted, "POST", "/api/v1/subscriptions", shop.key, body, &first)
	var dup ingestAnswer
	v.must(http.StatusOK, "POST", "/api/v1/subscriptions", shop.key, body, &dup)
	if !dup.Duplicate || dup.EventID != first.EventID {
		t.Fatalf("the same state again: %+v", dup)
	}
	ev, err := v.store.GetWebhookEvent(ctx, first.EventID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := api.Platform{}.ParseWebhook(ev.Topic, ev.Body)
	if err != nil || len(evs) != 1 || evs[0].Kind != platforms.KindSubscription {
		t.Fatalf("stored body parses to %+v, %v", evs, err)
	}
	if err := v.store.ApplySubscription(ctx, ev.ConnectionID, *evs[0].Subscription); err != nil {
		t.Fatal(err)
	}
	var st models.SubscriptionState
	if err := v.store.DB().Where("external_id = ?", "sub_9").Take(&st).Error; err != nil || st.MonthlyAmount != 5000 || st.Currency != "USD" {
		t.Fatalf("state %+v %v: want 600.00 a year kept as 50.00 a month", st, err)
	}
	for name, c := range map[string]struct{ body, msg string }{
		"unknown interval": {strings.Replace(body, `"year"`, `"fortnight"`, 1), "interval must be"},
		"unknown status":   {strings.Replace(body, `"active"`, `"gone"`, 1), "status"},
		"no id":            {strings.Replace(body, `"sub_9"`, `""`, 1), "without an id"},
		"not a currency":   {strings.Replace(body, `"usd"`, `"xyz"`, 1), "ISO 4217"},
		"unknown field":    {strings.Replace(body, `"status"`, `"state"`, 1), "state"},
	} {
		rec := v.call("POST", "/api/v1/subscriptions", shop.key, c.body)
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %q, want 400 mentioning %q", name, rec.Code, msg, c.msg)
		}
	}
	var stored int64
	v.store.DB().Model(&models.WebhookEvent{}).Where("account_id = ?", shop.acct.ID).Count(&stored)
	if stored != 1 {
		t.Fatalf("%d events stored, want the one good state", stored)
	}
}

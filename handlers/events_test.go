package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
)

// An order whose booking failed for good shows in GET /api/v1/events?status=failed
// with its error and the platform's order id; other accounts never see it.
func TestFailedEventsAreListed(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	owner, other := v.tenant("Owner"), v.tenant("Other")
	conn, err := v.store.APIConnection(ctx, owner.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	var dead uint64
	for i, fate := range []string{"processed", "retrying", "failed", "pending"} {
		ev, _, err := v.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: owner.acct.ID, ConnectionID: conn.ID,
			Platform: platforms.API, Topic: "order.paid", ExternalEventID: fmt.Sprintf("evt-%d", i), Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		switch fate {
		case "processed":
			err = v.store.MarkEventProcessed(ctx, ev.ID)
		case "retrying":
			err = v.store.MarkEventFailed(ctx, ev.ID, errors.New("database busy"))
		case "failed":
			dead = ev.ID
			err = v.store.RecordEventFailure(ctx, ev.ID, models.EventFailure{Cause: errors.New("currency XYZ is not known"), Dead: true, OrderRef: "1001"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var failed listOf[models.WebhookEvent]
	v.must(http.StatusOK, http.MethodGet, "/api/v1/events?status=failed", owner.key, nil, &failed)
	if failed.Total != 1 || len(failed.Data) != 1 || failed.Data[0].ID != dead || failed.Data[0].OrderRef != "1001" ||
		failed.Data[0].Status != models.EventFailed || !strings.Contains(failed.Data[0].LastError, "XYZ") || failed.Data[0].DeadAt == nil {
		t.Fatalf("failed events: %+v", failed)
	}
	var all listOf[models.WebhookEvent]
	v.must(http.StatusOK, http.MethodGet, "/api/v1/events?per_page=2&page=2", owner.key, nil, &all)
	if all.Total != 4 || len(all.Data) != 2 || all.Page != 2 || all.PerPage != 2 {
		t.Fatalf("second page of all events: %+v", all)
	}
	var retrying listOf[models.WebhookEvent]
	v.must(http.StatusOK, http.MethodGet, "/api/v1/events?status=retrying", owner.key, nil, &retrying)
	if retrying.Total != 1 || retrying.Data[0].Status != models.EventRetrying {
		t.Fatalf("retrying events: %+v", retrying)
	}
	var one models.WebhookEvent
	v.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/events/%d", dead), owner.key, nil, &one)
	if one.OrderRef != "1001" || one.Status != models.EventFailed {
		t.Fatalf("event %+v", one)
	}
	var none listOf[models.WebhookEvent]
	v.must(http.StatusOK, http.MethodGet, "/api/v1/events?status=failed", other.key, nil, &none)
	if none.Total != 0 || len(none.Data) != 0 {
		t.Fatalf("another account sees %+v", none)
	}
	if rec := v.call(http.MethodGet, fmt.Sprintf("/api/v1/events/%d", dead), other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("another account's event: %d, want 404", rec.Code)
	}
	if rec := v.call(http.MethodGet, "/api/v1/events?status=broken", owner.key, nil); rec.Code != http.StatusBadRequest || errorOf(t, rec) == "" {
		t.Fatalf("unknown status: %d, want 400", rec.Code)
	}
}

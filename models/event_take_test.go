package models_test

import (
	"context"
	"fmt"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// A delivery a drain leaves to book one by one is its alone: a second
// drain does not claim it again and its task cannot take it; a delivery
// its task took first is not claimed by any drain.
func TestLeftDeliveryIsBookedByOneTakerOnly(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var ids []uint64
		for i := range 3 {
			ev, _, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.account.ID,
				ConnectionID: f.conn.ID, Platform: "test", Topic: "customers/data_request",
				ExternalEventID: fmt.Sprint("dr", i), Body: []byte(`{}`)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ev.ID)
		}
		// The task of the third delivery takes it before any drain runs.
		if took, err := s.TakeEvent(ctx, ids[2]); err != nil || !took {
			t.Fatalf("task takes an untried delivery: %v %v", took, err)
		}
		leave := func(*models.WebhookEvent) models.EventRoute { return models.EventRoute{} }
		b, err := s.BookEventBatch(ctx, 10, leave)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Left) != 2 || b.Left[0].ID != ids[0] || b.Left[1].ID != ids[1] {
			t.Fatalf("first drain left %+v, want the two deliveries no task took", b.Left)
		}
		again, err := s.BookEventBatch(ctx, 10, leave)
		if err != nil {
			t.Fatal(err)
		}
		if again.Claimed != 0 {
			t.Fatalf("a second drain claimed %d deliveries the first one is booking", again.Claimed)
		}
		for _, id := range ids {
			if took, err := s.TakeEvent(ctx, id); err != nil || took {
				t.Fatalf("delivery %d taken twice: %v %v", id, took, err)
			}
		}
		// What was taken is still to be booked, as the sweeper sees it.
		for _, id := range ids {
			ev, err := s.GetWebhookEvent(ctx, id)
			if err != nil || ev.ProcessedAt != nil || ev.TakenAt == nil {
				t.Fatalf("delivery %d after taking: %+v %v", id, ev, err)
			}
		}
	})
}

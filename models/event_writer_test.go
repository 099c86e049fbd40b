package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// Deliveries arriving together are written together, yet each is stored
// once: a burst of 400 deliveries of 100 events (every event four times,
// from two stores using the same event ids) leaves 100 rows per store, one
// "created" answer per row, and every copy points at its stored row.
func TestConcurrentDeliveriesAreStoredOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, _ := s.InstallConnection(ctx, models.Install{Platform: "shopify", ExternalID: "a.myshopify.com"})
		b, _ := s.InstallConnection(ctx, models.Install{Platform: "shopify", ExternalID: "b.myshopify.com"})
		type answer struct {
			conn    uint64
			eventID string
			id      uint64
			created bool
		}
		answers := make(chan answer, 800)
		var wg sync.WaitGroup
		for i := 0; i < 800; i++ {
			conn := a
			if i%2 == 1 {
				conn = b
			}
			eventID := fmt.Sprint("evt-", i/2%100)
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, created, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: conn.AccountID,
					ConnectionID: conn.ID, Platform: "shopify", Topic: "orders/paid", ExternalEventID: eventID,
					Body: []byte(`{"id":"` + eventID + `"}`)})
				if err != nil {
					t.Error(err)
					return
				}
				answers <- answer{conn.ID, eventID, ev.ID, created}
			}()
		}
		wg.Wait()
		close(answers)
		type key struct {
			conn    uint64
			eventID string
		}
		ids, created := map[key]uint64{}, map[key]int{}
		t.Run("every copy of a delivery answers with the same row", func(t *testing.T) {
			for ans := range answers {
				k := key{ans.conn, ans.eventID}
				if ids[k] != 0 && ids[k] != ans.id {
					t.Errorf("%v answered with rows %d and %d", k, ids[k], ans.id)
				}
				ids[k] = ans.id
				if ans.created {
					created[k]++
				}
			}
			if len(ids) != 200 {
				t.Fatalf("%d distinct deliveries, want 200", len(ids))
			}
		})
		t.Run("each delivery is reported created once", func(t *testing.T) {
			for k, n := range created {
				if n != 1 {
					t.Errorf("%v created %d times", k, n)
				}
			}
			if len(created) != 200 {
				t.Errorf("%d deliveries reported created, want 200", len(created))
			}
		})
		t.Run("one row is stored per delivery", func(t *testing.T) {
			var rows int64
			s.DB().Model(&models.WebhookEvent{}).Count(&rows)
			if rows != 200 {
				t.Errorf("%d rows stored, want 200", rows)
			}
		})
		t.Run("each row holds its delivery's store, event id and body", func(t *testing.T) {
			for k, id := range ids {
				ev, err := s.GetWebhookEvent(ctx, id)
				if err != nil || ev.ConnectionID != k.conn || ev.ExternalEventID != k.eventID || string(ev.Body) != `{"id":"`+k.eventID+`"}` {
					t.Fatalf("row %d for %v: %+v %v", id, k, ev, err)
				}
			}
		})
	})
}

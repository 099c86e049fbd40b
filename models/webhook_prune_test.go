package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// TestWebhookLogKeepsThirtyDays: pruning deletes finished deliveries (and
// their attempts) older than the cutoff, oldest first and no more than
// asked; a pending one, a recent one and one redelivered since stay, and
// the log lists what stayed.
func TestWebhookLogKeepsThirtyDays(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		ep, err := s.CreateWebhookEndpoint(ctx, f.account.ID, models.WebhookEndpointInput{URL: "https://a.example.com/hook",
			Events: []string{models.HookConversionCreated}})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		old, recent := now.Add(-31*24*time.Hour), now.Add(-29*24*time.Hour)
		add := func(status string, made, changed time.Time) uint64 {
			t.Helper()
			d := models.WebhookDelivery{AccountID: f.account.ID, EndpointID: ep.ID, EventID: fmt.Sprint("msg_", made.UnixNano(), status),
				EventType: models.HookConversionCreated, Payload: "{}", Status: status, NextAttemptAt: made, CreatedAt: made, UpdatedAt: changed}
			if err := s.DB().Create(&d).Error; err != nil {
				t.Fatal(err)
			}
			a := models.WebhookAttempt{DeliveryID: d.ID, EndpointID: ep.ID, Attempt: 1, StatusCode: 200, CreatedAt: made}
			if err := s.DB().Create(&a).Error; err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		var gone []uint64
		for i := range 5 {
			gone = append(gone, add(models.DeliveryDelivered, old.Add(time.Duration(i)*time.Second), old))
		}
		gone = append(gone, add(models.DeliveryFailed, old.Add(10*time.Second), old))
		stay := []uint64{
			add(models.DeliveryPending, old.Add(20*time.Second), old),            // still being tried
			add(models.DeliveryDelivered, old.Add(30*time.Second), recent),       // redelivered since
			add(models.DeliveryDelivered, recent, recent),                        // recent
			add(models.DeliveryFailed, now.Add(-time.Hour), now.Add(-time.Hour)), // recent
		}
		cutoff := now.Add(-models.WebhookLogKeep)
		n, err := s.PruneWebhookLog(ctx, cutoff, 4)
		if err != nil || n != 4 {
			t.Fatalf("first pass pruned %d (%v), want the 4 asked for", n, err)
		}
		n, err = s.PruneWebhookLog(ctx, cutoff, 1000)
		if err != nil || n != 2 {
			t.Fatalf("second pass pruned %d (%v), want the 2 left", n, err)
		}
		if n, err := s.PruneWebhookLog(ctx, cutoff, 1000); err != nil || n != 0 {
			t.Fatalf("third pass pruned %d (%v), want nothing", n, err)
		}
		var left []uint64
		if err := s.DB().Model(&models.WebhookDelivery{}).Order("id").Pluck("id", &left).Error; err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(left) != fmt.Sprint(stay) {
			t.Errorf("deliveries left %v, want %v (pruned %v)", left, stay, gone)
		}
		var attempts int64
		if err := s.DB().Model(&models.WebhookAttempt{}).Where("delivery_id IN ?", gone).Count(&attempts).Error; err != nil || attempts != 0 {
			t.Errorf("%d attempts of pruned deliveries left (%v)", attempts, err)
		}
		views, total, err := s.ListWebhookDeliveries(ctx, f.account.ID, ep.ID, 1, 50)
		if err != nil || total != 4 || len(views) != 4 || len(views[0].AttemptList) != 1 {
			t.Errorf("log lists %d of %d (%v), want the 4 kept with their attempts", len(views), total, err)
		}
	})
}

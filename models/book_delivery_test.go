package models_test

import (
	"context"
	"errors"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// A paid order that is its delivery's only effect is booked and its
// delivery marked processed in one transaction; the delivery stays
// unmarked (for the caller to mark after the notices) when refunds held
// before the order were applied, and when nothing was booked.
func TestBookOrderDeliveryMarksItsDelivery(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		code := f.codes[f.affs[0].ID]
		delivery := func(id string) uint64 {
			t.Helper()
			ev, _, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.account.ID,
				ConnectionID: f.conn.ID, Platform: "api", Topic: "orders", ExternalEventID: id, Body: []byte("{}")})
			if err != nil {
				t.Fatal(err)
			}
			return ev.ID
		}
		processed := func(id uint64) bool {
			t.Helper()
			ev, err := s.GetWebhookEvent(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return ev.ProcessedAt != nil
		}

		t.Run("an attributed order marks its delivery", func(t *testing.T) {
			id := delivery("d1")
			b, err := s.BookOrderDelivery(ctx, id, f.conn.ID, order("o1", 10000, "USD", code))
			if err != nil {
				t.Fatal(err)
			}
			if b.Conversion == nil || !b.DeliveryMarked || !processed(id) {
				t.Fatalf("booking %+v, processed %v: want a conversion and the delivery marked", b, processed(id))
			}
		})

		t.Run("an order without a known code marks its delivery too", func(t *testing.T) {
			id := delivery("d2")
			b, err := s.BookOrderDelivery(ctx, id, f.conn.ID, order("o2", 10000, "USD", "NOSUCHCODE"))
			if err != nil {
				t.Fatal(err)
			}
			if b.Conversion != nil || !b.DeliveryMarked || !processed(id) {
				t.Fatalf("booking %+v, processed %v: want no conversion and the delivery marked", b, processed(id))
			}
		})

		t.Run("a test order books nothing and leaves the delivery to the caller", func(t *testing.T) {
			id := delivery("d3")
			o := order("o3", 10000, "USD", code)
			o.Test = true
			b, err := s.BookOrderDelivery(ctx, id, f.conn.ID, o)
			if err != nil {
				t.Fatal(err)
			}
			if b.Conversion != nil || b.DeliveryMarked || processed(id) {
				t.Fatalf("booking %+v, processed %v: want nothing booked or marked", b, processed(id))
			}
		})

		t.Run("refunds held before the order leave the delivery to the caller", func(t *testing.T) {
			if err := s.ReverseRefund(ctx, f.conn.ID, refund("r4", "o4", 4000)); err != nil {
				t.Fatal(err)
			}
			id := delivery("d4")
			b, err := s.BookOrderDelivery(ctx, id, f.conn.ID, order("o4", 10000, "USD", code))
			if err != nil {
				t.Fatal(err)
			}
			if b.Conversion == nil || b.Conversion.RefundedSubtotal != 4000 || b.DeliveryMarked || processed(id) {
				t.Fatalf("booking %+v, processed %v: want the refund applied and the delivery unmarked", b, processed(id))
			}
		})

		t.Run("no delivery id is refused", func(t *testing.T) {
			_, err := s.BookOrderDelivery(ctx, 0, f.conn.ID, order("o5", 10000, "USD", code))
			if !errors.Is(err, models.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	})
}

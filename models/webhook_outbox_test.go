package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// hookEndpoints registers, on f's account, two endpoints that want new
// conversions, one that wants payouts only and one disabled that wants
// new conversions; it returns the ids of the first two.
func hookEndpoints(t *testing.T, f *fixture) []uint64 {
	t.Helper()
	ctx := context.Background()
	off := false
	var want []uint64
	for _, in := range []models.WebhookEndpointInput{
		{URL: "https://a.example.com/hook", Events: []string{models.HookConversionCreated, models.HookPayoutPaid}},
		{URL: "https://b.example.com/hook", Events: []string{models.HookConversionCreated}},
		{URL: "https://c.example.com/hook", Events: []string{models.HookPayoutPaid}},
		{URL: "https://d.example.com/hook", Events: []string{models.HookConversionCreated}, Enabled: &off},
	} {
		ep, err := f.store.CreateWebhookEndpoint(ctx, f.account.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 2 {
			want = append(want, ep.ID)
		}
	}
	return want
}

// deliveriesOf lists the outbox rows of an event type.
func deliveriesOf(t *testing.T, s *models.Store, typ string) []models.WebhookDelivery {
	t.Helper()
	var out []models.WebhookDelivery
	if err := s.DB().Where("event_type = ?", typ).Order("endpoint_id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOnePerEndpoint checks that the event was written once for each of
// endpoints, with one event id, and carries the conversion.
func checkOnePerEndpoint(t *testing.T, got []models.WebhookDelivery, endpoints []uint64, convID uint64) {
	t.Helper()
	if len(got) != len(endpoints) {
		t.Fatalf("%d deliveries, want one for each of endpoints %v: %+v", len(got), endpoints, got)
	}
	for i, d := range got {
		var p struct {
			Type string `json:"type"`
			Data struct {
				ID uint64 `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(d.Payload), &p); err != nil {
			t.Fatal(err)
		}
		if d.EndpointID != endpoints[i] || d.EventID != got[0].EventID || d.Status != models.DeliveryPending ||
			p.Type != models.HookConversionCreated || p.Data.ID != convID {
			t.Errorf("delivery %+v (payload %s), want endpoint %d, event %s, conversion %d", d, d.Payload, endpoints[i], got[0].EventID, convID)
		}
	}
}

// routeStored routes the deliveries the batch tests store.
func routeStored(ev *models.WebhookEvent) models.EventRoute {
	var se storedEvent
	if json.Unmarshal(ev.Body, &se) != nil || se.Order == nil {
		return models.EventRoute{}
	}
	return models.EventRoute{Order: se.Order}
}

// storeOrder stores a paid-order delivery for the batch to book.
func storeOrder(t *testing.T, f *fixture, o platforms.Order) {
	t.Helper()
	body, _ := json.Marshal(storedEvent{Order: &o})
	if _, _, err := f.store.StoreWebhookEvent(context.Background(), &models.WebhookEvent{AccountID: f.account.ID,
		ConnectionID: f.conn.ID, Platform: "test", Topic: "orders/paid", ExternalEventID: "evt-" + o.ExternalID, Body: body}); err != nil {
		t.Fatal(err)
	}
}

// A conversion booked one by one or in a batch is written to the outbox
// once for each enabled endpoint subscribed to conversion.created, with one
// event id; an endpoint that wants other events, or is disabled, gets none.
func TestBookedConversionWritesOneDeliveryPerEndpoint(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		want := hookEndpoints(t, f)
		conv, err := s.AttributeOrder(ctx, f.conn.ID, order("one", 10000, "USD", "Partner0"))
		if err != nil || conv == nil {
			t.Fatalf("book: %v %v", conv, err)
		}
		checkOnePerEndpoint(t, deliveriesOf(t, s, models.HookConversionCreated), want, conv.ID)
		if _, err := s.AttributeOrder(ctx, f.conn.ID, order("one", 10000, "USD", "Partner0")); err != nil {
			t.Fatal(err)
		}
		if n := len(deliveriesOf(t, s, models.HookConversionCreated)); n != 2 {
			t.Fatalf("the same order delivered again wrote %d deliveries in all, want still 2", n)
		}

		s.DB().Where("1 = 1").Delete(&models.WebhookDelivery{})
		storeOrder(t, f, order("two", 10000, "USD", "Partner1"))
		storeOrder(t, f, order("three", 5000, "USD")) // no code: no conversion
		b, err := s.BookEventBatch(ctx, 10, routeStored)
		if err != nil || len(b.Booked) != 2 || b.Booked[0].Conversion == nil {
			t.Fatalf("batch: %+v %v", b, err)
		}
		checkOnePerEndpoint(t, deliveriesOf(t, s, models.HookConversionCreated), want, b.Booked[0].Conversion.ID)
	})
}

// failLedgerInserts makes every insert into ledger_entries fail until the
// test ends, so that a booking's transaction rolls back after its
// conversion and outbox rows were written.
func failLedgerInserts(t *testing.T, s *models.Store) {
	cb := s.DB().Callback().Create()
	if err := cb.Before("gorm:create").Register("test:fail_ledger", func(tx *gorm.DB) {
		if tx.Statement.Table == "ledger_entries" {
			_ = tx.AddError(errors.New("ledger insert refused by the test"))
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cb.Remove("test:fail_ledger") })
}

// A booking rolled back leaves nothing in the outbox: no delivery is ever
// sent for a conversion that does not exist.
func TestRolledBackBookingWritesNoDelivery(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		hookEndpoints(t, f)
		failLedgerInserts(t, s)
		if _, err := s.AttributeOrder(ctx, f.conn.ID, order("one", 10000, "USD", "Partner0")); err == nil {
			t.Fatal("booking succeeded although its accrual could not be written")
		}
		storeOrder(t, f, order("two", 10000, "USD", "Partner1"))
		if _, err := s.BookEventBatch(ctx, 10, routeStored); err == nil {
			t.Fatal("batch succeeded although its accruals could not be written")
		}
		var convs, dels int64
		s.DB().Model(&models.Conversion{}).Count(&convs)
		s.DB().Model(&models.WebhookDelivery{}).Count(&dels)
		if convs != 0 || dels != 0 {
			t.Fatalf("after rolled-back bookings: %d conversions, %d deliveries; want none", convs, dels)
		}
	})
}

// Refunds, approvals, payouts, new affiliates and assigned codes each
// write their event.
func TestLedgerChangesWriteTheirEvents(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if _, err := s.CreateWebhookEndpoint(ctx, f.account.ID, models.WebhookEndpointInput{URL: "https://a.example.com/h",
			Events: models.WebhookEventTypes}); err != nil {
			t.Fatal(err)
		}
		conv, err := s.AttributeOrder(ctx, f.conn.ID, order("one", 10000, "USD", "Partner0"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ReverseRefund(ctx, f.conn.ID, refund("r1", "one", 4000)); err != nil {
			t.Fatal(err)
		}
		s.SetClock(func() time.Time { return t0.AddDate(1, 0, 0) })
		if _, err := s.ApproveMatured(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePayout(ctx, f.account.ID, *conv.AffiliateID, "USD", "bank"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAffiliate(ctx, f.account.ID, models.NewAffiliate{Name: "Newcomer", Email: "new@example.com"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateManualCode(ctx, f.account.ID, models.NewCode{Code: "NEW10", AffiliateID: conv.AffiliateID,
			DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1000}}); err != nil {
			t.Fatal(err)
		}
		for _, typ := range models.WebhookEventTypes {
			if typ == models.HookPayoutFailed { // only a platform's report (TestPayoutPaidOnlyWhenPayPalPays)
				continue
			}
			if n := len(deliveriesOf(t, s, typ)); n != 1 {
				t.Errorf("%s: %d deliveries, want 1", typ, n)
			}
		}
	})
}

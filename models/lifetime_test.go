package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// Lifetime attribution, 30 days: Ann's first order with Aff 0's code
// brings her to Aff 0; her order 10 days later without a code goes to Aff
// 0 at the repeat rate (5%), and says so; one 40 days later goes to no
// one. Where the new code wins, an order with Aff 1's code goes to Aff 1,
// who keeps her from then on; where the first affiliate keeps customers,
// it stays with Aff 0. Aff 2 has no lifetime of its own. Redacting Ann
// forgets whom she came with.
func TestLifetimeAttribution(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		five := int64(500)
		def := models.DefaultCommissionRule(f.account.ID, "USD")
		def.RepeatBasisPoints = &five
		if _, err := s.SetDefaultRule(ctx, f.account.ID, def); err != nil {
			t.Fatal(err)
		}
		set := func(codeWins bool) {
			t.Helper()
			if _, err := s.UpdateAccountSettings(ctx, f.account.ID, models.AccountSettings{
				Lifetime: &models.LifetimeSettings{On: true, Days: 30, CodeWins: codeWins}}); err != nil {
				t.Fatal(err)
			}
		}
		set(true)
		day := time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC)
		order := func(id, email string, codes []string, at time.Time) *models.Conversion {
			t.Helper()
			conv, err := s.AttributeOrder(ctx, f.conn.ID, platforms.Order{ExternalID: id, Codes: codes, Currency: "USD",
				Subtotal: 10000, Total: 10000, CustomerEmail: email, PlacedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			return conv
		}
		a0, a1 := f.affs[0], f.affs[1]
		if c := order("1", "ann@example.com", []string{f.codes[a0.ID]}, day); c.Commission != 1000 || c.CreditNote != "code "+f.codes[a0.ID] {
			t.Fatalf("first order %d %q", c.Commission, c.CreditNote)
		}
		c := order("2", "ANN@example.com", nil, day.AddDate(0, 0, 10))
		if c == nil || *c.AffiliateID != a0.ID || c.Commission != 500 || !c.Lifetime ||
			c.CreditNote != "repeat order of a customer brought by "+a0.Name+" on 2026-10-02" ||
			c.Why != "Program default (repeat customer): 5%" {
			t.Fatalf("repeat order %+v", c)
		}
		repeatID := c.ID
		if c := order("3", "ann@example.com", nil, day.AddDate(0, 0, 40)); c != nil {
			t.Fatalf("an order after the window was credited: %+v", c)
		}
		// The new code wins: Aff 1 gets the order and keeps Ann.
		if c := order("4", "ann@example.com", []string{f.codes[a1.ID]}, day.AddDate(0, 0, 41)); *c.AffiliateID != a1.ID {
			t.Fatalf("with another code: affiliate %d", *c.AffiliateID)
		}
		if c := order("5", "ann@example.com", nil, day.AddDate(0, 0, 45)); c == nil || *c.AffiliateID != a1.ID {
			t.Fatalf("after moving to Aff 1: %+v", c)
		}
		// The first affiliate keeps Bea, whatever code she uses later.
		set(false)
		order("6", "bea@example.com", []string{f.codes[a0.ID]}, day)
		if c := order("7", "bea@example.com", []string{f.codes[a1.ID]}, day.AddDate(0, 0, 1)); *c.AffiliateID != a0.ID || c.Code != f.codes[a1.ID] {
			t.Fatalf("the first affiliate keeps Bea: %+v", c)
		}
		// An affiliate without lifetime keeps no one.
		none := -1
		a2 := f.affs[2]
		if _, err := s.UpdateAffiliate(ctx, f.account.ID, a2.ID, models.AffiliatePatch{LifetimeDays: models.OptionalInt{Set: true, Value: &none}}); err != nil {
			t.Fatal(err)
		}
		order("8", "cy@example.com", []string{f.codes[a2.ID]}, day)
		if c := order("9", "cy@example.com", nil, day.AddDate(0, 0, 1)); c != nil {
			t.Fatalf("an affiliate without lifetime kept Cy: %+v", c)
		}
		// Redacting Ann forgets whom she came with.
		if _, err := s.RedactCustomer(ctx, f.conn.ID, "ann@example.com", "", nil); err != nil {
			t.Fatal(err)
		}
		if c := order("10", "ann@example.com", nil, day.AddDate(0, 0, 46)); c != nil {
			t.Fatalf("after redaction: %+v", c)
		}
		d, err := s.GetConversionDetail(ctx, f.account.ID, repeatID)
		if err != nil || d.CreditedBy != models.CreditRepeat {
			t.Fatalf("the repeat order is credited by %q (%v)", d.CreditedBy, err)
		}
	})
}

// In one batch, a customer's first order with a code and her next order
// without one (and an order of a customer brought in an earlier batch)
// are credited as booking them one by one would.
func TestLifetimeInBatches(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if _, err := s.UpdateAccountSettings(ctx, f.account.ID, models.AccountSettings{
			Lifetime: &models.LifetimeSettings{On: true, CodeWins: true}}); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC)
		a0 := f.affs[0]
		store := func(n int, o platforms.Order) {
			raw, _ := json.Marshal(storedEvent{Order: &o})
			if _, _, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.account.ID, ConnectionID: f.conn.ID,
				Platform: "test", Topic: "test", ExternalEventID: fmt.Sprint("e", n), Body: raw}); err != nil {
				t.Fatal(err)
			}
		}
		mk := func(id, email string, codes []string, days int) platforms.Order {
			return platforms.Order{ExternalID: id, Codes: codes, Currency: "USD", Subtotal: 10000, Total: 10000,
				CustomerEmail: email, PlacedAt: day.AddDate(0, 0, days)}
		}
		route := func(ev *models.WebhookEvent) models.EventRoute {
			var body storedEvent
			if err := json.Unmarshal(ev.Body, &body); err != nil {
				t.Fatal(err)
			}
			return models.EventRoute{Order: body.Order}
		}
		drain := func() {
			for {
				b, err := s.BookEventBatch(ctx, 50, route)
				if err != nil {
					t.Fatal(err)
				}
				if b.Claimed == 0 {
					return
				}
			}
		}
		store(1, mk("1", "ann@example.com", []string{f.codes[a0.ID]}, 0))
		drain()
		store(2, mk("2", "bea@example.com", []string{f.codes[a0.ID]}, 0))
		store(3, mk("3", "bea@example.com", nil, 1))
		store(4, mk("4", "ann@example.com", nil, 2))
		store(5, mk("5", "cy@example.com", nil, 2))
		drain()
		var convs []models.Conversion
		if err := s.DB().Where("account_id = ?", f.account.ID).Order("external_order_id").Find(&convs).Error; err != nil {
			t.Fatal(err)
		}
		if len(convs) != 4 {
			t.Fatalf("%d conversions, want 4 (Cy came with no one): %+v", len(convs), convs)
		}
		for _, c := range convs {
			if *c.AffiliateID != a0.ID || (c.ExternalOrderID == "3" || c.ExternalOrderID == "4") != c.Lifetime {
				t.Errorf("order %s: affiliate %v lifetime %v %q", c.ExternalOrderID, *c.AffiliateID, c.Lifetime, c.CreditNote)
			}
		}
	})
}

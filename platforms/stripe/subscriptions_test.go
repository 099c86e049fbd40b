package stripe

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"codecredit/platforms"
)

// subscriptionEvent is customer_subscription_updated.json as type, its
// subscription changed by edit.
func subscriptionEvent(t *testing.T, typ string, edit func(sub map[string]any)) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(fixture(t, "customer_subscription_updated.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["type"] = typ
	sub := ev["data"].(map[string]any)["object"].(map[string]any)
	if edit != nil {
		edit(sub)
	}
	b, _ := json.Marshal(ev)
	return b
}

// couponOf is the first discount's coupon of a subscription.
func couponOf(sub map[string]any) map[string]any {
	d := sub["discounts"].([]any)[0].(map[string]any)
	return d["source"].(map[string]any)["coupon"].(map[string]any)
}

func TestParseSubscription(t *testing.T) {
	at := func(unix int64) time.Time { return time.Unix(unix, 0).UTC() }
	// The fixture: 3 seats at 15.00 and an add-on at 5.00 a month = 50.00,
	// less its forever 20% coupon (10.00) = 40.00 a month.
	want := platforms.Subscription{ExternalID: "sub_1Seats", CustomerID: "cus_Seats", Status: "active",
		Currency: "usd", Amount: 4000, Interval: "month", IntervalCount: 1, MonthlyAmount: 4000,
		Codes: []string{"promo_1Team20"}, StartedAt: at(1775124000), ChangedAt: at(1777716000)}
	tests := []struct {
		name, typ string
		edit      func(map[string]any)
		change    func(*platforms.Subscription) // want, changed; nil for no event
	}{
		{"active with a forever coupon", TopicSubscriptionUpdated, nil, func(*platforms.Subscription) {}},
		{"created", TopicSubscriptionCreated, nil, func(*platforms.Subscription) {}},
		{"cancel at period end still runs", TopicSubscriptionUpdated, func(s map[string]any) {
			s["cancel_at_period_end"], s["cancel_at"], s["canceled_at"] = true, 1780308000, 1777716000
		}, func(*platforms.Subscription) {}},
		{"deleted at the period's end: ended_at, not the request", TopicSubscriptionDeleted, func(s map[string]any) {
			s["status"], s["canceled_at"], s["ended_at"] = "canceled", 1777000000, 1780308000
		}, func(w *platforms.Subscription) { w.Status, w.CanceledAt = "canceled", at(1780308000) }},
		{"deleted at once without ended_at", TopicSubscriptionDeleted, func(s map[string]any) {
			s["status"], s["canceled_at"] = "canceled", 1777000000
		}, func(w *platforms.Subscription) { w.Status, w.CanceledAt = "canceled", at(1777000000) }},
		{"a once coupon is not recurring", TopicSubscriptionUpdated, func(s map[string]any) {
			couponOf(s)["duration"] = "once"
		}, func(w *platforms.Subscription) { w.Amount, w.MonthlyAmount = 5000, 5000 }},
		{"a repeating fixed amount", TopicSubscriptionUpdated, func(s map[string]any) {
			c := couponOf(s)
			c["duration"], c["duration_in_months"], c["percent_off"], c["amount_off"], c["currency"] = "repeating", 3, nil, 700, "usd"
		}, func(w *platforms.Subscription) { w.Amount, w.MonthlyAmount = 4300, 4300 }},
		{"a fixed amount in another currency takes nothing", TopicSubscriptionUpdated, func(s map[string]any) {
			c := couponOf(s)
			c["percent_off"], c["amount_off"], c["currency"] = nil, 700, "eur"
		}, func(w *platforms.Subscription) { w.Amount, w.MonthlyAmount = 5000, 5000 }},
		{"yearly", TopicSubscriptionUpdated, func(s map[string]any) {
			for _, it := range s["items"].(map[string]any)["data"].([]any) {
				it.(map[string]any)["price"].(map[string]any)["recurring"].(map[string]any)["interval"] = "year"
			}
		}, func(w *platforms.Subscription) { w.Interval, w.MonthlyAmount = "year", 333 }}, // 4000 / 12 = 333.33
		{"trialing", TopicSubscriptionUpdated, func(s map[string]any) { s["status"] = "trialing" },
			func(w *platforms.Subscription) { w.Status = "trialing" }},
		{"unpaid is past due", TopicSubscriptionUpdated, func(s map[string]any) { s["status"] = "unpaid" },
			func(w *platforms.Subscription) { w.Status = "past_due" }},
		{"past due", TopicSubscriptionUpdated, func(s map[string]any) { s["status"] = "past_due" },
			func(w *platforms.Subscription) { w.Status = "past_due" }},
		{"collection paused", TopicSubscriptionUpdated, func(s map[string]any) {
			s["pause_collection"] = map[string]any{"behavior": "void", "resumes_at": nil}
		}, func(w *platforms.Subscription) { w.Status = "paused" }},
		{"paused", TopicSubscriptionPaused, func(s map[string]any) { s["status"] = "paused" },
			func(w *platforms.Subscription) { w.Status = "paused" }},
		{"incomplete is not a subscription yet", TopicSubscriptionCreated,
			func(s map[string]any) { s["status"] = "incomplete" }, nil},
		{"incomplete_expired never was one", TopicSubscriptionDeleted,
			func(s map[string]any) { s["status"] = "incomplete_expired" }, nil},
		{"before basil: one discount, its coupon inside", TopicSubscriptionUpdated, func(s map[string]any) {
			c := couponOf(s)
			s["discounts"] = nil
			s["discount"] = map[string]any{"object": "discount", "coupon": c, "promotion_code": "promo_1Old",
				"customer": "cus_Seats", "start": 1775124000, "subscription": "sub_1Seats"}
		}, func(w *platforms.Subscription) { w.Codes = []string{"promo_1Old"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEvent(tt.typ, subscriptionEvent(t, tt.typ, tt.edit))
			if err != nil {
				t.Fatal(err)
			}
			if tt.change == nil {
				if len(got) != 0 {
					t.Fatalf("events = %s, want none", dump(got))
				}
				return
			}
			w := want
			tt.change(&w)
			if len(got) != 1 || got[0].Kind != platforms.KindSubscription || !reflect.DeepEqual(*got[0].Subscription, w) {
				t.Fatalf("events = %s\nwant %+v", dump(got), w)
			}
		})
	}
}

func TestParseSubscriptionRefusesWhatItCannotPrice(t *testing.T) {
	tests := map[string]func(map[string]any){
		// A webhook names discounts by id: EnrichWebhook expands them first.
		"discount ids": func(s map[string]any) { s["discounts"] = []any{"di_1Seats"} },
		"coupon id": func(s map[string]any) {
			s["discounts"].([]any)[0].(map[string]any)["source"].(map[string]any)["coupon"] = "TEAM20"
		},
		"tiered price": func(s map[string]any) {
			it := s["items"].(map[string]any)["data"].([]any)[0].(map[string]any)
			p := it["price"].(map[string]any)
			p["billing_scheme"], p["unit_amount"], p["unit_amount_decimal"] = "tiered", nil, nil
		},
		"no items": func(s map[string]any) { s["items"] = map[string]any{"object": "list", "data": []any{}} },
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseEvent(TopicSubscriptionUpdated, subscriptionEvent(t, TopicSubscriptionUpdated, edit))
			if !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("events %s, err %v; want ErrPayload", dump(got), err)
			}
		})
	}
}

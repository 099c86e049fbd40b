package woocommerce_test

import (
	"encoding/json"
	"errors"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// subscriptionBody is testdata/subscription_active.json with fields replaced.
func subscriptionBody(t *testing.T, set map[string]any) []byte {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(fixture(t, "subscription_active.json"), &s); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		s[k] = v
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Subscription 728, started by order 727 (its parent), is that order's
// lines after its 10% coupon: 5.40 +
// 10.80 = 16.20 a month, before the 1.22 of tax and without the 10.00 of
// shipping (total − total_tax would be 26.20).
func TestParseSubscription(t *testing.T) {
	base := platforms.Subscription{ExternalID: "728", CustomerID: "12", CustomerEmail: "john.doe@example.com",
		Status: platforms.SubscriptionActive, Currency: "USD", Amount: 1620, Interval: "month", IntervalCount: 1,
		MonthlyAmount: 1620, Codes: []string{"summer10"}, FirstOrderID: "727", StartedAt: at("2017-03-22T19:28:02Z"),
		ChangedAt: at("2017-03-22T19:28:09Z")}
	cases := []struct {
		name string
		set  map[string]any
		want func(s *platforms.Subscription)
	}{
		{"active", nil, func(*platforms.Subscription) {}},
		{"pending: first payment not received", map[string]any{"status": "pending"},
			func(s *platforms.Subscription) { s.Status = platforms.SubscriptionTrialing }},
		{"active in its free trial", map[string]any{"trial_end_date_gmt": "2017-04-05T19:28:02"},
			func(s *platforms.Subscription) { s.Status = platforms.SubscriptionTrialing }},
		{"active after its trial", map[string]any{"trial_end_date_gmt": "2017-03-22T19:28:02"}, func(*platforms.Subscription) {}},
		{"on-hold with a payment retry", map[string]any{"status": "on-hold", "payment_retry_date_gmt": "2017-04-23T07:28:02"},
			func(s *platforms.Subscription) { s.Status = platforms.SubscriptionPastDue }},
		{"on-hold, suspended", map[string]any{"status": "on-hold"},
			func(s *platforms.Subscription) { s.Status = platforms.SubscriptionPaused }},
		{"pending-cancel runs to the end of the term", map[string]any{"status": "pending-cancel",
			"cancelled_date_gmt": "2017-03-30T08:00:00", "end_date_gmt": "2017-04-22T19:28:02", "next_payment_date_gmt": ""},
			func(s *platforms.Subscription) { s.CanceledAt = at("2017-04-22T19:28:02Z") }},
		{"cancelled at the end of the term", map[string]any{"status": "cancelled",
			"cancelled_date_gmt": "2017-03-30T08:00:00", "end_date_gmt": "2017-04-22T19:28:02"},
			func(s *platforms.Subscription) {
				s.Status, s.CanceledAt = platforms.SubscriptionCanceled, at("2017-04-22T19:28:02Z")
			}},
		{"cancelled without dates", map[string]any{"status": "cancelled"},
			func(s *platforms.Subscription) { s.Status, s.CanceledAt = platforms.SubscriptionCanceled, s.ChangedAt }},
		{"expired", map[string]any{"status": "expired", "end_date_gmt": "2017-09-22T19:28:02"},
			func(s *platforms.Subscription) {
				s.Status, s.CanceledAt = platforms.SubscriptionCanceled, at("2017-09-22T19:28:02Z")
			}},
		{"switched to another subscription", map[string]any{"status": "switched", "end_date_gmt": "2017-03-25T10:00:00"},
			func(s *platforms.Subscription) {
				s.Status, s.CanceledAt = platforms.SubscriptionCanceled, at("2017-03-25T10:00:00Z")
			}},
		// 16.20 every 4 weeks: 1620 × 36525 ÷ (8400 × 4) = 1761.03…
		{"every 4 weeks", map[string]any{"billing_period": "week", "billing_interval": "4"},
			func(s *platforms.Subscription) { s.Interval, s.IntervalCount, s.MonthlyAmount = "week", 4, 1761 }},
		// 16.20 every 2 years: 1620 ÷ 24 = 67.5, half to even 68.
		{"interval as a number", map[string]any{"billing_period": "year", "billing_interval": 2},
			func(s *platforms.Subscription) { s.Interval, s.IntervalCount, s.MonthlyAmount = "year", 2, 68 }},
		{"no start date: its creation", map[string]any{"start_date_gmt": "", "date_created_gmt": "2017-03-22T19:28:00"},
			func(s *platforms.Subscription) { s.StartedAt = at("2017-03-22T19:28:00Z") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events, err := newAdapter().ParseWebhook(woocommerce.TopicSubscriptionUpdated, subscriptionBody(t, tc.set))
			if err != nil || len(events) != 1 || events[0].Kind != platforms.KindSubscription {
				t.Fatalf("events %s, err %v", dump(events), err)
			}
			want := base
			want.Codes = []string{"summer10"}
			tc.want(&want)
			if got, _ := json.Marshal(events[0].Subscription); string(got) != string(mustJSON(t, want)) {
				t.Fatalf("got  %s\nwant %s", got, mustJSON(t, want))
			}
		})
	}
}

func TestParseSubscriptionRejects(t *testing.T) {
	for name, set := range map[string]map[string]any{
		"unknown status":    {"status": "trash"},
		"no interval":       {"billing_interval": "0"},
		"unknown period":    {"billing_period": "fortnight"},
		"no currency":       {"currency": ""},
		"amount not a sum":  {"line_items": []map[string]any{{"id": 1, "quantity": 1, "total": "1,00", "total_tax": "0"}}},
		"no id":             {"id": 0},
		"no dates anywhere": {"start_date_gmt": "", "date_created_gmt": ""},
	} {
		if _, err := newAdapter().ParseWebhook(woocommerce.TopicSubscriptionCreated, subscriptionBody(t, set)); !errors.Is(err, platforms.ErrPayload) {
			t.Errorf("%s: %v, want ErrPayload", name, err)
		}
	}
}

// A renewal order names its subscription in _subscription_renewal; the
// first order of a subscription (its parent) names none.
func TestRenewalOrderNamesSubscription(t *testing.T) {
	for file, want := range map[string]string{"order_renewal.json": "728", "order_created.json": ""} {
		events, err := newAdapter().ParseWebhook(woocommerce.TopicOrderCreated, fixture(t, file))
		if err != nil || len(events) != 1 || events[0].Order.SubscriptionID != want || events[0].Order.Subtotal != 1620 {
			t.Errorf("%s: %s %v, want subscription %q", file, dump(events), err, want)
		}
	}
}

// created and updated reporting one state are one event; a new state
// within the same second is another; a deletion names no state.
func TestSubscriptionEventIDs(t *testing.T) {
	body := fixture(t, "subscription_active.json")
	created := woocommerce.EventID(woocommerce.TopicSubscriptionCreated, body)
	if created != woocommerce.EventID(woocommerce.TopicSubscriptionUpdated, body) ||
		created != woocommerce.EventID(woocommerce.TopicSubscriptionSwitched, body) {
		t.Fatalf("one state, several event ids")
	}
	held := woocommerce.EventID(woocommerce.TopicSubscriptionUpdated, subscriptionBody(t, map[string]any{"status": "on-hold"}))
	if held == created {
		t.Fatalf("status change kept event id %q", held)
	}
	events, err := newAdapter().ParseWebhook(woocommerce.TopicSubscriptionDeleted, []byte(`{"id":728}`))
	if err != nil || len(events) != 0 {
		t.Fatalf("subscription.deleted: %s %v", dump(events), err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package paddle

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

const sampleSub = "sub_01hv8x29kz0t586xy6zn1a62ny"

func TestParseSubscriptionEvents(t *testing.T) {
	// Shapes: Paddle's subscription event samples (see testdata/README.md).
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		topic, file string
		want        platforms.Subscription
	}{
		{TopicSubscriptionCreated, "subscription_created.json", platforms.Subscription{
			Status: platforms.SubscriptionActive, Currency: "USD",
			Amount: 40000, MonthlyAmount: 40000, // 10 seats × 30.00 + the 100.00 addon, monthly
			StartedAt: at("2024-04-12T10:18:47.635628Z"), ChangedAt: at("2024-04-12T10:18:48.831Z")}},
		{TopicSubscriptionActivated, "subscription_activated.json", platforms.Subscription{
			Status: platforms.SubscriptionActive, Currency: "USD", Amount: 40000, MonthlyAmount: 40000,
			// the same state as subscription.created: the same ChangedAt, not its later occurred_at
			StartedAt: at("2024-04-12T10:18:47.635628Z"), ChangedAt: at("2024-04-12T10:18:48.831Z")}},
		{TopicSubscriptionUpdated, "subscription_updated.json", platforms.Subscription{
			Status: platforms.SubscriptionActive, Currency: "USD",
			Amount: 95000, MonthlyAmount: 95000, // 20 × 30.00 + 100.00 + 250.00 VIP support
			StartedAt: at("2024-04-12T10:37:59.556997Z"), ChangedAt: at("2024-04-12T10:49:38.771Z")}},
		{TopicSubscriptionUpdated, "subscription_updated_cancel_scheduled.json", platforms.Subscription{
			// cancellation scheduled for the period's end: still active and paying, no CanceledAt yet
			Status: platforms.SubscriptionActive, Currency: "USD", Amount: 95000, MonthlyAmount: 95000,
			StartedAt: at("2024-04-12T10:37:59.556997Z"), ChangedAt: at("2024-04-12T11:02:17.204Z")}},
		{TopicSubscriptionCanceled, "subscription_canceled.json", platforms.Subscription{
			Status: platforms.SubscriptionCanceled, Currency: "USD", Amount: 95000, MonthlyAmount: 95000,
			StartedAt: at("2024-04-12T10:37:59.556997Z"), CanceledAt: at("2024-04-12T11:24:54.868Z"),
			ChangedAt: at("2024-04-12T11:24:54.873Z")}},
		{TopicSubscriptionPaused, "subscription_paused.json", platforms.Subscription{
			Status: platforms.SubscriptionPaused, Currency: "USD", Amount: 40000, MonthlyAmount: 40000,
			StartedAt: at("2024-04-12T12:42:27.185672Z"), ChangedAt: at("2024-04-12T12:43:43.219Z")}},
		{TopicSubscriptionResumed, "subscription_activated.json", platforms.Subscription{
			Status: platforms.SubscriptionActive, Currency: "USD", Amount: 40000, MonthlyAmount: 40000,
			StartedAt: at("2024-04-12T10:18:47.635628Z"), ChangedAt: at("2024-04-12T10:18:48.831Z")}},
		{TopicSubscriptionTrialing, "subscription_trialing.json", platforms.Subscription{
			Status: platforms.SubscriptionTrialing, Currency: "USD", Amount: 5000, MonthlyAmount: 5000, // 10 × 5.00
			StartedAt: at("2024-04-12T11:30:29.637Z"), ChangedAt: at("2024-04-12T11:30:29.648Z")}},
		{TopicSubscriptionPastDue, "subscription_past_due.json", platforms.Subscription{
			// billed in EUR: the price's EUR override, 10 × 7.00; the discount named by id only, so before it
			Status: platforms.SubscriptionPastDue, Currency: "EUR", Amount: 7000, MonthlyAmount: 7000,
			Codes:     []string{"dsc_01gtgztp8fpchantd5g1wrksa3"},
			StartedAt: at("2024-04-12T11:30:29.637Z"), ChangedAt: at("2024-04-26T11:31:02.514Z")}},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.topic, func(t *testing.T) {
			events, err := a.ParseWebhook(tt.topic, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 1 || events[0].Kind != platforms.KindSubscription || events[0].Subscription == nil {
				t.Fatalf("events = %+v, want one subscription", events)
			}
			want := tt.want
			want.ExternalID, want.CustomerID, want.Interval, want.IntervalCount = sampleSub, "ctm_01hv6y1jedq4p1n0yqn5ba3ky4", platforms.IntervalMonth, 1
			if got := *events[0].Subscription; !reflect.DeepEqual(got, want) {
				t.Errorf("subscription\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// The subscription a renewal's transaction.completed names is the one
// the subscription events describe: the engine joins them by this id.
func TestSubscriptionIDMatchesOrders(t *testing.T) {
	a := New(Config{})
	orders, err := a.ParseWebhook(TopicTransactionCompleted, fixture(t, "transaction_completed_renewal.json"))
	if err != nil {
		t.Fatal(err)
	}
	subs, err := a.ParseWebhook(TopicSubscriptionCreated, fixture(t, "subscription_created.json"))
	if err != nil {
		t.Fatal(err)
	}
	if orders[0].Order.SubscriptionID != subs[0].Subscription.ExternalID {
		t.Errorf("order names %q, subscription is %q", orders[0].Order.SubscriptionID, subs[0].Subscription.ExternalID)
	}
}

func TestParseSubscriptionIntervalsAndItems(t *testing.T) {
	a := New(Config{})
	base := string(fixture(t, "subscription_created.json"))
	tests := []struct {
		name            string
		edit            func(string) string
		amount, monthly int64
		interval        string
		count           int64
	}{
		{"yearly", func(s string) string {
			return strings.ReplaceAll(s, `"interval": "month"`, `"interval": "year"`)
		}, 40000, 3333, platforms.IntervalYear, 1}, // 400.00 / 12 = 33.333 → 33.33
		{"every two weeks", func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, `"interval": "month"`, `"interval": "week"`), `"frequency": 1`, `"frequency": 2`)
		}, 40000, 86964, platforms.IntervalWeek, 2}, // 400.00 × 4.348214 / 2 = 869.64
		{"an inactive item is not billed", func(s string) string {
			return strings.Replace(s, `"status": "active",
        "quantity": 1,`, `"status": "inactive",
        "quantity": 1,`, 1)
		}, 30000, 30000, platforms.IntervalMonth, 1},
		{"a one-off item is not billed again", func(s string) string {
			return strings.Replace(s, `"quantity": 1,
        "recurring": true`, `"quantity": 1,
        "recurring": false`, 1)
		}, 30000, 30000, platforms.IntervalMonth, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.edit(base)
			if body == base {
				t.Fatal("the edit changed nothing")
			}
			events, err := a.ParseWebhook(TopicSubscriptionUpdated, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			s := events[0].Subscription
			if s.Amount != tt.amount || s.MonthlyAmount != tt.monthly || s.Interval != tt.interval || s.IntervalCount != tt.count {
				t.Errorf("got %d (%d a month) every %d %s, want %d (%d) every %d %s",
					s.Amount, s.MonthlyAmount, s.IntervalCount, s.Interval, tt.amount, tt.monthly, tt.count, tt.interval)
			}
		})
	}
}

func TestParseSubscriptionRefusesWhatItCannotCount(t *testing.T) {
	a := New(Config{})
	created := string(fixture(t, "subscription_created.json"))
	tests := []struct{ name, body string }{
		{"unknown status", strings.Replace(created, `"status": "active",
    "discount"`, `"status": "frozen",
    "discount"`, 1)},
		{"no price in the currency", strings.Replace(created, `"currency_code": "USD",
    "next_billed_at"`, `"currency_code": "JPY",
    "next_billed_at"`, 1)},
		{"an item on another cycle", strings.Replace(created, `"frequency": 1`, `"frequency": 3`, 1)},
		{"fractional amount", strings.Replace(created, `"amount": "3000"`, `"amount": "30.00"`, 1)},
		{"no id", strings.Replace(created, `"id": "sub_01hv8x29kz0t586xy6zn1a62ny"`, `"id": ""`, 1)},
		{"no data", `{"event_id": "evt_1", "event_type": "subscription.updated", "occurred_at": "2024-04-12T10:18:49Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body == created {
				t.Fatal("the edit changed nothing")
			}
			if _, err := a.ParseWebhook(TopicSubscriptionUpdated, []byte(tt.body)); !errors.Is(err, platforms.ErrPayload) {
				t.Errorf("err = %v, want ErrPayload", err)
			}
		})
	}
}

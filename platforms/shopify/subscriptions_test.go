package shopify

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

// enrichWith runs EnrichWebhook on a recorded contract webhook against an
// Admin API that answers answer, and parses the result.
func enrichWith(t *testing.T, c *platforms.Conn, hook, answer string) ([]platforms.Event, *fakeAdmin, error) {
	t.Helper()
	f := &fakeAdmin{status: 200, body: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a := New(Config{APIKey: "k", APISecret: "s", BaseURL: srv.URL})
	topic := "subscription_contracts/" + strings.TrimSuffix(strings.TrimPrefix(hook, "subscription_contracts_"), ".json")
	body, err := a.EnrichWebhook(context.Background(), c, topic, readFixture(t, hook))
	if err != nil {
		return nil, f, err
	}
	evs, err := a.ParseWebhook(topic, body)
	return evs, f, err
}

// The contract of testdata/subscription_contract_query.json: two lines,
// 2 × 18.00 with 10 % off (32.40) and 1 × 9.99, so 42.39 USD a month.
func TestContractCreateReadsTheLines(t *testing.T) {
	evs, f, err := enrichWith(t, liveConn(), "subscription_contracts_create.json", string(readFixture(t, "graphql/subscription_contract_query.json")))
	if err != nil || len(evs) != 1 || evs[0].Kind != platforms.KindSubscription {
		t.Fatalf("events %+v, %v", evs, err)
	}
	s := evs[0].Subscription
	want := platforms.Subscription{ExternalID: "5012345678", CustomerID: "7006312517905", CustomerEmail: "dana@example.com",
		Status: platforms.SubscriptionActive, Currency: "USD", Amount: 4239, Interval: platforms.IntervalMonth,
		IntervalCount: 1, MonthlyAmount: 4239, StartedAt: time.Date(2026, 11, 2, 10, 15, 0, 0, time.UTC),
		ChangedAt: time.Date(2026, 11, 2, 10, 15, 3, 0, time.UTC)}
	if !sameSubscription(*s, want) {
		t.Fatalf("subscription %+v\nwant %+v", *s, want)
	}
	if !strings.Contains(f.gotBody, `"id":"gid://shopify/SubscriptionContract/5012345678"`) {
		t.Fatalf("asked %s", f.gotBody)
	}
}

func sameSubscription(a, b platforms.Subscription) bool {
	return a.ExternalID == b.ExternalID && a.CustomerID == b.CustomerID && a.CustomerEmail == b.CustomerEmail &&
		a.Status == b.Status && a.Currency == b.Currency && a.Amount == b.Amount && a.Interval == b.Interval &&
		a.IntervalCount == b.IntervalCount && a.MonthlyAmount == b.MonthlyAmount && a.StartedAt.Equal(b.StartedAt) &&
		a.CanceledAt.Equal(b.CanceledAt) && a.ChangedAt.Equal(b.ChangedAt)
}

// Statuses, intervals and amounts as the contract states them, whatever
// the topic's own status says (the contract is read as it is now).
func TestContractStates(t *testing.T) {
	changed := time.Date(2026, 11, 2, 10, 15, 3, 0, time.UTC)
	tests := []struct {
		name, from, to  string
		status          string
		amount, monthly int64
		interval        string
		canceled        bool
		wantErr         bool
	}{
		{name: "cancelled ends it at its update", from: `"ACTIVE"`, to: `"CANCELLED"`, status: platforms.SubscriptionCanceled, amount: 4239, monthly: 4239, canceled: true},
		{name: "expired ends it", from: `"ACTIVE"`, to: `"EXPIRED"`, status: platforms.SubscriptionCanceled, amount: 4239, monthly: 4239, canceled: true},
		{name: "failed billing is past due", from: `"ACTIVE"`, to: `"FAILED"`, status: platforms.SubscriptionPastDue, amount: 4239, monthly: 4239},
		{name: "paused", from: `"ACTIVE"`, to: `"PAUSED"`, status: platforms.SubscriptionPaused, amount: 4239, monthly: 4239},
		// 42.39 every 2 weeks: 4239 × 36525 / (8400 × 2) = 9216.04… → 92.16 a month.
		{name: "every two weeks", from: `"interval": "MONTH",
        "intervalCount": 1`, to: `"interval": "WEEK",
        "intervalCount": 2`, status: platforms.SubscriptionActive, amount: 4239, monthly: 9216, interval: platforms.IntervalWeek},
		// No discounted price: 2 × 18.00 + 9.99 = 45.99.
		{name: "currentPrice × quantity without a discounted price", from: `"lineDiscountedPrice": { "amount": "32.4", "currencyCode": "USD" }`,
			to: `"lineDiscountedPrice": null`, status: platforms.SubscriptionActive, amount: 4599, monthly: 4599},
		{name: "a line in another currency", from: `"currentPrice": { "amount": "9.99", "currencyCode": "USD" },
            "lineDiscountedPrice": { "amount": "9.99", "currencyCode": "USD" }`, to: `"currentPrice": { "amount": "9.99", "currencyCode": "EUR" },
            "lineDiscountedPrice": null`, wantErr: true},
		{name: "an unknown status", from: `"ACTIVE"`, to: `"DRAFT"`, wantErr: true},
	}
	query := string(readFixture(t, "graphql/subscription_contract_query.json"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := strings.Replace(query, tt.from, tt.to, 1)
			if answer == query {
				t.Fatalf("%q not in the fixture", tt.from)
			}
			evs, _, err := enrichWith(t, liveConn(), "subscription_contracts_update.json", answer)
			if tt.wantErr {
				if !errors.Is(err, platforms.ErrPayload) {
					t.Fatalf("events %+v, err %v; want ErrPayload", evs, err)
				}
				return
			}
			if err != nil || len(evs) != 1 {
				t.Fatalf("events %+v, %v", evs, err)
			}
			s := evs[0].Subscription
			interval := tt.interval
			if interval == "" {
				interval = platforms.IntervalMonth
			}
			if s.Status != tt.status || s.Amount != tt.amount || s.MonthlyAmount != tt.monthly || s.Interval != interval ||
				!s.ChangedAt.Equal(changed) || s.CanceledAt.Equal(changed) != tt.canceled {
				t.Fatalf("subscription %+v", *s)
			}
		})
	}
}

// Without the scope the contract cannot be read: the event books nothing
// and fails nothing, and the shop is noted so the log says it once.
func TestContractWithoutScope(t *testing.T) {
	evs, _, err := enrichWith(t, liveConn(), "subscription_contracts_create.json", string(readFixture(t, "graphql/subscription_contract_denied.json")))
	if err != nil || len(evs) != 0 {
		t.Fatalf("access denied gave %+v, %v; want nothing", evs, err)
	}
	c := liveConn()
	c.Credentials[CredScope] = "read_orders,read_discounts"
	evs, f, err := enrichWith(t, c, "subscription_contracts_create.json", `{"data":{}}`)
	if err != nil || len(evs) != 0 || f.got != nil {
		t.Fatalf("scope not granted: %+v, %v, asked %v; want nothing and no call", evs, err, f.got != nil)
	}
	a := New(Config{APIKey: "k", APISecret: "s"})
	a.noteNoContracts("x.myshopify.com", "test")
	if _, ok := a.noContracts.Load("x.myshopify.com"); !ok {
		t.Fatal("shop not noted")
	}
}

func TestEnrichesOnlyContracts(t *testing.T) {
	a := New(Config{APIKey: "k", APISecret: "s"})
	for _, topic := range Topics {
		if a.Enriches(topic, []byte(`{"id":1,"source_name":"web","customer":{"id":2}}`)) {
			t.Errorf("%s enriched", topic)
		}
		body := []byte(`{"id":1}`)
		if got, err := a.EnrichWebhook(context.Background(), liveConn(), topic, body); err != nil || string(got) != string(body) {
			t.Errorf("%s: body %s, %v; want it unchanged without a call", topic, got, err)
		}
	}
	renewal := []byte(`{"id":1,"source_name":"subscription_contract","customer":{"id":2}}`)
	if !a.Enriches(TopicOrdersPaid, renewal) {
		t.Error("a renewal order not enriched")
	}
	for _, topic := range ContractTopics {
		if !a.Enriches(topic, nil) {
			t.Errorf("%s not enriched", topic)
		}
	}
}

// The webhook alone carries no amount: parsed without the contract it
// gives no event rather than a state of 0.
func TestContractWebhookAloneGivesNoEvent(t *testing.T) {
	evs, err := ParseWebhook(TopicSubscriptionContractsCreate, readFixture(t, "subscription_contracts_create.json"))
	if err != nil || len(evs) != 0 {
		t.Fatalf("%+v, %v", evs, err)
	}
	if _, err := ParseWebhook(TopicSubscriptionContractsCreate, []byte(`{"status":"active"}`)); !errors.Is(err, platforms.ErrPayload) {
		t.Fatalf("contract without an id: %v", err)
	}
}

// A throttled or failing read fails the event, so it is tried again.
func TestContractReadFailureRetries(t *testing.T) {
	_, _, err := enrichWith(t, liveConn(), "subscription_contracts_create.json",
		`{"errors":[{"message":"Internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	if err == nil || errors.Is(err, errAccessDenied) {
		t.Fatalf("err = %v; want a failure", err)
	}
}

// A renewal order (testdata/orders_paid.json as a billing attempt's) is
// linked to the contract whose latest orders hold it; refused, it is
// booked as it came.
func TestRenewalOrderNamesItsContract(t *testing.T) {
	body := strings.Replace(string(readFixture(t, "orders_paid.json")), `"source_name": "web"`, `"source_name": "subscription_contract"`, 1)
	var o struct {
		ID       id `json:"id"`
		Customer struct {
			ID id `json:"id"`
		} `json:"customer"`
	}
	if err := decode([]byte(body), &o); err != nil || !strings.Contains(body, sourceRenewal) {
		t.Fatalf("fixture: %v", err)
	}
	answer := `{"data":{"customer":{"subscriptionContracts":{"nodes":[
	  {"id":"gid://shopify/SubscriptionContract/11","orders":{"nodes":[{"id":"gid://shopify/Order/1"}]}},
	  {"id":"gid://shopify/SubscriptionContract/12","orders":{"nodes":[{"id":"gid://shopify/Order/` + string(o.ID) + `"}]}}],
	  "pageInfo":{"hasNextPage":false,"endCursor":null}}}}}`
	for _, tt := range []struct{ name, answer, want string }{
		{"found", answer, "12"},
		{"not among the latest orders", strings.Replace(answer, "Order/"+string(o.ID), "Order/2", 1), ""},
		{"access denied", string(readFixture(t, "graphql/subscription_contract_denied.json")), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeAdmin{status: 200, body: tt.answer}
			srv := httptest.NewServer(f)
			defer srv.Close()
			a := New(Config{APIKey: "k", APISecret: "s", BaseURL: srv.URL})
			got, err := a.EnrichWebhook(context.Background(), liveConn(), TopicOrdersPaid, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			evs, err := a.ParseWebhook(TopicOrdersPaid, got)
			if err != nil || len(evs) != 1 || evs[0].Order.SubscriptionID != tt.want {
				t.Fatalf("events %+v, %v; want subscription %q", evs, err, tt.want)
			}
			if !strings.Contains(f.gotBody, `"id":"gid://shopify/Customer/`+string(o.Customer.ID)+`"`) {
				t.Fatalf("asked %s", f.gotBody)
			}
		})
	}
}

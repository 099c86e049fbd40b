package stripe_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// The endpoint created on an account connected with its key subscribes to
// the subscription lifecycle beside payments: Stripe's own listing of the
// account's endpoints (GET /v1/webhook_endpoints, enabled_events) names
// customer.subscription.created, .updated and .deleted, and a subscription
// started, changed and canceled on that account reaches the app as those
// three events, through that endpoint alone.
func TestKeyEndpointSubscribesToSubscriptionEvents(t *testing.T) {
	a := newApp(t)
	pc, got := a.connectKey(0)
	key := got.Credentials[stripe.CredAPIKey]

	r := httptest.NewRequest(http.MethodGet, "/v1/webhook_endpoints", nil)
	r.Header.Set("Authorization", "Bearer "+key)
	w := httptest.NewRecorder()
	a.sb.ServeHTTP(w, r)
	var list struct {
		Data []struct {
			ID            string   `json:"id"`
			URL           string   `json:"url"`
			EnabledEvents []string `json:"enabled_events"`
		} `json:"data"`
	}
	// Ours, and the Connect endpoint for account.updated (connect_endpoint.go).
	if err := json.Unmarshal(w.Body.Bytes(), &list); w.Code != http.StatusOK || err != nil || len(list.Data) != 2 {
		t.Fatalf("GET /v1/webhook_endpoints: %d %s (%v)", w.Code, w.Body, err)
	}
	ep := list.Data[0]
	if ep.ID == got.Credentials[stripe.CredConnectWebhookEndpointID] {
		ep = list.Data[1]
	}
	if ep.ID != got.Credentials[stripe.CredWebhookEndpointID] || ep.URL != a.srv.URL+"/webhooks/stripe?c="+got.AccountID {
		t.Fatalf("endpoint %+v is not the one kept in the credentials", ep)
	}
	lifecycle := []string{"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
	for _, want := range append([]string{"invoice.paid"}, lifecycle...) {
		if !slices.Contains(ep.EnabledEvents, want) {
			t.Errorf("the endpoint's enabled_events %v lack %s", ep.EnabledEvents, want)
		}
	}

	n := a.count()
	first, err := a.sb.StartSubscription(pc.ExternalID, "", []sandbox.Item{{Product: "prod_seat", Title: "Seat", UnitAmount: 1500, Quantity: 2}}, "usd")
	must(t, err)
	_, err = a.sb.ChangeSubscription(first.SubscriptionID, []sandbox.Item{{Product: "prod_seat", Title: "Seat", UnitAmount: 1500, Quantity: 3}})
	must(t, err)
	_, err = a.sb.CancelSubscription(first.SubscriptionID, false)
	must(t, err)
	var topics []string
	for _, rec := range a.since(n) {
		if slices.Contains(lifecycle, rec.webhook.Topic) {
			topics = append(topics, rec.webhook.Topic)
		}
	}
	if !slices.Equal(topics, lifecycle) {
		t.Fatalf("subscription events received %v, want %v", topics, lifecycle)
	}
	if states := a.subscriptionStates(n); len(states) != 3 || states[2].Status != "canceled" {
		t.Fatalf("states %+v, want three ending canceled", states)
	}
}

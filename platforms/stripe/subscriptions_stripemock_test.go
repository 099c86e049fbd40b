package stripe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	stripego "github.com/stripe/stripe-go/v85"
)

// The subscription read that resolves a subscription event's discount ids
// is a request Stripe accepts: GET /v1/subscriptions/{id} with
// expand[]=discounts.source.coupon, on the connected account.
func TestSubscriptionDiscountsAgainstStripeMock(t *testing.T) {
	a, rec, conn := mockConnected(t)
	body := `{"id":"evt_1","object":"event","type":"customer.subscription.updated","api_version":"` + stripego.APIVersion + `",` +
		`"livemode":true,"created":1775124000,"data":{"object":{"id":"sub_1Codecredit","object":"subscription",` +
		`"status":"active","currency":"usd","start_date":1775000000,"discounts":["di_1Codecredit"],` +
		`"items":{"object":"list","data":[{"quantity":2,"price":{"currency":"usd","unit_amount":1500,` +
		`"recurring":{"interval":"month","interval_count":1}}}]}}}}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := a.EnrichWebhook(ctx, conn, "customer.subscription.updated", []byte(body))
	calls := rec.expect(t, "GET /v1/subscriptions/sub_1Codecredit")
	if err != nil {
		t.Fatalf("EnrichWebhook: %v", err)
	}
	if len(calls) == 1 && (calls[0].account != conn.ExternalID ||
		!strings.Contains(calls[0].query, "expand[0]=discounts.source.coupon")) {
		t.Errorf("request %+v, want expand[0]=discounts.source.coupon on %s", calls[0], conn.ExternalID)
	}
	if strings.Contains(string(out), `"di_1Codecredit"`) {
		t.Errorf("the discount ids were not replaced: %s", out)
	}
}

package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"codecredit/platforms"
)

// A test-mode key is refused at connect with a clear reason, and nothing
// is connected: test-mode events (livemode false) are never booked, so a
// test connection would only ever show nothing.
func TestConnectStripeRefusesTestKeys(t *testing.T) {
	w := newStripeWorld(t)
	for _, key := range []string{"rk_test_51Hq8dAa0000000000000000", "sk_test_51Hq8dAa0000000000000000"} {
		res, out := w.do(http.MethodPost, "/api/v1/connections/stripe", w.apiKey, `{"api_key":"`+key+`"}`)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(stripeText(out["error"]), "test-mode key") ||
			!strings.Contains(stripeText(out["error"]), "rk_live_") {
			t.Fatalf("%s: status %d %v, want 400 naming the test-mode key", key, res.StatusCode, out)
		}
	}
	conns, err := w.store.ListConnections(context.Background(), w.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.Platform == platforms.Stripe {
			t.Fatalf("a test key connected %+v", c)
		}
	}
}

package sandbox_test

import (
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"codecredit/platforms/stripe/sandbox"
)

// The sandbox signs its deliveries as Stripe does: the header equals the
// one stripe-go's test signer makes, and stripe-go's own check accepts it
// under the endpoint's secret only.
func TestSignAgreesWithStripeGo(t *testing.T) {
	body := []byte(`{"id":"evt_sbx01","object":"event","type":"checkout.session.completed"}`)
	at := time.Unix(1775124000, 0)
	got := sandbox.Sign(at, body, "whsec_endpoint")
	want := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_endpoint", Timestamp: at}).Header
	if got != want {
		t.Fatalf("Sign = %q, stripe-go signs %q", got, want)
	}
	if err := webhook.ValidatePayloadIgnoringTolerance(body, got, "whsec_endpoint"); err != nil {
		t.Fatalf("stripe-go refuses the sandbox's signature: %v", err)
	}
	if err := webhook.ValidatePayloadIgnoringTolerance(body, got, "whsec_other"); err == nil {
		t.Fatal("stripe-go accepts the sandbox's signature under another secret")
	}
}

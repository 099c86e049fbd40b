package stripe_test

import (
	"context"
	"testing"

	"codecredit/platforms/stripe"
)

// A pasted-key connection made before Connect endpoints existed gets one
// when an affiliate first onboards: exactly one, beside its own endpoint
// (a stray one at our URL is replaced), and asking again changes nothing.
func TestEnsureConnectEndpoint(t *testing.T) {
	a := newApp(t)
	pc, got := a.connectKey(0)
	ctx := context.Background()
	if changed, err := a.adapter.EnsureConnectEndpoint(ctx, pc); err != nil || changed {
		t.Fatalf("a fresh connection: changed %v (%v), want it to have one already", changed, err)
	}
	stray := pc.Credentials[stripe.CredConnectWebhookEndpointID]
	delete(pc.Credentials, stripe.CredConnectWebhookSecret) // as made before
	delete(pc.Credentials, stripe.CredConnectWebhookEndpointID)
	changed, err := a.adapter.EnsureConnectEndpoint(ctx, pc)
	if err != nil || !changed {
		t.Fatalf("an old connection: changed %v (%v), want a new endpoint", changed, err)
	}
	want := a.srv.URL + "/webhooks/stripe?c=" + got.AccountID
	if eps := a.sb.ConnectEndpoints(got.AccountID); len(eps) != 1 || eps[0] != want {
		t.Fatalf("connect endpoints %v, want only [%s]", eps, want)
	}
	if id := pc.Credentials[stripe.CredConnectWebhookEndpointID]; id == "" || id == stray || pc.Credentials[stripe.CredConnectWebhookSecret] == "" {
		t.Fatalf("credentials keep endpoint %q (stray was %q)", id, stray)
	}
	if eps := a.sb.Endpoints(got.AccountID); len(eps) != 1 || eps[0] != want {
		t.Fatalf("own endpoints %v, want the one untouched", eps)
	}
	if changed, err := a.adapter.EnsureConnectEndpoint(ctx, pc); err != nil || changed {
		t.Fatalf("asking again: changed %v (%v)", changed, err)
	}
}

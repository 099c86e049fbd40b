package stripe

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// A pasted-key merchant's Stripe account is the Connect platform of the
// affiliates it pays, and Stripe sends events about connected accounts
// (account.updated, as an affiliate finishes or loses onboarding) only to
// the account's Connect endpoints (webhook endpoints made with
// connect=true, https://docs.stripe.com/connect/webhooks). So beside the
// account's own endpoint we make one Connect endpoint, at the same URL,
// for ConnectEndpointEvents only.

// ConnectEndpointEvents are the connected-account events we ask for.
var ConnectEndpointEvents = []string{EventAccountUpdated}

// EnsureConnectEndpoint gives a pasted-key connection its Connect endpoint
// when it has none yet (a connection made before such endpoints were
// made), replacing any stray one at our URL; it reports whether the
// credentials changed and must be saved. An OAuth connection needs none:
// its affiliates are paid by no Express account of its own.
func (a *Adapter) EnsureConnectEndpoint(ctx context.Context, c *platforms.Conn) (bool, error) {
	if c.Credentials[CredMode] != ModeKey || c.Credentials[CredConnectWebhookSecret] != "" {
		return false, nil
	}
	sc, _, err := a.client(c)
	if err != nil {
		return false, err
	}
	url, own := a.WebhookURL(c.ExternalID), c.Credentials[CredWebhookEndpointID]
	for ep, err := range sc.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{}).All(ctx) {
		if err != nil {
			return false, callError("list webhook endpoints", err)
		}
		if ep.URL != url || ep.ID == own {
			continue
		}
		if _, err := sc.V1WebhookEndpoints.Delete(ctx, ep.ID, nil); err != nil {
			return false, callError("delete webhook endpoint", err)
		}
	}
	return true, a.createConnectEndpoint(ctx, c)
}

// createConnectEndpoint makes the Connect endpoint and keeps its id and
// signing secret in the credentials.
func (a *Adapter) createConnectEndpoint(ctx context.Context, c *platforms.Conn) error {
	sc, _, err := a.client(c)
	if err != nil {
		return err
	}
	ep, err := sc.V1WebhookEndpoints.Create(ctx, &stripe.WebhookEndpointCreateParams{
		URL:           stripe.String(a.WebhookURL(c.ExternalID)),
		EnabledEvents: stripe.StringSlice(ConnectEndpointEvents),
		Connect:       stripe.Bool(true),
		APIVersion:    stripe.String(stripe.APIVersion),
		Description:   stripe.String("Codecredit: onboarding of the affiliates paid through Stripe Connect"),
	})
	if err != nil {
		return callError("create connect webhook endpoint", err)
	}
	if ep.Secret == "" {
		return fmt.Errorf("stripe: the new Connect webhook endpoint came without a signing secret")
	}
	c.Credentials[CredConnectWebhookSecret] = ep.Secret
	c.Credentials[CredConnectWebhookEndpointID] = ep.ID
	return nil
}

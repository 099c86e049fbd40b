package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/stripe/stripe-go/v85"
	"golang.org/x/oauth2"

	"codecredit/platforms"
)

// WebhookEvents are the event types a pasted-key account's endpoint is
// created with. The Connect platform endpoint (configured once in the
// Stripe dashboard, "Events on connected accounts") needs ConnectWebhookEvents.
var WebhookEvents = []string{
	"checkout.session.completed",
	"checkout.session.async_payment_succeeded",
	"invoice.paid",
	"refund.created",
	"refund.updated",
	"charge.refunded",
	"charge.refund.updated",
	"charge.dispute.created",
	"charge.dispute.closed",
	"credit_note.created",
	"credit_note.voided",
	"promotion_code.updated",
	"customer.subscription.created",
	"customer.subscription.updated",
	"customer.subscription.deleted",
	"customer.subscription.paused",
	"customer.subscription.resumed",
}

// ConnectWebhookEvents are WebhookEvents plus the disconnection of a
// connected account and, for affiliates paid through Connect Express
// accounts, their onboarding's progress (EventAccountUpdated).
var ConnectWebhookEvents = append(append([]string(nil), WebhookEvents...), "account.application.deauthorized", EventAccountUpdated)

// Connected is a Stripe account we may now call: the connection to install.
type Connected struct {
	AccountID   string            // acct_..., the connection's ExternalID
	Credentials map[string]string // see the Cred* keys
	Currency    string            // the account's default currency, upper case
	Name        string            // business or dashboard name
	Email       string
}

// oauth is the Connect OAuth client (https://docs.stripe.com/connect/oauth-reference).
// Stripe takes the platform secret key as client_secret in the form.
func (a *Adapter) oauth() *oauth2.Config {
	host := a.host(stripe.ConnectURL)
	c := &oauth2.Config{
		ClientID:     a.cfg.ClientID,
		ClientSecret: a.cfg.SecretKey,
		Endpoint: oauth2.Endpoint{
			AuthURL:   host + "/oauth/authorize",
			TokenURL:  host + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Scopes: []string{"read_write"},
	}
	if a.cfg.AppURL != "" {
		c.RedirectURL = a.cfg.AppURL + "/auth/stripe/callback"
	}
	return c
}

// OAuthConfigured reports whether Connect OAuth can run: the platform's
// client id and secret key are set.
func (a *Adapter) OAuthConfigured() bool { return a.cfg.ClientID != "" && a.cfg.SecretKey != "" }

// AuthorizeURL is where to send the merchant to connect their account:
// https://connect.stripe.com/oauth/authorize?response_type=code&client_id=...&scope=read_write&state=...
// (the browser goes there, so with a base URL its whole path is kept).
func (a *Adapter) AuthorizeURL(state string) string {
	c := a.oauth()
	if a.cfg.BaseURL != "" {
		c.Endpoint.AuthURL = a.cfg.BaseURL + "/oauth/authorize"
	}
	return c.AuthCodeURL(state)
}

// ExchangeCode trades the code of the OAuth callback for the connected
// account. The access token is not kept: calls use the platform key with
// the Stripe-Account header, as Stripe recommends. A code Stripe refuses is
// a *platforms.RejectedError.
func (a *Adapter) ExchangeCode(ctx context.Context, code string) (Connected, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.cfg.HTTPClient)
	tok, err := a.oauth().Exchange(ctx, code)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
		reason := re.ErrorDescription
		if reason == "" {
			reason = re.ErrorCode
		}
		if reason == "" {
			reason = http.StatusText(re.Response.StatusCode)
		}
		return Connected{}, &platforms.RejectedError{Reason: "Stripe refused the connection: " + reason}
	}
	if err != nil {
		return Connected{}, fmt.Errorf("stripe: oauth token: %w", err)
	}
	if live, ok := tok.Extra("livemode").(bool); ok && !live && !a.cfg.AllowTestKeys {
		return Connected{}, &platforms.RejectedError{Reason: ErrTestMode}
	}
	account, _ := tok.Extra("stripe_user_id").(string)
	if account == "" {
		return Connected{}, fmt.Errorf("stripe: oauth token: no stripe_user_id in the answer")
	}
	scope, _ := tok.Extra("scope").(string)
	creds := map[string]string{CredMode: ModeConnect, CredStripeUserID: account, CredScope: scope}
	conn := &platforms.Conn{ExternalID: account, Credentials: creds}
	return a.describe(ctx, conn)
}

// ConnectWithKey connects an account by a pasted restricted key:
// LookupKey, then CreateWebhookEndpoint. The key needs write access to
// coupons, promotion codes and webhook endpoints. A key Stripe refuses is a
// *platforms.RejectedError.
func (a *Adapter) ConnectWithKey(ctx context.Context, key string) (Connected, error) {
	got, err := a.LookupKey(ctx, key)
	if err != nil {
		return Connected{}, err
	}
	if err := a.CreateWebhookEndpoint(ctx, &got); err != nil {
		return Connected{}, err
	}
	return got, nil
}

// ErrTestMode is the reason a test-mode key or connection is refused:
// commission is money owed for real payments, and test-mode events
// (livemode false) are never booked.
const ErrTestMode = "this is a test-mode key; Codecredit books live payments only, so connect with a live restricted key (rk_live_...)"

// LookupKey learns which account a pasted key opens (GET /v1/account),
// changing nothing on it. A key Stripe refuses, or a test-mode key, is a
// *platforms.RejectedError.
func (a *Adapter) LookupKey(ctx context.Context, key string) (Connected, error) {
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, "rk_") && !strings.HasPrefix(key, "sk_") {
		return Connected{}, &platforms.RejectedError{Reason: "a Stripe restricted key starts with rk_ (or a secret key with sk_)"}
	}
	if strings.HasPrefix(key, "rk_test_") || strings.HasPrefix(key, "sk_test_") {
		if !a.cfg.AllowTestKeys {
			return Connected{}, &platforms.RejectedError{Reason: ErrTestMode}
		}
	}
	conn := &platforms.Conn{Credentials: map[string]string{CredMode: ModeKey, CredAPIKey: key}}
	got, err := a.describe(ctx, conn)
	if errors.Is(err, platforms.ErrUnauthorized) {
		return Connected{}, &platforms.RejectedError{Reason: "Stripe refused this key: " + stripeSays(err)}
	}
	return got, err
}

// CreateWebhookEndpoint replaces any endpoint of ours on a pasted-key
// account with a new one for WebhookEvents, pinned to stripe.APIVersion,
// and a Connect endpoint for the affiliates' Express accounts
// (connect_endpoint.go), and keeps their signing secrets in the
// credentials.
func (a *Adapter) CreateWebhookEndpoint(ctx context.Context, c *Connected) error {
	if a.cfg.AppURL == "" {
		return fmt.Errorf("stripe: APP_URL is needed to receive webhooks")
	}
	conn := &platforms.Conn{ExternalID: c.AccountID, Credentials: c.Credentials}
	ep, err := a.replaceEndpoint(ctx, conn)
	if err != nil {
		return err
	}
	c.Credentials[CredWebhookSecret] = ep.Secret
	c.Credentials[CredWebhookEndpointID] = ep.ID
	return a.createConnectEndpoint(ctx, conn)
}

// describe reads the account a connection acts on.
func (a *Adapter) describe(ctx context.Context, c *platforms.Conn) (Connected, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return Connected{}, err
	}
	p := &stripe.AccountRetrieveParams{}
	p.StripeAccount = account
	acct, err := sc.V1Accounts.Retrieve(ctx, p)
	if err != nil {
		return Connected{}, callError("retrieve account", err)
	}
	creds := c.Credentials
	creds[CredStripeUserID] = acct.ID
	out := Connected{AccountID: acct.ID, Credentials: creds, Email: acct.Email,
		Currency: strings.ToUpper(string(acct.DefaultCurrency))}
	if acct.BusinessProfile != nil {
		out.Name = acct.BusinessProfile.Name
	}
	if out.Name == "" && acct.Settings != nil && acct.Settings.Dashboard != nil {
		out.Name = acct.Settings.Dashboard.DisplayName
	}
	return out, nil
}

// replaceEndpoint deletes the endpoints of the account that point at our
// URL and creates a fresh one, pinned to stripe.APIVersion.
func (a *Adapter) replaceEndpoint(ctx context.Context, c *platforms.Conn) (*stripe.WebhookEndpoint, error) {
	sc, _, err := a.client(c)
	if err != nil {
		return nil, err
	}
	url := a.WebhookURL(c.ExternalID)
	for ep, err := range sc.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{}).All(ctx) {
		if err != nil {
			return nil, callError("list webhook endpoints", err)
		}
		if ep.URL != url {
			continue
		}
		if _, err := sc.V1WebhookEndpoints.Delete(ctx, ep.ID, nil); err != nil {
			return nil, callError("delete webhook endpoint", err)
		}
	}
	ep, err := sc.V1WebhookEndpoints.Create(ctx, &stripe.WebhookEndpointCreateParams{
		URL:           stripe.String(url),
		EnabledEvents: stripe.StringSlice(WebhookEvents),
		APIVersion:    stripe.String(stripe.APIVersion),
		Description:   stripe.String("Codecredit: orders, refunds, subscriptions and promotion codes"),
	})
	if err != nil {
		return nil, callError("create webhook endpoint", err)
	}
	if ep.Secret == "" {
		return nil, fmt.Errorf("stripe: the new webhook endpoint came without a signing secret")
	}
	return ep, nil
}

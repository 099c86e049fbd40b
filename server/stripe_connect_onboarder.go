package main

import (
	"context"
	"fmt"
	"strconv"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// stripeOnboarder onboards affiliates onto Stripe Connect Express accounts
// of the merchant's own Stripe account, the one connected with a pasted
// key: that account is the Connect platform that pays them
// (handlers.ConnectOnboarder).
type stripeOnboarder struct {
	store  *models.Store
	stripe *stripe.Adapter
}

// OnboardingLink creates the affiliate's Express account on the merchant's
// Stripe account when there is none yet (tagged with the account and
// affiliate ids, so that account.updated finds the affiliate again) and
// returns a fresh onboarding link for it.
func (o *stripeOnboarder) OnboardingLink(ctx context.Context, acct *models.Account, aff *models.Affiliate, stripeAccountID, returnURL, refreshURL string) (string, string, error) {
	payer, err := o.payer(ctx, acct.ID)
	if err != nil {
		return "", "", err
	}
	if err := o.ensureConnectEndpoint(ctx, payer); err != nil {
		return "", "", err
	}
	if stripeAccountID == "" {
		ids := map[string]string{handlers.ExpressMetaAccount: strconv.FormatUint(acct.ID, 10),
			handlers.ExpressMetaAffiliate: strconv.FormatUint(aff.ID, 10)}
		x, err := o.stripe.CreateExpressAccount(ctx, &payer.Conn, stripe.NewExpressAccount{Email: aff.Email, Metadata: ids,
			IdempotencyKey: fmt.Sprintf("codecredit-express-%d-%d", acct.ID, aff.ID)})
		if err != nil {
			return "", "", err
		}
		stripeAccountID = x.ID
	}
	link, _, err := o.stripe.OnboardingLink(ctx, &payer.Conn, stripeAccountID, refreshURL, returnURL)
	if err != nil {
		return "", "", err
	}
	return stripeAccountID, link, nil
}

// ensureConnectEndpoint makes sure the merchant's Stripe account sends us
// account.updated about the Express accounts it pays (a connection made
// before Connect endpoints were made has none), saving the new secret.
func (o *stripeOnboarder) ensureConnectEndpoint(ctx context.Context, payer *payerConn) error {
	changed, err := o.stripe.EnsureConnectEndpoint(ctx, &payer.Conn)
	if err != nil || !changed {
		return err
	}
	return o.store.SaveCredentials(ctx, payer.id, models.Credentials(payer.Credentials))
}

// payerConn is the connection that pays, with its id to save it back.
type payerConn struct {
	platforms.Conn
	id uint64
}

// ConnectState reads the Express account and tells its onboarding state.
func (o *stripeOnboarder) ConnectState(ctx context.Context, acct *models.Account, stripeAccountID string) (string, error) {
	payer, err := o.payer(ctx, acct.ID)
	if err != nil {
		return "", err
	}
	x, err := o.stripe.ExpressAccount(ctx, &payer.Conn, stripeAccountID)
	if err != nil {
		return "", err
	}
	return handlers.ExpressState(x), nil
}

// payer is the account's active Stripe connection that may pay: one
// connected with a key. An account connected through OAuth only is
// stripe.ErrPayerNeedsKey.
func (o *stripeOnboarder) payer(ctx context.Context, accountID uint64) (*payerConn, error) {
	conns, err := o.store.ListConnections(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var oauth bool
	for i := range conns {
		c := &conns[i]
		if c.Platform != platforms.Stripe || c.Status != models.ConnectionActive {
			continue
		}
		creds, err := o.store.ReadCredentials(c)
		if err != nil {
			return nil, err
		}
		if creds[stripe.CredMode] != stripe.ModeKey {
			oauth = true
			continue
		}
		return &payerConn{Conn: platforms.Conn{ExternalID: c.ExternalID, Credentials: creds}, id: c.ID}, nil
	}
	if oauth {
		return nil, stripe.ErrPayerNeedsKey
	}
	return nil, fmt.Errorf("no active Stripe connection for account %d", accountID)
}

package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// Paying affiliates through Stripe Connect Express
// (https://docs.stripe.com/connect/express-accounts): the paying account is
// a Connect platform, each affiliate gets an Express account of that
// platform (POST /v1/accounts, type=express, the transfers capability),
// onboards through a single-use Account Link (POST /v1/account_links), and
// is paid by transfers from the platform's balance (transfers.go). Stripe
// reports the onboarding's progress in account.updated events, sent to the
// platform's Connect endpoint; ParseAccountUpdated reads them.
//
// The payer is given as a connection: a pasted-key connection (ModeKey)
// pays from the merchant's own account, which must have Connect enabled and
// a key that may write Accounts, Account Links and Transfers and read the
// Balance; nil pays from the app's own platform (STRIPE_SECRET_KEY). An
// OAuth connection cannot pay: Stripe's Connect calls for an account
// connected to us would act on our platform's relation to it, not on its
// own affiliates.

// ErrPayerNeedsKey is returned for an OAuth (ModeConnect) connection given
// as the payer.
var ErrPayerNeedsKey = errors.New("stripe: Connect payouts need the merchant's own restricted key (with write access to Accounts, Account Links and Transfers) or the app's platform; an OAuth connection cannot pay")

// payer is the client acting as the Connect platform that pays: the
// connection's own key, or the platform key for nil. No Stripe-Account
// header is sent: the Express accounts are the payer's own.
func (a *Adapter) payer(c *platforms.Conn) (*stripe.Client, error) {
	if c == nil {
		if a.cfg.SecretKey == "" {
			return nil, fmt.Errorf("stripe: STRIPE_SECRET_KEY is not set")
		}
		return stripe.NewClient(a.cfg.SecretKey, stripe.WithBackends(a.backends)), nil
	}
	if c.Credentials[CredMode] != ModeKey {
		return nil, ErrPayerNeedsKey
	}
	sc, _, err := a.client(c)
	return sc, err
}

// NewExpressAccount is an affiliate's Express account to create.
type NewExpressAccount struct {
	Email    string            // prefilled in onboarding
	Country  string            // ISO 3166-1 alpha-2; "" lets Stripe use the platform's
	Metadata map[string]string // e.g. the affiliate's id, to find the account again
	// IdempotencyKey makes a retried create return the same account
	// ("" = a fresh key, as stripe-go sends by default).
	IdempotencyKey string
}

// ConnectedAccount is what decides whether an Express account can be paid.
type ConnectedAccount struct {
	ID               string
	Email            string
	Country          string
	Currency         string // its default currency, upper case
	DetailsSubmitted bool   // onboarding was completed
	ChargesEnabled   bool
	PayoutsEnabled   bool   // Stripe pays its balance out to its bank
	Transfers        string // the transfers capability: active, inactive, pending, "" (not requested)
	CurrentlyDue     []string
	PastDue          []string
	DisabledReason   string // e.g. "requirements.past_due"; "" when nothing is disabled
	Deadline         time.Time
	Metadata         map[string]string
}

// CanReceiveTransfers reports whether transfers to the account will be
// accepted: its transfers capability is active.
func (c ConnectedAccount) CanReceiveTransfers() bool {
	return c.Transfers == string(stripe.AccountCapabilityStatusActive)
}

// CreateExpressAccount creates an affiliate's Express account on the
// payer's platform, requesting the transfers capability.
func (a *Adapter) CreateExpressAccount(ctx context.Context, payer *platforms.Conn, in NewExpressAccount) (ConnectedAccount, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return ConnectedAccount{}, err
	}
	p := &stripe.AccountCreateParams{
		Type:         stripe.String(string(stripe.AccountTypeExpress)),
		Capabilities: &stripe.AccountCreateCapabilitiesParams{Transfers: &stripe.AccountCreateCapabilitiesTransfersParams{Requested: stripe.Bool(true)}},
		Metadata:     in.Metadata,
	}
	if in.Email != "" {
		p.Email = stripe.String(in.Email)
	}
	if in.Country != "" {
		p.Country = stripe.String(strings.ToUpper(in.Country))
	}
	if in.IdempotencyKey != "" {
		p.SetIdempotencyKey(in.IdempotencyKey)
	}
	acct, err := sc.V1Accounts.Create(ctx, p)
	if err != nil {
		return ConnectedAccount{}, rejection("create Express account", err)
	}
	return connectedAccount(acct), nil
}

// OnboardingLink is a single-use Account Link (type account_onboarding)
// where the affiliate onboards. Stripe sends the browser to returnURL when
// they leave the flow (finished or not: read the account to know), and to
// refreshURL when the link was used or has expired, where a new one is
// made. The link expires at the time returned.
func (a *Adapter) OnboardingLink(ctx context.Context, payer *platforms.Conn, accountID, refreshURL, returnURL string) (string, time.Time, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return "", time.Time{}, err
	}
	link, err := sc.V1AccountLinks.Create(ctx, &stripe.AccountLinkCreateParams{
		Account: stripe.String(accountID), Type: stripe.String("account_onboarding"),
		RefreshURL: stripe.String(refreshURL), ReturnURL: stripe.String(returnURL),
	})
	if err != nil {
		return "", time.Time{}, rejection("create account link", err)
	}
	return link.URL, time.Unix(link.ExpiresAt, 0).UTC(), nil
}

// ExpressAccount reads an Express account of the payer's platform.
func (a *Adapter) ExpressAccount(ctx context.Context, payer *platforms.Conn, accountID string) (ConnectedAccount, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return ConnectedAccount{}, err
	}
	acct, err := sc.V1Accounts.GetByID(ctx, accountID, nil)
	if err != nil {
		return ConnectedAccount{}, callError("retrieve account", err)
	}
	return connectedAccount(acct), nil
}

// EventAccountUpdated is the event Stripe sends when an account's
// onboarding, capabilities or requirements change.
const EventAccountUpdated = "account.updated"

// ParseAccountUpdated reads a verified account.updated event (see
// VerifyWebhook): the account as it now is. Another type, or an event
// without the account, is platforms.ErrPayload.
func ParseAccountUpdated(body []byte) (ConnectedAccount, error) {
	var ev struct {
		Type    string `json:"type"`
		Account string `json:"account"`
		Data    struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return ConnectedAccount{}, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	if ev.Type != EventAccountUpdated {
		return ConnectedAccount{}, fmt.Errorf("%w: event type %q is not %s", platforms.ErrPayload, ev.Type, EventAccountUpdated)
	}
	var acct stripe.Account
	if err := json.Unmarshal(ev.Data.Object, &acct); err != nil || acct.ID == "" {
		return ConnectedAccount{}, fmt.Errorf("%w: account.updated without an account object", platforms.ErrPayload)
	}
	if ev.Account != "" && ev.Account != acct.ID {
		return ConnectedAccount{}, fmt.Errorf("%w: account.updated for %s carries account %s", platforms.ErrPayload, ev.Account, acct.ID)
	}
	return connectedAccount(&acct), nil
}

func connectedAccount(acct *stripe.Account) ConnectedAccount {
	out := ConnectedAccount{ID: acct.ID, Email: acct.Email, Country: acct.Country,
		Currency: strings.ToUpper(string(acct.DefaultCurrency)), DetailsSubmitted: acct.DetailsSubmitted,
		ChargesEnabled: acct.ChargesEnabled, PayoutsEnabled: acct.PayoutsEnabled, Metadata: acct.Metadata}
	if acct.Capabilities != nil {
		out.Transfers = string(acct.Capabilities.Transfers)
	}
	if r := acct.Requirements; r != nil {
		out.CurrentlyDue, out.PastDue, out.DisabledReason = r.CurrentlyDue, r.PastDue, string(r.DisabledReason)
		if r.CurrentDeadline > 0 {
			out.Deadline = time.Unix(r.CurrentDeadline, 0).UTC()
		}
	}
	return out
}

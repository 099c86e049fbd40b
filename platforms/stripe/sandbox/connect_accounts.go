package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// Stripe Connect Express accounts for the people a platform pays
// (https://docs.stripe.com/connect/express-accounts): POST /v1/accounts
// with type=express, GET /v1/accounts/{id}, onboarding through Account
// Links (account_links.go), and transfers into them from the platform's
// balance (transfers.go). Any account may act as the platform of its own
// Express accounts, with its own key (a merchant's restricted key) or, for
// the sandbox's platform, the platform key without Stripe-Account; an
// account reached through Stripe-Account cannot create any.

// payoutState is what the Connect payout endpoints keep.
type payoutState struct {
	express   map[string]*expressAccount
	links     map[string]*accountLink        // by token
	balances  map[string]map[string]int64    // account id → currency → available
	transfers map[string]*transfer           // by id
	keys      map[string]*keptResult         // account id + Idempotency-Key
	order     []string                       // transfer ids, oldest first
	reversals map[string][]*transferReversal // by transfer id
	lose      int                            // transfers whose answer is lost next (faults.go)
}

func newPayoutState() *payoutState {
	return &payoutState{express: map[string]*expressAccount{}, links: map[string]*accountLink{},
		balances: map[string]map[string]int64{}, transfers: map[string]*transfer{},
		keys: map[string]*keptResult{}, reversals: map[string][]*transferReversal{}}
}

// onboardingRequirements are what an Express account owes before its
// transfers capability is active: an individual's details, a bank account
// and the acceptance of the terms.
var onboardingRequirements = []string{"business_type", "external_account", "individual.dob.day",
	"individual.email", "individual.first_name", "individual.last_name", "tos_acceptance.date", "tos_acceptance.ip"}

// expressAccount is an Express connected account of a platform.
type expressAccount struct {
	ID, Owner, Email, Country, Currency string
	Created                             int64
	DetailsSubmitted, PayoutsEnabled    bool
	Transfers                           string // the capability's status: inactive, pending, active
	CurrentlyDue, PastDue               []string
	DisabledReason                      string
	Metadata                            map[string]string
}

// createExpressAccount is POST /v1/accounts (https://docs.stripe.com/api/accounts/create).
func (s *Server) createExpressAccount(a *account, r *http.Request) (any, int, *apiError) {
	f := r.PostForm
	if r.Header.Get("Stripe-Account") != "" {
		return invalid("", "You cannot create connected accounts on behalf of a connected account.")
	}
	typ := f.Get("type")
	if typ == "" && f.Get("controller[stripe_dashboard][type]") == "express" {
		typ = "express"
	}
	if typ != "express" {
		return invalid("type", "The sandbox creates Express accounts only: type must be express (got %q).", typ)
	}
	country := strings.ToUpper(f.Get("country"))
	if country == "" {
		country = "US"
	}
	if len(country) != 2 {
		return invalid("country", "Invalid country: must be a two-letter ISO 3166-1 code.")
	}
	x := &expressAccount{ID: newID("acct_"), Owner: a.ID, Email: f.Get("email"), Country: country,
		Currency: defaultCurrency(country, a.Currency), Created: s.opts.Now().Unix(), Transfers: "inactive",
		CurrentlyDue: append([]string(nil), onboardingRequirements...), DisabledReason: "requirements.past_due",
		Metadata: formMap(f, "metadata")}
	if !formBool(f, "capabilities[transfers][requested]", false) {
		x.Transfers = "unrequested"
	}
	s.payouts.express[x.ID] = x
	return expressJSON(x), 0, nil
}

// defaultCurrency is an Express account's currency: its country's, where
// the sandbox knows it, else the platform's.
func defaultCurrency(country, platform string) string {
	known := map[string]string{"US": "usd", "CA": "cad", "GB": "gbp", "AU": "aud", "JP": "jpy", "DE": "eur",
		"FR": "eur", "NL": "eur", "IE": "eur", "ES": "eur", "IT": "eur", "NZ": "nzd", "SG": "sgd", "CH": "chf"}
	if c := known[country]; c != "" {
		return c
	}
	return platform
}

// retrieveExpressAccount is GET /v1/accounts/{id}: one of the platform's
// own Express accounts.
func (s *Server) retrieveExpressAccount(a *account, id string) (any, int, *apiError) {
	x := s.payouts.express[id]
	if x == nil || x.Owner != a.ID {
		return nil, http.StatusForbidden, &apiError{Type: "invalid_request_error", Code: "account_invalid",
			Message: "The provided key does not have access to account '" + id + "' (or that account does not exist). Application access may have been revoked."}
	}
	return expressJSON(x), 0, nil
}

// expressJSON is an Account (https://docs.stripe.com/api/accounts/object)
// of type express, with what onboarding decides: details_submitted,
// payouts_enabled, the transfers capability and the requirements.
func expressJSON(x *expressAccount) map[string]any {
	caps := map[string]any{}
	if x.Transfers != "unrequested" {
		caps["transfers"] = x.Transfers
	}
	var disabled any
	if x.DisabledReason != "" {
		disabled = x.DisabledReason
	}
	due := append(append([]string{}, x.PastDue...), x.CurrentlyDue...)
	return map[string]any{
		"id": x.ID, "object": "account", "type": "express", "country": x.Country, "email": nullable(x.Email),
		"default_currency": x.Currency, "created": x.Created, "business_type": nil,
		"charges_enabled": false, "payouts_enabled": x.PayoutsEnabled, "details_submitted": x.DetailsSubmitted,
		"capabilities": caps, "metadata": meta(x.Metadata),
		"controller": map[string]any{"type": "application", "is_controller": true,
			"stripe_dashboard": map[string]any{"type": "express"}, "requirement_collection": "stripe",
			"losses": map[string]any{"payments": "application"}, "fees": map[string]any{"payer": "application"}},
		"requirements": map[string]any{
			"alternatives": []any{}, "current_deadline": nil, "currently_due": due, "disabled_reason": disabled,
			"errors": []any{}, "eventually_due": due, "past_due": append([]string{}, x.PastDue...),
			"pending_verification": []string{},
		},
		"settings": map[string]any{"payouts": map[string]any{"schedule": map[string]any{"interval": "daily", "delay_days": 2}}},
	}
}

// expressEvent is an event about an Express account, sent where its
// platform hears about its connected accounts: the platform's Connect
// endpoints, with "account" set (and, for the sandbox's platform, the
// Connect endpoint of Options). Call with s.mu held; send it after.
func (s *Server) expressEvent(x *expressAccount, typ string) *sentEvent {
	owner := s.accounts[x.Owner]
	if x.Owner == s.platform.ID {
		owner = s.platform
	}
	ev := &sentEvent{id: newID("evt_"), typ: typ}
	var targets []target
	if owner == s.platform && s.opts.ConnectWebhookURL != "" {
		targets = append(targets, target{url: s.opts.ConnectWebhookURL, secret: s.opts.ConnectWebhookSecret})
	}
	if owner != nil {
		for _, e := range owner.endpoints {
			if e.Connect && e.wants(typ) {
				targets = append(targets, target{url: e.URL, secret: e.Secret})
			}
		}
	}
	body, _ := json.Marshal(map[string]any{
		"id": ev.id, "object": "event", "api_version": stripe.APIVersion, "created": s.opts.Now().Unix(),
		"account": x.ID, "data": map[string]any{"object": expressJSON(x)}, "livemode": true,
		"pending_webhooks": len(targets), "request": map[string]any{"id": nil, "idempotency_key": nil}, "type": typ,
	})
	for i := range targets {
		targets[i].body = body
	}
	ev.body, ev.targets = body, targets
	s.events[ev.id] = ev
	return ev
}

// linkTTL is how long an Account Link can be followed (Stripe: a few minutes).
const linkTTL = 5 * time.Minute

// Package sandbox is a local, stateful stand-in for Stripe; the real
// adapter is platforms/stripe, which speaks to it with the code it uses
// against Stripe, only the base URL differs. It has the endpoints the adapter
// calls (Connect OAuth, /v1/account, coupons, promotion codes, webhook
// endpoints, invoices and their lines, checkout sessions' line items),
// speaking form-encoded requests and Stripe's JSON (its objects, list
// envelope and error envelope), plus a control API that plays the
// customer: checkouts and subscriptions of several items, renewals,
// refunds and credit notes, each delivered as a signed event to the app's
// webhook endpoints. For payouts it has Connect Express accounts with
// onboarding Account Links, transfers and their reversals from a balance
// that can run out, and Idempotency-Key on every POST.
//
// Shapes follow the API reference (https://docs.stripe.com/api) at the
// version stripe-go v85 pins (stripe.APIVersion). It acts as live mode, so
// the orders it produces count. Like a Stripe test clock, subscriptions
// move a month per Renew whatever the wall clock says.
//
// Read sandbox.go (Options, Server, routing) and state.go (accounts and
// what they hold) first, then api.go and objects.go (the API and its JSON),
// oauth.go (Connect), control.go and control_http.go (the control API),
// payments.go, subscriptions.go, invoices.go, sales.go, lines.go, credit_notes.go and
// disputes.go (what a customer does), and events.go (signed deliveries and redeliveries);
// connect_accounts.go, account_links.go, transfers.go, idempotency.go and
// connect_control.go are the Connect payouts.
package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// Defaults of Options.
const (
	DefaultPlatformKey = "sk_live_sandbox_platform"
	DefaultClientID    = "ca_sandbox"
	DefaultRateLimit   = 100 // requests per second per account, Stripe's live-mode limit
)

// Options configure a sandbox. Zero values take the defaults.
type Options struct {
	PlatformKey          string           // the Connect platform's secret key
	ClientID             string           // the platform's Connect client id
	ConnectWebhookURL    string           // the platform endpoint for connected accounts' events
	ConnectWebhookSecret string           // its signing secret
	RateLimit            int              // API requests per second per account
	Now                  func() time.Time // the clock; time.Now by default
	HTTPClient           *http.Client     // delivers webhooks
}

// Server is the sandbox; it is an http.Handler.
type Server struct {
	opts Options

	mu            sync.Mutex
	platform      *account
	accounts      map[string]*account
	keys          map[string]string // restricted key → account id
	authCodes     map[string]string // OAuth code → account id
	nextConnect   string            // the account the next OAuth approval connects
	payments      map[string]*payment
	subscriptions map[string]*subscription
	events        map[string]*sentEvent
	deliveries    []Delivery
	refunds       map[string]*sbRefund  // refunds whose status may still change
	disputes      map[string]*sbDispute // disputes by id
	invoices      map[string]*sbInvoice // paid invoices by id
	sessions      map[string]*sbSession // completed Checkout Sessions by id
	payouts       *payoutState          // Express accounts, balances, transfers (connect_accounts.go)
	paymentLinks  map[string]*paymentLink
}

// New starts an empty sandbox with its platform account.
func New(opts Options) *Server {
	if opts.PlatformKey == "" {
		opts.PlatformKey = DefaultPlatformKey
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	s := &Server{opts: opts, accounts: map[string]*account{}, keys: map[string]string{},
		authCodes: map[string]string{}, payments: map[string]*payment{},
		subscriptions: map[string]*subscription{}, events: map[string]*sentEvent{},
		refunds: map[string]*sbRefund{}, disputes: map[string]*sbDispute{}, invoices: map[string]*sbInvoice{},
		sessions: map[string]*sbSession{}, payouts: newPayoutState()}
	s.platform = newAccount(newID("acct_"), "Sandbox platform", "platform@example.com", "usd")
	return s
}

// ServeHTTP routes a request to the OAuth or API handlers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Request-Id", newID("req_"))
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, apiError{Type: "invalid_request_error", Message: "Invalid request body."})
		return
	}
	switch {
	case r.URL.Path == "/oauth/authorize":
		s.authorize(w, r)
	case r.URL.Path == "/oauth/token" && r.Method == http.MethodPost:
		s.token(w, r)
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		s.api(w, r)
	case strings.HasPrefix(r.URL.Path, onboardingPath):
		s.onboarding(w, r)
	case strings.HasPrefix(r.URL.Path, "/b/"):
		s.paymentLinkPage(w, r)
	default:
		writeError(w, http.StatusNotFound, unrecognized(r))
	}
}

// api authenticates, rate-limits and routes a /v1 request.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if v := r.Header.Get("Stripe-Version"); v != "" && v != stripe.APIVersion {
		writeError(w, http.StatusBadRequest, apiError{Type: "invalid_request_error",
			Message: fmt.Sprintf("Invalid Stripe API version: %s (this sandbox speaks %s)", v, stripe.APIVersion)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acct, status, aerr := s.authenticate(r)
	if aerr != nil {
		writeError(w, status, *aerr)
		return
	}
	if !acct.allow(s.opts.Now(), s.opts.RateLimit) {
		writeError(w, http.StatusTooManyRequests, apiError{Type: "invalid_request_error", Code: "rate_limit",
			Message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."})
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1/"), "/"), "/")
	obj, status, aerr := s.idempotent(w, acct, r, func() (any, int, *apiError) { return s.route(acct, r, parts) })
	s.loseAnswer(r, parts, aerr) // faults.go
	if aerr != nil {
		writeError(w, status, *aerr)
		return
	}
	writeJSON(w, http.StatusOK, obj)
}

// route dispatches an authenticated request to its resource.
func (s *Server) route(acct *account, r *http.Request, parts []string) (any, int, *apiError) {
	id := ""
	if len(parts) > 1 {
		id = parts[1]
	}
	switch {
	case parts[0] == "account" && len(parts) == 1 && r.Method == http.MethodGet:
		return accountJSON(acct), 0, nil
	case parts[0] == "coupons" && len(parts) <= 2:
		return s.coupons(acct, r, id)
	case parts[0] == "promotion_codes" && len(parts) <= 2:
		return s.promotionCodes(acct, r, id)
	case parts[0] == "webhook_endpoints" && len(parts) <= 2:
		return s.webhookEndpoints(acct, r, id)
	case parts[0] == "subscriptions" && len(parts) == 2 && r.Method == http.MethodGet:
		return s.retrieveSubscription(acct, r, id)
	case parts[0] == "invoices" && len(parts) == 2 && r.Method == http.MethodGet:
		return s.retrieveInvoice(acct, r, id)
	case parts[0] == "invoices" && len(parts) == 3 && parts[2] == "lines" && r.Method == http.MethodGet:
		return s.invoiceLines(acct, r, id)
	case parts[0] == "checkout" && len(parts) == 4 && parts[1] == "sessions" && parts[3] == "line_items" &&
		r.Method == http.MethodGet:
		return s.sessionLineItems(acct, r, parts[2])
	case parts[0] == "accounts" || parts[0] == "account_links" || parts[0] == "transfers" || parts[0] == "balance":
		return s.payoutRoute(acct, r, parts)
	}
	e := unrecognized(r)
	return nil, http.StatusNotFound, &e
}

// authenticate finds the account a request acts on: a restricted key's
// own, or the one the platform key names in Stripe-Account.
func (s *Server) authenticate(r *http.Request) (*account, int, *apiError) {
	key := bearer(r)
	if key == "" {
		return nil, http.StatusUnauthorized, &apiError{Type: "invalid_request_error",
			Message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."}
	}
	onBehalf := r.Header.Get("Stripe-Account")
	if key == s.opts.PlatformKey {
		if onBehalf == "" {
			return s.platform, 0, nil
		}
		if a := s.accounts[onBehalf]; a != nil && a.connected {
			return a, 0, nil
		}
		return nil, http.StatusForbidden, &apiError{Type: "invalid_request_error", Code: "account_invalid",
			Message: fmt.Sprintf("The provided key '%s' does not have access to account '%s' (or that account does not exist). Application access may have been revoked.", redact(key), onBehalf)}
	}
	if id, ok := s.keys[key]; ok && onBehalf == "" {
		return s.accounts[id], 0, nil
	}
	return nil, http.StatusUnauthorized, &apiError{Type: "invalid_request_error",
		Message: "Invalid API Key provided: " + redact(key)}
}

func bearer(r *http.Request) string {
	if u, _, ok := r.BasicAuth(); ok {
		return u
	}
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(key)
}

// redact shows a key the way Stripe's errors do: its start and its end.
func redact(key string) string {
	if len(key) <= 12 {
		return "***"
	}
	return key[:8] + strings.Repeat("*", 12) + key[len(key)-4:]
}

// apiError is Stripe's error object (https://docs.stripe.com/api/errors).
type apiError struct {
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

func unrecognized(r *http.Request) apiError {
	return apiError{Type: "invalid_request_error",
		Message: fmt.Sprintf("Unrecognized request URL (%s: %s). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", r.Method, r.URL.Path)}
}

func invalid(param, format string, args ...any) (any, int, *apiError) {
	return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param, Message: fmt.Sprintf(format, args...)}
}

func missing(kind, param, id string) (any, int, *apiError) {
	return nil, http.StatusNotFound, &apiError{Type: "invalid_request_error", Code: "resource_missing",
		Param: param, Message: fmt.Sprintf("No such %s: '%s'", kind, id)}
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	writeJSON(w, status, map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newID is a Stripe-looking id: prefix and 24 random letters and digits.
func newID(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

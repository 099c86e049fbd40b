// Package sandbox is a local, stateful stand-in for PayPal Payouts; the
// real client is platforms/paypal, which speaks to it through the same
// SDK, only the base URL differs. It has OAuth2 client credentials, batch
// payouts with sender_batch_id and PayPal-Request-Id idempotency, items
// that settle over time (the outcome chosen by the recipient's email),
// cancelling unclaimed items, PayPal's error shapes and 429s, webhooks
// signed as PayPal signs them with the verify-webhook-signature call that
// checks them, and injected faults (5xx before acting, or acting and then
// never answering).
//
// Read sandbox.go (Options, Server, routing), oauth.go, payouts.go (the
// API), lifecycle.go (how items move), webhooks.go (signed deliveries and
// their verification), faults.go and control.go (the control API).
package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Credentials the sandbox accepts unless told otherwise.
const (
	DefaultClientID  = "codecredit-sandbox-client"
	DefaultSecret    = "codecredit-sandbox-secret"
	DefaultWebhookID = "1JE4291016473214C"
)

// DefaultSettleAfter is how long an item waits in each state.
const DefaultSettleAfter = 2 * time.Second

// Options configure a sandbox.
type Options struct {
	// ClientID and Secret are the accepted credentials; empty means the
	// defaults.
	ClientID, Secret string
	// BaseURL is the sandbox's own URL, used in links and the cert URL;
	// empty means "http://paypal.sandbox.local".
	BaseURL string
	// WebhookURL receives the signed events; empty means none are sent.
	WebhookURL string
	// WebhookID is the id of that webhook; empty means DefaultWebhookID.
	WebhookID string
	// HTTPClient delivers webhooks; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// Clock is the current time; nil means time.Now.
	Clock func() time.Time
	// SettleAfter is the time from one item state to the next; 0 means
	// DefaultSettleAfter.
	SettleAfter time.Duration
	// RequestsPerMinute caps API calls per clock minute; 0 means no cap.
	RequestsPerMinute int
	// Rules choose an item's outcome by its email; nil means DefaultRules.
	Rules []Rule
}

// Server is a sandbox PayPal business account. It is an http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux
	key  *rsa.PrivateKey
	cert []byte // DER
	name string // cert name in the cert URL

	mu          sync.Mutex
	tokens      map[string]time.Time // access token → expiry
	batches     map[string]*batch
	bySender    map[string]string // sender_batch_id → batch id
	order       []string          // batch ids, oldest first
	items       map[string]*item
	requests    map[string]stored // PayPal-Request-Id → first answer
	outbox      []event
	retry       []event // deliveries not answered with a 2xx, to try again
	deliveries  []Delivery
	faults      faults
	window      time.Time
	windowCount int
}

// New returns an empty sandbox account.
func New(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID, opts.Secret = DefaultClientID, DefaultSecret
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://paypal.sandbox.local"
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.WebhookID == "" {
		opts.WebhookID = DefaultWebhookID
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.SettleAfter <= 0 {
		opts.SettleAfter = DefaultSettleAfter
	}
	if opts.Rules == nil {
		opts.Rules = DefaultRules()
	}
	s := &Server{opts: opts, tokens: map[string]time.Time{}, batches: map[string]*batch{},
		bySender: map[string]string{}, items: map[string]*item{}, requests: map[string]stored{}}
	s.newSigningCert()
	s.routes()
	return s
}

// SetBaseURL sets the URL the sandbox names itself by (in links and the
// cert URL), for a server whose address is known only once it listens.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.BaseURL = strings.TrimRight(u, "/")
}

// SetWebhookURL sets where signed events go ("" stops them).
func (s *Server) SetWebhookURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.WebhookURL = u
}

// WebhookID is the id PayPal would give the subscribed webhook.
func (s *Server) WebhookID() string { return s.opts.WebhookID }

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/oauth2/token", s.token)
	s.mux.HandleFunc("POST /v1/payments/payouts", s.authed(s.createBatch))
	s.mux.HandleFunc("GET /v1/payments/payouts/{id}", s.authed(s.getBatch))
	s.mux.HandleFunc("GET /v1/payments/payouts-item/{id}", s.authed(s.getItem))
	s.mux.HandleFunc("POST /v1/payments/payouts-item/{id}/cancel", s.authed(s.cancelItem))
	s.mux.HandleFunc("POST /v1/notifications/verify-webhook-signature", s.authed(s.verifySignature))
	s.mux.HandleFunc("GET /v1/notifications/certs/{name}", s.serveCert)
	s.controlRoutes()
}

// ServeHTTP rate-limits, injects faults and routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/__sandbox/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	if wait, limited := s.limit(); limited {
		w.Header().Set("Retry-After", itoa(int64(wait/time.Second)))
		writeError(w, http.StatusTooManyRequests, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.")
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
		return
	}
	if s.injectFault(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// limit counts a call in the current clock minute.
func (s *Server) limit() (time.Duration, bool) {
	if s.opts.RequestsPerMinute <= 0 {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Clock()
	if start := now.Truncate(time.Minute); !start.Equal(s.window) {
		s.window, s.windowCount = start, 0
	}
	s.windowCount++
	if s.windowCount > s.opts.RequestsPerMinute {
		return s.window.Add(time.Minute).Sub(now) + time.Second - 1, true
	}
	return 0, false
}

// newID returns a PayPal-looking id: 13 upper-case letters and digits.
func (s *Server) newID() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // 32 symbols: a byte's low 5 bits pick one evenly
	b := make([]byte, 13)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

func debugID() string {
	b := make([]byte, 7)
	rand.Read(b)
	return hex.EncodeToString(b)[:13]
}

// apiError is PayPal's error body.
type apiError struct {
	Name            string        `json:"name"`
	Message         string        `json:"message"`
	DebugID         string        `json:"debug_id"`
	InformationLink string        `json:"information_link,omitempty"`
	Details         []errorDetail `json:"details,omitempty"`
	Links           []link        `json:"links,omitempty"`
}

type errorDetail struct {
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
	Location string `json:"location,omitempty"`
	Issue    string `json:"issue"`
	Link     []link `json:"link,omitempty"`
}

type link struct {
	Href    string `json:"href"`
	Rel     string `json:"rel"`
	Method  string `json:"method,omitempty"`
	EncType string `json:"encType,omitempty"`
}

func writeError(w http.ResponseWriter, status int, name, message string, details ...errorDetail) {
	writeJSON(w, status, apiError{Name: name, Message: message, DebugID: debugID(),
		InformationLink: "https://developer.paypal.com/docs/api/payments.payouts-batch/#errors", Details: details})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func itoa(v int64) string { return big.NewInt(v).String() }

// certificate parses the signing certificate.
func (s *Server) certificate() *x509.Certificate {
	c, _ := x509.ParseCertificate(s.cert)
	return c
}

// Package sandbox is a local, stateful stand-in for the Paddle Billing
// API; the real adapter is platforms/paddle, which speaks to it through the
// Paddle SDK, only the base URL differs. It has the endpoints Codecredit uses (event types, discounts, notification
// settings, customers, transactions), Paddle's JSON envelopes and errors,
// Bearer API-key auth and rate limiting, plus a control API that plays the
// merchant's customers (buy with a code, renew, refund a transaction or
// one of its line items, approve a refund; subscribe with or without a
// trial, change quantity, pause, resume, cancel)
// and delivers the resulting webhooks, signed as Paddle signs them, to
// every notification destination subscribed to them.
//
// Read sandbox.go (Options, Server, routing, auth) and entities.go (the
// JSON entities) first, then discounts.go and paging.go (the catalog),
// notifications.go (destinations and signed deliveries), transactions.go
// and pricing.go (purchases and renewals), subscriptions.go and
// subscription_entities.go (the subscription lifecycle), adjustments.go
// and chargebacks.go (money back), control.go (the control API over
// HTTP) and checkout.go (hosted checkouts, opened with a discount_code).
package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAPIKey is the key the sandbox accepts unless told otherwise, in
// Paddle's sandbox key format.
const DefaultAPIKey = "pdl_sdbx_apikey_01codecreditsandbox0000000_CodecreditLocalSandbox_Key"

// DefaultRequestsPerMinute is Paddle's documented limit for most operations.
const DefaultRequestsPerMinute = 240

// timeFormat is how Paddle writes times.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// Options configure a sandbox.
type Options struct {
	// APIKeys are the accepted keys; empty means DefaultAPIKey.
	APIKeys []string
	// HTTPClient delivers webhooks; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// Clock is the current time; nil means time.Now.
	Clock func() time.Time
	// TaxRate is the tax on every sale in basis points; 0 means 10%.
	TaxRate int64
	// RequestsPerMinute caps API calls per clock minute; 0 means
	// DefaultRequestsPerMinute, negative means no cap.
	RequestsPerMinute int
}

// Server is a sandbox Paddle account. It is an http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu            sync.Mutex
	keys          map[string]bool
	discounts     []*Discount
	settings      []*NotificationSetting
	customers     map[string]*Customer // by id
	byEmail       map[string]string    // email → customer id
	txns          map[string]*txn
	subs          map[string]*subscription
	checkouts     map[string]*hostedCheckout // by id (hsc_…), see checkout.go
	adjs          map[string]*adjState
	deliveries    []Delivery
	invoiceSeq    int
	throttle      int
	throttleAfter time.Duration
	window        time.Time
	windowCount   int
}

// New returns an empty sandbox account.
func New(opts Options) *Server {
	if len(opts.APIKeys) == 0 {
		opts.APIKeys = []string{DefaultAPIKey}
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.TaxRate <= 0 {
		opts.TaxRate = 1000
	}
	if opts.RequestsPerMinute == 0 {
		opts.RequestsPerMinute = DefaultRequestsPerMinute
	}
	s := &Server{opts: opts, keys: map[string]bool{}, customers: map[string]*Customer{},
		byEmail: map[string]string{}, txns: map[string]*txn{}, subs: map[string]*subscription{},
		adjs: map[string]*adjState{}, invoiceSeq: 10000}
	for _, k := range opts.APIKeys {
		s.keys[k] = true
	}
	s.routes()
	return s
}

// routes registers Paddle's endpoints and the control API.
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /event-types", s.listEventTypes)
	s.mux.HandleFunc("GET /discounts", s.listDiscounts)
	s.mux.HandleFunc("POST /discounts", s.createDiscount)
	s.mux.HandleFunc("GET /discounts/{id}", s.getDiscount)
	s.mux.HandleFunc("PATCH /discounts/{id}", s.updateDiscount)
	s.mux.HandleFunc("GET /notification-settings", s.listSettings)
	s.mux.HandleFunc("POST /notification-settings", s.createSetting)
	s.mux.HandleFunc("PATCH /notification-settings/{id}", s.updateSetting)
	s.mux.HandleFunc("DELETE /notification-settings/{id}", s.deleteSetting)
	s.mux.HandleFunc("GET /customers/{id}", s.getCustomer)
	s.mux.HandleFunc("GET /transactions/{id}", s.getTransaction)
	s.mux.HandleFunc("GET /subscriptions/{id}", s.getSubscription)
	s.controlRoutes()
}

// ServeHTTP authenticates, rate-limits and routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if code, detail := s.authenticate(r); code != "" {
		writeError(w, http.StatusForbidden, code, detail)
		return
	}
	if wait, limited := s.limit(); limited {
		w.Header().Set("Retry-After", itoa(int64(wait/time.Second)))
		writeError(w, http.StatusTooManyRequests, "too_many_requests",
			"IP address exceeded the allowed rate limit. Retry after the number of seconds in the Retry-After header.")
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeError(w, http.StatusNotFound, "not_found", "Requested resource not found.")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authenticate checks the Bearer key; Paddle answers 403 to every
// authentication failure: https://developer.paddle.com/errors/shared/authentication_missing
func (s *Server) authenticate(r *http.Request) (code, detail string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "authentication_missing", "Authentication header missing."
	}
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "authentication_malformed", "Authentication header included, but incorrectly formatted."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.keys[key] {
		return "invalid_token", "Authentication token is invalid."
	}
	return "", ""
}

// limit counts a request against ThrottleNext and the per-minute cap.
func (s *Server) limit() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.throttle > 0 {
		s.throttle--
		return s.throttleAfter, true
	}
	if s.opts.RequestsPerMinute < 0 {
		return 0, false
	}
	now := s.opts.Clock()
	if w := now.Truncate(time.Minute); !w.Equal(s.window) {
		s.window, s.windowCount = w, 0
	}
	s.windowCount++
	if s.windowCount > s.opts.RequestsPerMinute {
		return s.window.Add(time.Minute).Sub(now).Round(time.Second) + time.Second, true
	}
	return 0, false
}

// ThrottleNext makes the next n API requests fail with 429 and a
// Retry-After of retryAfter.
func (s *Server) ThrottleNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle, s.throttleAfter = n, retryAfter
}

// AddAPIKey accepts another API key.
func (s *Server) AddAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = true
}

// RevokeAPIKey stops accepting an API key, as a merchant revoking it would.
func (s *Server) RevokeAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

// now is the sandbox time in Paddle's format.
func (s *Server) now() string { return s.opts.Clock().UTC().Format(timeFormat) }

// idSeq makes ids sort in creation order, as Paddle's (ULID-like) do.
var idSeq atomic.Int64

// newID returns a Paddle id: prefix, "_", then 26 lower-case letters and
// digits: "01", a 10-digit base-36 sequence number, 14 random characters.
func newID(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 14)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	seq := strconv.FormatInt(idSeq.Add(1), 36)
	return prefix + "_01" + strings.Repeat("0", 10-len(seq)) + seq + string(b)
}

// meta is the envelope's meta object.
type meta struct {
	RequestID  string      `json:"request_id"`
	Pagination *pagination `json:"pagination,omitempty"`
}

type pagination struct {
	PerPage        int    `json:"per_page"`
	Next           string `json:"next"`
	HasMore        bool   `json:"has_more"`
	EstimatedTotal int    `json:"estimated_total"`
}

// writeData answers {"data": v, "meta": {...}}.
func writeData(w http.ResponseWriter, status int, v any, p *pagination) {
	writeJSON(w, status, map[string]any{"data": v, "meta": meta{RequestID: requestID(), Pagination: p}})
}

// fieldError is one entry of a validation error's errors list.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeError answers Paddle's error envelope:
// https://developer.paddle.com/api-reference/about/errors
func writeError(w http.ResponseWriter, status int, code, detail string, fields ...fieldError) {
	typ := "request_error"
	if status == http.StatusTooManyRequests || status >= 500 {
		typ = "api_error"
	}
	body := map[string]any{"type": typ, "code": code, "detail": detail,
		"documentation_url": "https://developer.paddle.com/v1/errors/shared/" + code}
	if len(fields) > 0 {
		body["errors"] = fields
	}
	writeJSON(w, status, map[string]any{"error": body, "meta": meta{RequestID: requestID()}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// requestID is a random UUID-shaped request id.
func requestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}

// decodeBody decodes a JSON request body, answering 400 when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid request: "+err.Error())
		return false
	}
	return true
}

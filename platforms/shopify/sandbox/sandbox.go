// Package sandbox is a local stand-in for Shopify's Admin API, used by the
// tests and the demo in place of a real shop; the app's real Shopify
// adapter is the package codecredit/platforms/shopify (platforms/shopify),
// which talks to this sandbox exactly as it talks to Shopify. It serves
// OAuth (authorization code grant, token exchange, expiring offline tokens
// and their refresh), the parts of the GraphQL and REST Admin APIs
// Codecredit calls, with Shopify's rate limits, bulk query operations
// with their JSONL files, a small catalog of products in collections
// (products.go), and signed webhook deliveries for orders, refunds,
// cancellations, discounts, products, collections, uninstalls and the
// compliance topics. It follows Shopify's documented behaviour so the
// adapter's production client code runs against it unchanged; only the
// base URL differs. GraphQL requests are validated against schema.graphql,
// Shopify's own names for the part of the schema served.
//
// Every shop shares the sandbox's address. A request names its shop in the
// Host header (the shop's own domain, as the app's client sends it when
// its base URL is overridden); when the Host is not a shop's, the
// X-Sandbox-Shop header, then the shop query parameter, then the only shop
// there is decide.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// APIVersion is the Admin API version the sandbox serves and stamps on
// webhooks.
const APIVersion = "2026-10"

// The app credentials the sandbox expects when Options leave them empty,
// for a newcomer's setup without a Shopify app.
const (
	DefaultAPIKey    = "sandbox-shopify-api-key"
	DefaultAPISecret = "sandbox-shopify-api-secret"
)

// ErrUnknownShop is returned for a shop domain that was never added.
var ErrUnknownShop = errors.New("sandbox: unknown shop")

// ErrNotFound is returned for an order, discount or delivery that does not
// exist.
var ErrNotFound = errors.New("sandbox: not found")

// Options configures a sandbox. Zero values take Shopify's defaults.
type Options struct {
	APIKey    string // the app's client id; default DefaultAPIKey
	APISecret string // the app's client secret (signs HMACs, session tokens, webhooks); default DefaultAPISecret
	// Scopes are granted by token exchange (as declared in the app's
	// configuration; default: shopify.app.toml's, and read_products for the
	// catalog); the authorization code grant grants what it asks.
	Scopes string
	// AppURL receives webhooks at AppURL + "/webhooks/shopify" for the
	// compliance topics and for AppTopics; SetAppURL changes it later.
	AppURL string
	// AppTopics are topics subscribed in the app's configuration file
	// (delivered to every shop), besides the compliance topics.
	AppTopics  []string
	HTTPClient *http.Client     // delivers webhooks; default 5s timeout
	Clock      func() time.Time // default time.Now
	// GraphQL cost bucket, per app and shop: the restore rate follows the
	// shop's plan (Standard 100 points/s, the default; Advanced 200; Plus
	// 1,000; enterprise 2,000) and the bucket holds 20 seconds of it
	// (2,000 points on Standard, 20,000 on Plus), which is the default
	// when GraphQLBucket is left zero.
	GraphQLBucket      float64
	GraphQLRestoreRate float64
	// REST leaky bucket: Shopify's defaults are 40 calls, leaking 2 per
	// second.
	RESTBucket   float64
	RESTLeakRate float64
	// Webhook retries: MaxAttempts deliveries in all (default 5), waiting
	// RetryBackoff, then twice as long each time (default 1s).
	MaxAttempts  int
	RetryBackoff time.Duration
	Logger       *slog.Logger
}

// Sandbox is a running fake Shopify.
type Sandbox struct {
	opts   Options
	log    *slog.Logger
	mu     sync.Mutex
	appURL string
	shops  map[string]*Shop
	nextID int64
	tokens tokenStore
	hooks  deliveries
	bulk   bulkState
	abort  bool // the request at work loses its answer (faults.go)
	srv    *http.Server
	ctx    context.Context
	cancel context.CancelFunc
}

// New builds a sandbox; it serves nothing until Start or Handler.
func New(opts Options) *Sandbox {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.APISecret == "" {
		opts.APISecret = DefaultAPISecret
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	opts.GraphQLRestoreRate = orDefault(opts.GraphQLRestoreRate, 100)
	opts.GraphQLBucket = orDefault(opts.GraphQLBucket, bucketSeconds*opts.GraphQLRestoreRate)
	opts.RESTBucket = orDefault(opts.RESTBucket, 40)
	opts.RESTLeakRate = orDefault(opts.RESTLeakRate, 2)
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = time.Second
	}
	if opts.Scopes == "" {
		opts.Scopes = "read_discounts,write_discounts,read_orders,read_products," + DisputeScope
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sandbox{opts: opts, log: opts.Logger, appURL: strings.TrimRight(opts.AppURL, "/"),
		shops: map[string]*Shop{}, nextID: 450789469, ctx: ctx, cancel: cancel}
	s.tokens.init()
	s.bulk.byToken, s.bulk.hold, s.bulk.fail = map[string]*bulkOp{}, map[*Shop]chan struct{}{}, map[*Shop]string{}
	return s
}

func orDefault(v, d float64) float64 {
	if v <= 0 {
		return d
	}
	return v
}

// SetAppURL changes where compliance and app-level webhooks go.
func (s *Sandbox) SetAppURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appURL = strings.TrimRight(u, "/")
}

// Start serves the sandbox on addr (e.g. "127.0.0.1:0") and returns its
// base URL.
func (s *Sandbox) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: listen: %w", err)
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox server stopped", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	s.mu.Lock()
	s.bulk.base = base
	s.mu.Unlock()
	return base, nil
}

// Close stops the server and abandons pending webhook retries.
func (s *Sandbox) Close() {
	s.cancel()
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
	}
	s.hooks.wg.Wait()
	s.bulk.wg.Wait()
}

// Handler serves the Shopify endpoints and the /_sandbox control API.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/oauth/authorize", s.authorize)
	mux.HandleFunc("POST /admin/oauth/access_token", s.accessToken)
	mux.HandleFunc("GET /admin/oauth/access_scopes.json", s.rest(s.restAccessScopes))
	mux.HandleFunc("POST /admin/api/{version}/graphql.json", s.graphql)
	mux.HandleFunc("GET /admin/api/{version}/shop.json", s.rest(s.restShop))
	mux.HandleFunc("GET /admin/api/{version}/webhooks.json", s.rest(s.restListWebhooks))
	mux.HandleFunc("POST /admin/api/{version}/webhooks.json", s.rest(s.restCreateWebhook))
	mux.HandleFunc("DELETE /admin/api/{version}/webhooks/{id}", s.rest(s.restDeleteWebhook))
	mux.HandleFunc("GET /bulk-operations/{token}/{file}", s.bulkFile)
	s.controlRoutes(mux)
	s.storefrontRoutes(mux)
	return mux
}

func (s *Sandbox) now() time.Time { return s.opts.Clock() }

// id hands out the next numeric resource id; call with mu held.
func (s *Sandbox) id() int64 {
	s.nextID++
	return s.nextID
}

// shopFor finds the shop a request is for; call with mu held.
func (s *Sandbox) shopFor(r *http.Request) *Shop {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, name := range []string{host, r.Header.Get("X-Sandbox-Shop"), r.URL.Query().Get("shop")} {
		if sh, ok := s.shops[normDomain(name)]; ok {
			return sh
		}
	}
	if len(s.shops) == 1 {
		for _, sh := range s.shops {
			return sh
		}
	}
	return nil
}

// normDomain lowercases a shop domain and completes a bare shop name.
func normDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	d = strings.TrimSuffix(d, "/")
	if d != "" && !strings.Contains(d, ".") {
		d += ".myshopify.com"
	}
	return d
}

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// uuid returns a random version 4 UUID, the form of Shopify's webhook ids.
func uuid() string {
	h := randomHex(16)
	b := []byte(h)
	b[12] = '4'
	b[16] = "89ab"[b[16]%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", b[0:8], b[8:12], b[12:16], b[16:20], b[20:32])
}

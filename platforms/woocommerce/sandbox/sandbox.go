// Package sandbox is a local stand-in for WooCommerce stores; the real
// adapter is platforms/woocommerce, which speaks to it as to a store, only
// the store URL differs. It has the REST API
// v3 (coupons, orders, refunds, webhooks, current currency) with Basic
// auth, paging headers and WooCommerce's error envelope, the wc-auth
// app-authorisation endpoint, and signed webhook deliveries. Tests and
// newcomers drive it with a control API (SeedCoupons, PlaceOrder, Refund,
// Cancel, DropNextDelivery; with StoreConfig.Subscriptions, WooCommerce
// Subscriptions' Subscribe, Renew, Switch, FailRenewal and
// SetSubscriptionStatus, see subscriptions.go, and its REST endpoints,
// subscriptions_rest.go). A store's URL itself answers with its home
// page, where a tracked link lands.
//
// One Server holds many stores, each known by its URL: a request belongs
// to the store whose host matches its Host header and whose path prefixes
// its path (any store's path when no host matches), so stores can live
// under path prefixes of one listener or behind WOOCOMMERCE_BASE_URL.
//
// Payload shapes follow the REST API docs:
// https://woocommerce.github.io/woocommerce-rest-api-docs/
//
// Read sandbox.go (Options, Server, stores by URL) and store.go (one store
// and its control API) first, then model.go and order_json.go (orders and
// their JSON), rest.go and resources.go (routing, auth and the REST
// endpoints), coupons.go and orders.go, auth.go (wc-auth) and deliver.go
// (signed webhook deliveries).
package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// HTTPClient delivers webhooks and posts keys to callback URLs
	// (default: a client with a 10s timeout).
	HTTPClient *http.Client
	// Now is the stores' clock (default time.Now).
	Now func() time.Time
}

// Server is a set of sandbox stores behind one http.Handler.
type Server struct {
	client *http.Client
	now    func() time.Time

	mu     sync.Mutex
	stores []*Store
}

// New makes an empty server; add stores with AddStore.
func New(opts Options) *Server {
	s := &Server{client: opts.HTTPClient, now: opts.Now}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// StoreConfig describes a store.
type StoreConfig struct {
	// URL is the store's home URL, e.g. "http://127.0.0.1:8080/shop1".
	URL string
	// Currency is the store currency (default USD).
	Currency string
	// TaxRate is the one tax rate on items and shipping, in basis points.
	TaxRate int64
	// PricesIncludeTax makes the prices of lines include their tax
	// (WooCommerce's "Prices entered with tax"); shipping is without it.
	PricesIncludeTax bool
	// Shipping is the flat shipping fee of every order, in minor units.
	Shipping int64
	// Name is the site title (default "Sandbox store").
	Name string
	// Subscriptions makes the store run WooCommerce Subscriptions: the
	// /subscriptions endpoints, the subscription.* webhook topics and the
	// control calls Subscribe, Renew, Switch and SetSubscriptionStatus.
	Subscriptions bool
	// Home is the home URL WordPress reports, when not URL (a store
	// reached at http://x that calls itself https://www.x).
	Home string
}

// AddStore opens a store. Its URL must parse; a trailing slash is ignored.
func (s *Server) AddStore(cfg StoreConfig) (*Store, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(cfg.URL), "/"))
	if err != nil || u.Host == "" {
		return nil, &url.Error{Op: "parse", URL: cfg.URL, Err: err}
	}
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	if cfg.Name == "" {
		cfg.Name = "Sandbox store"
	}
	st := &Store{srv: s, cfg: cfg, url: u.Scheme + "://" + u.Host + u.Path, host: u.Host, path: u.Path,
		keys: map[string]apiKey{}, nextID: 100}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stores = append(s.stores, st)
	sort.SliceStable(s.stores, func(i, j int) bool { return len(s.stores[i].path) > len(s.stores[j].path) })
	return st, nil
}

// ServeHTTP routes a request to its store.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st, rest := s.route(r)
	switch {
	case st == nil:
		writeError(w, http.StatusNotFound, "rest_no_route", "No store was found matching the URL")
	case strings.HasPrefix(rest, "/wc-auth/v1/authorize"):
		st.authorize(w, r)
	case rest == "/wp-json" || rest == "/wp-json/":
		st.index(w)
	case strings.HasPrefix(rest, "/wp-json/wc/v3/"):
		st.serveREST(w, r, strings.TrimPrefix(rest, "/wp-json/wc/v3"))
	case (rest == "" || rest == "/") && r.Method == http.MethodGet:
		st.homePage(w)
	default:
		writeError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method")
	}
}

// route finds the store of a request and the path below the store's.
func (s *Server) route(r *http.Request) (*Store, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byHost := false
	for _, st := range s.stores {
		byHost = byHost || strings.EqualFold(st.host, r.Host)
	}
	for _, st := range s.stores {
		if byHost && !strings.EqualFold(st.host, r.Host) {
			continue
		}
		if rest, ok := strings.CutPrefix(r.URL.Path, st.path); ok && (rest == "" || rest[0] == '/') {
			return st, rest
		}
	}
	return nil, ""
}

// errorBody is WooCommerce's (WordPress REST's) error envelope.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status int `json:"status"`
	} `json:"data"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var b errorBody
	b.Code, b.Message, b.Data.Status = code, message, status
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// gmt formats a time as WooCommerce's dates: "2017-03-22T19:28:08".
func gmt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// gmtPtr is gmt, or nil for the zero time (JSON null).
func gmtPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := gmt(t)
	return &s
}

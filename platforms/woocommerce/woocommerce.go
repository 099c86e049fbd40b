// Package woocommerce is the WooCommerce adapter: the app-authorisation
// connect flow (/wc-auth/v1/authorize), the store's REST API v3 over HTTPS
// with Basic auth (consumer key and secret), webhooks signed with a base64
// HMAC-SHA256 of the raw body, and the reading of orders for
// reconciliation, since WooCommerce never retries a failed delivery.
//
// A connection's ExternalID is the store's normalised URL (see
// NormalizeStoreURL); its credentials hold consumer_key, consumer_secret,
// key_id, key_permissions, currency, webhook_secret and webhook_ids.
//
// Read woocommerce.go (Config, Adapter, store URLs) first, then webhook.go
// (signature, source, event ids), parse.go (events), lines.go (an order's
// lines and those a refund gives back), connect.go (keys and webhooks),
// client.go (the REST client), catalog.go (coupons), reconcile.go (orders
// read back), reconcile_subscriptions.go (subscriptions read back) and
// store.go (store facts).
package woocommerce

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/egress"
)

// Credential keys on a WooCommerce connection.
const (
	CredConsumerKey    = "consumer_key"
	CredConsumerSecret = "consumer_secret"
	CredKeyID          = "key_id"
	CredKeyPermissions = "key_permissions"
	CredCurrency       = "currency"
	CredWebhookSecret  = "webhook_secret"
	CredWebhookIDs     = "webhook_ids"
	// CredReconciledUntil is the reconciliation checkpoint (RFC 3339, UTC).
	CredReconciledUntil = "reconciled_until"
	// CredSubscriptionsReconciledUntil is the subscriptions' own
	// reconciliation checkpoint (RFC 3339, UTC).
	CredSubscriptionsReconciledUntil = "subscriptions_reconciled_until"
	// CredNoSubscriptions, set (RFC 3339, UTC) when the store answered that
	// it has no WooCommerce Subscriptions, stops reading its subscriptions
	// until it is connected again (new credentials lack it).
	CredNoSubscriptions = "no_subscriptions"
)

// Config configures the adapter.
type Config struct {
	// AppURL is Codecredit's public URL: the callback, return and webhook
	// delivery URLs are built on it.
	AppURL string
	// HTTPClient makes every outbound call (default: a client with a 30s
	// timeout). Its Transport is replaced by the egress guard's, so a
	// store is only reached over https at a public address, or under Allow.
	HTTPClient *http.Client
	// Allow lists store URL prefixes reachable over plain http and at
	// internal addresses: the app's own sandbox store in newcomer mode,
	// test servers. BaseURL, set by the operator, is always allowed.
	Allow []string
	// BaseURL, when set (WOOCOMMERCE_BASE_URL), receives every call meant
	// for a store, keeping the store's path and the call's path and query;
	// API calls carry the store's host in the Host header, so one server
	// (the sandbox) can stand in for many stores.
	BaseURL string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Adapter implements platforms.Receiver and platforms.Catalog for WooCommerce.
type Adapter struct {
	appURL string
	client *http.Client
	base   *url.URL
	egress egress.Policy
	now    func() time.Time
}

var (
	_ platforms.Receiver = (*Adapter)(nil)
	_ platforms.Catalog  = (*Adapter)(nil)
)

// New builds the adapter. An unparsable BaseURL is ignored, so a typo
// never sends calls somewhere unexpected: calls then go to the stores.
func New(cfg Config) *Adapter {
	a := &Adapter{appURL: strings.TrimRight(cfg.AppURL, "/"), now: cfg.Now}
	if a.now == nil {
		a.now = time.Now
	}
	a.egress.Allow = append([]string(nil), cfg.Allow...)
	if u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/")); err == nil && cfg.BaseURL != "" && u.Host != "" {
		a.base = u
		a.egress.Allow = append(a.egress.Allow, u.String())
	}
	a.client = a.egress.Client(30 * time.Second)
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		c.Transport = a.egress.Transport()
		a.client = &c
	}
	return a
}

// CheckStore refuses a store URL the adapter will not call: not https, or
// at a loopback, private, link-local or other internal address, unless
// Config.Allow lets it through. Names are checked again when dialled.
func (a *Adapter) CheckStore(store string) error {
	u, err := url.Parse(store)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrStoreURL, store)
	}
	if err := a.egress.CheckURL(u); err != nil {
		return fmt.Errorf("%w: %w", ErrStoreURL, err)
	}
	return nil
}

// Name is platforms.WooCommerce.
func (a *Adapter) Name() string { return platforms.WooCommerce }

// ErrStoreURL is returned for a store URL that cannot be a WooCommerce store.
var ErrStoreURL = errors.New("woocommerce: invalid store URL")

// NormalizeStoreURL is the one spelling of a store URL used as the
// connection's ExternalID: lower-case scheme and host, no default port,
// no trailing slash, the WordPress subdirectory kept
// ("HTTPS://Shop.Example:443/wp/" → "https://shop.example/wp"). Only https
// is accepted, except http on a loopback host (a local sandbox).
func NormalizeStoreURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%w: %q", ErrStoreURL, raw)
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	port := u.Port()
	switch {
	case scheme == "https" && port == "443", scheme == "http" && port == "80":
		port = ""
	case scheme == "http" && !isLoopback(host):
		return "", fmt.Errorf("%w: %q must use https", ErrStoreURL, raw)
	case scheme != "https" && scheme != "http":
		return "", fmt.Errorf("%w: %q must use https", ErrStoreURL, raw)
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// storeURL builds the URL of path (with query) on a store, sent to the
// base URL when one is configured; host is the Host header to send ("" = the URL's).
func (a *Adapter) storeURL(store, path string, q url.Values) (u *url.URL, host string, err error) {
	s, err := url.Parse(store)
	if err != nil || s.Host == "" {
		return nil, "", fmt.Errorf("%w: %q", ErrStoreURL, store)
	}
	u = &url.URL{Scheme: s.Scheme, Host: s.Host, Path: strings.TrimRight(s.Path, "/") + path}
	if a.base != nil {
		host = s.Host
		u.Scheme, u.Host = a.base.Scheme, a.base.Host
		u.Path = strings.TrimRight(a.base.Path, "/") + u.Path
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u, host, nil
}

// CallbackURL is where WooCommerce posts the generated keys.
func (a *Adapter) CallbackURL() string { return a.appURL + "/auth/woocommerce/callback" }

// ReturnURL is where the merchant's browser comes back after approving.
func (a *Adapter) ReturnURL() string { return a.appURL + "/admin/" }

// DeliveryURL is where the store delivers our webhooks.
func (a *Adapter) DeliveryURL() string { return a.appURL + "/webhooks/woocommerce" }

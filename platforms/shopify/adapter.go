// Package shopify is Codecredit's Shopify adapter: the install flows
// (authorization code grant, token exchange for the embedded admin, expiring
// offline tokens with refresh), webhook verification and parsing into
// normalised events, and the discount catalog (import every code through the
// GraphQL Admin API, create codes for affiliates). It translates; it never
// stores.
//
// Read adapter.go (Config, Adapter, shop domains) first, then webhook.go
// (signature, source, event ids) with orders.go, events.go, disputes.go and
// payloads.go (parsing), oauth.go and session.go (installs, session tokens,
// token refresh), then catalog.go, discounts.go and admin.go (codes and
// webhook subscriptions), bulk.go and bulk_stream.go (a large store's codes
// through one bulk operation), graphql.go and throttle.go (calls under the cost
// limit), money.go, shop_named.go and transport.go; store_credit.go and
// store_credit_credit.go pay affiliates as store credit. The local stand-in for
// Shopify is platforms/shopify/sandbox.
package shopify

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"

	"codecredit/platforms"
)

// APIVersion is the Admin API version every call and webhook uses.
const APIVersion = "2026-10"

// DefaultScopes are the access scopes the app asks for.
// read_products reads the catalog: products and the collections they are
// in, for commission rules by collection.
var DefaultScopes = []string{"read_orders", "read_discounts", "write_discounts", "read_products", ScopeDisputes}

// Topics are the webhook topics a shop is subscribed to at install (the
// compliance topics come from shopify.app.toml and are not subscribed per
// shop). The dispute topics are subscribed only where the merchant granted
// ScopeDisputes (see EnsureWebhooks). The product and collection topics
// keep the catalog current (a commission rule may target a collection).
var Topics = []string{
	TopicOrdersPaid, TopicOrdersCancelled, TopicRefundsCreate,
	TopicDiscountsCreate, TopicDiscountsUpdate, TopicDiscountsDelete, TopicAppUninstalled,
	TopicDisputesCreate, TopicDisputesUpdate,
	"products/create", "products/update", "products/delete",
	"collections/create", "collections/update", "collections/delete",
}

// Credentials keys on platforms.Conn.
const (
	CredAccessToken      = "access_token"
	CredAccessExpiresAt  = "access_token_expires_at"
	CredRefreshToken     = "refresh_token"
	CredRefreshExpiresAt = "refresh_token_expires_at"
	CredScope            = "scope"
)

var shopDomainRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidShopDomain reports whether shop is a bare "name.myshopify.com" domain.
func ValidShopDomain(shop string) bool {
	return len(shop) <= 255 && shopDomainRe.MatchString(shop)
}

// NormalizeShop lower-cases and trims a shop domain and checks it; "" when
// it is not a valid myshopify.com domain.
func NormalizeShop(shop string) string {
	shop = strings.ToLower(strings.TrimSpace(shop))
	if !ValidShopDomain(shop) {
		return ""
	}
	return shop
}

// Config is what the adapter needs. BaseURL, when set, sends every call
// (OAuth and API) to that base instead of the shop's own host, keeping path
// and query and putting the shop's domain in the Host header. HTTPClient nil
// means a client with a 30 s timeout; Scopes nil means DefaultScopes; Clock
// nil means time.Now. BulkThreshold is the number of codes from which an
// import runs as one bulk operation (0 means DefaultBulkThreshold, a
// negative number never).
type Config struct {
	APIKey, APISecret, AppURL, BaseURL string
	HTTPClient                         *http.Client
	Scopes                             []string
	Clock                              func() time.Time
	BulkThreshold                      int
}

// Adapter implements platforms.Receiver and platforms.Catalog for Shopify.
type Adapter struct {
	cfg    Config
	base   *url.URL // nil: the real shop hosts
	client *http.Client
	pace   pacer
	// noContracts holds the shops whose subscription contracts could not
	// be read, so that is logged once (see EnrichWebhook).
	noContracts sync.Map
}

var (
	_ platforms.Receiver = (*Adapter)(nil)
	_ platforms.Catalog  = (*Adapter)(nil)
	_ platforms.Enricher = (*Adapter)(nil)
)

// New builds the adapter. A BaseURL that does not parse is ignored with the
// real hosts used instead; Validate reports it.
func New(cfg Config) *Adapter {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if cfg.BulkThreshold == 0 {
		cfg.BulkThreshold = DefaultBulkThreshold
	}
	cfg.AppURL = strings.TrimRight(cfg.AppURL, "/")
	inner := cfg.HTTPClient
	if inner == nil {
		inner = &http.Client{Timeout: 30 * time.Second}
	}
	a := &Adapter{cfg: cfg}
	if u, err := url.Parse(cfg.BaseURL); err == nil && cfg.BaseURL != "" && u.Host != "" {
		a.base = u
	}
	a.client = rebase(inner, a.base)
	return a
}

// Validate reports a configuration that cannot work.
func (a *Adapter) Validate() error {
	switch {
	case a.cfg.APIKey == "" || a.cfg.APISecret == "":
		return fmt.Errorf("shopify: API key and secret are required")
	case a.cfg.BaseURL != "" && a.base == nil:
		return fmt.Errorf("shopify: base URL %q is not an absolute URL", a.cfg.BaseURL)
	}
	return nil
}

// Name is platforms.Shopify.
func (a *Adapter) Name() string { return platforms.Shopify }

// APIKey is the app's client id, the audience of session tokens.
func (a *Adapter) APIKey() string { return a.cfg.APIKey }

// Standalone reports whether the adapter talks to a stand-in for Shopify
// (a base URL is set), so the app runs outside the Shopify admin.
func (a *Adapter) Standalone() bool { return a.base != nil }

// AppHomeURL is where the merchant lands after installing: the app inside
// the shop's Shopify admin, or the app's own admin when standalone.
func (a *Adapter) AppHomeURL(shop string) string {
	if a.Standalone() {
		return a.cfg.AppURL + "/admin/?shop=" + url.QueryEscape(shop)
	}
	return "https://" + shop + "/admin/apps/" + url.PathEscape(a.cfg.APIKey)
}

// WebhookCallbackURL is where shops deliver webhooks.
func (a *Adapter) WebhookCallbackURL() string { return a.cfg.AppURL + "/webhooks/shopify" }

// Now is the adapter's clock (Config.Clock).
func (a *Adapter) Now() time.Time { return a.cfg.Clock() }

func (a *Adapter) now() time.Time { return a.cfg.Clock() }

// api is a go-shopify client for one shop with a valid access token.
func (a *Adapter) api(shop, token string) (*goshopify.Client, error) {
	app := goshopify.App{ApiKey: a.cfg.APIKey, ApiSecret: a.cfg.APISecret}
	return goshopify.NewClient(app, shop, token,
		goshopify.WithVersion(APIVersion), goshopify.WithHTTPClient(a.client))
}

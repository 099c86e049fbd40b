// Package paddle is the Paddle Billing adapter: it connects a merchant's
// Paddle account with an API key (registering our webhook destination),
// imports and creates discount codes through the official SDK, and
// verifies and parses Paddle's signed webhooks into normalised events.
//
// Paddle's payloads carry no account id, so each connection gets a key of
// our own, put in the destination URL as ?c=<key>: that key is the
// connection's ExternalID and what WebhookSource reads.
//
// A transaction names the discount it used by id only (discount_id), never
// by code text, so an Order's Codes hold Paddle discount ids, and imported
// or created codes carry the discount id as both PlatformID and
// PlatformCodeID (a Paddle discount has exactly one code). Discount ids
// contain "_", which Paddle codes (letters and digits only) never do, so an
// id can never be mistaken for another code's text.
//
// Read paddle.go (Config, Adapter) first, then webhook.go (signature and
// envelope), parse.go (events), lines.go (an order's line items and
// the items a refund gives back) and subscriptions.go (a subscription's
// state from its subscription.* events), then connect.go and destination.go
// (connecting and disconnecting), catalog.go (discounts), client.go (the
// SDK's transport) and money.go.
package paddle

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
)

// Event types the adapter subscribes to and acts on.
const (
	TopicTransactionCompleted = "transaction.completed"
	TopicAdjustmentCreated    = "adjustment.created"
	TopicAdjustmentUpdated    = "adjustment.updated"
	TopicDiscountCreated      = "discount.created"
	TopicDiscountUpdated      = "discount.updated"
)

// Topics is every event type the notification destination subscribes to:
// the ones above and the subscription events (subscriptions.go).
var Topics = append([]string{TopicTransactionCompleted, TopicAdjustmentCreated, TopicAdjustmentUpdated,
	TopicDiscountCreated, TopicDiscountUpdated}, subscriptionTopics...)

// Credential keys kept on a Paddle connection.
const (
	CredAPIKey              = "api_key"
	CredWebhookSecret       = "webhook_secret"
	CredNotificationSetting = "notification_setting_id"
)

// SignatureHeader is the header carrying Paddle's webhook signature.
const SignatureHeader = "Paddle-Signature"

// ConnectionParam is the query parameter of the webhook URL that names the
// connection a delivery is for.
const ConnectionParam = "c"

// DefaultTolerance is how far a signature's timestamp may be from now.
// Paddle documents five seconds as its SDKs' default.
const DefaultTolerance = 5 * time.Second

// DefaultPageSize is how many discounts one import page asks for (Paddle's
// maximum per_page).
const DefaultPageSize = 200

// Config configures the adapter.
type Config struct {
	// BaseURL, when set (PADDLE_BASE_URL), receives every API call instead
	// of Paddle's host, keeping path and query. Empty: the sandbox API for
	// sandbox keys (pdl_sdbx_...), the live API otherwise.
	BaseURL string
	// AppURL is this app's public URL; webhooks go to AppURL/webhooks/paddle.
	AppURL string
	// HTTPClient makes every API call; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Clock is the current time; nil means time.Now.
	Clock func() time.Time
	// Tolerance is the allowed signature age; 0 means DefaultTolerance.
	Tolerance time.Duration
	// PageSize is the import page size; 0 means DefaultPageSize.
	PageSize int
	// Logger records skipped discounts; nil means slog.Default().
	Logger *slog.Logger
}

// Adapter is the Paddle Billing platform. It implements platforms.Receiver
// and platforms.Catalog.
type Adapter struct {
	cfg Config
}

var (
	_ platforms.Receiver = (*Adapter)(nil)
	_ platforms.Catalog  = (*Adapter)(nil)
)

// New returns the adapter, filling in Config defaults.
func New(cfg Config) *Adapter {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = DefaultTolerance
	}
	if cfg.PageSize <= 0 || cfg.PageSize > DefaultPageSize {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.AppURL = strings.TrimRight(cfg.AppURL, "/")
	return &Adapter{cfg: cfg}
}

// Name is platforms.Paddle.
func (a *Adapter) Name() string { return platforms.Paddle }

// baseURLFor is where calls made with apiKey go.
func (a *Adapter) baseURLFor(apiKey string) string {
	switch {
	case a.cfg.BaseURL != "":
		return a.cfg.BaseURL
	case IsSandboxKey(apiKey):
		return paddlesdk.SandboxBaseURL
	}
	return paddlesdk.ProductionBaseURL
}

// IsSandboxKey reports whether apiKey is a Paddle sandbox key. Keys in
// Paddle's current format name their environment (pdl_sdbx_ or pdl_live_);
// legacy keys do not and are taken as live.
func IsSandboxKey(apiKey string) bool {
	return strings.HasPrefix(apiKey, "pdl_sdbx_")
}

// WebhookURL is the notification destination for a connection key.
func (a *Adapter) WebhookURL(connectionKey string) string {
	return a.cfg.AppURL + "/webhooks/paddle?" + ConnectionParam + "=" + connectionKey
}

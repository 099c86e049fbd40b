// Package paypal pays affiliates through PayPal Payouts: OAuth2 client
// credentials, batch payouts with sender_batch_id and PayPal-Request-Id for
// idempotency, batch and item status by polling, cancelling an unclaimed
// item, and webhook events verified through PayPal's
// verify-webhook-signature call. It speaks to PayPal through
// github.com/plutov/paypal/v4 and only translates: amounts are integer minor
// units on our side and exact decimal strings on PayPal's.
//
// Read paypal.go (Config, Client), money.go (amounts), status.go (batch and
// item states), payouts.go (the calls), errors.go (what can go wrong) and
// webhook.go (signed events). The local stand-in is ./sandbox.
package paypal

import (
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	ppsdk "github.com/plutov/paypal/v4"
)

// Base URLs of PayPal's REST API.
const (
	LiveBaseURL    = ppsdk.APIBaseLive
	SandboxBaseURL = ppsdk.APIBaseSandBox
)

// MaxItemsPerBatch is the most payout items PayPal takes in one create call;
// more is refused with HTTP 400.
const MaxItemsPerBatch = 15000

// DefaultWebhookMaxAge is how old a webhook transmission may be: PayPal
// retries a delivery for up to three days, so anything older is a replay.
const DefaultWebhookMaxAge = 72 * time.Hour

// Config says which PayPal account to act for.
type Config struct {
	// ClientID and Secret are the REST app's credentials.
	ClientID, Secret string
	// BaseURL is LiveBaseURL, SandboxBaseURL or a local sandbox's URL.
	BaseURL string
	// WebhookID is the ID of the webhook subscribed to payout events; it
	// is part of what PayPal signs.
	WebhookID string
	// HTTPClient makes every call; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// WebhookMaxAge bounds a transmission's age; 0 means
	// DefaultWebhookMaxAge.
	WebhookMaxAge time.Duration
	// Clock is the current time; nil means time.Now.
	Clock func() time.Time
}

// Client calls PayPal for one account. It is safe for concurrent use; the
// access token is fetched once and renewed before it expires.
type Client struct {
	cfg Config

	mu    sync.Mutex
	sdk   *ppsdk.Client                // replaced when PayPal stops taking its token
	certs map[string]*x509.Certificate // webhook signing certificates by URL
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" || cfg.Secret == "" {
		return nil, errors.New("paypal: client id and secret are required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = LiveBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.WebhookMaxAge <= 0 {
		cfg.WebhookMaxAge = DefaultWebhookMaxAge
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	c := &Client{cfg: cfg}
	c.renewSDK(nil)
	return c, nil
}

func (c *Client) currentSDK() *ppsdk.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sdk
}

// renewSDK drops the SDK client (and its access token) that old names,
// unless another call has already done so.
func (c *Client) renewSDK(old *ppsdk.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sdk == old {
		c.sdk, _ = ppsdk.NewClient(c.cfg.ClientID, c.cfg.Secret, c.cfg.BaseURL) // cannot fail: all three are set
		c.sdk.SetHTTPClient(c.cfg.HTTPClient)
	}
}

// Package stripe is the Stripe adapter: Connect OAuth or a pasted restricted
// key, the import and creation of promotion codes, and the verification and
// parsing of Stripe's signed webhook events.
//
// Every call goes through stripe-go (pinned to stripe.APIVersion, which it
// sends as Stripe-Version) and golang.org/x/oauth2, with an injectable
// *http.Client and base URL, so the local sandbox (package sandbox) is
// spoken to by the very code that talks to Stripe.
//
// A connection is one of two kinds, told apart by credentials["mode"]:
//
//   - "connect": the merchant authorised our Connect platform. Calls use the
//     platform secret key with the Stripe-Account header; events arrive at
//     the platform's endpoint, signed with STRIPE_WEBHOOK_SECRET, and name
//     the account in their "account" field.
//   - "key": the merchant pasted a restricted key. Calls use that key; we
//     create a webhook endpoint on their account pointing at
//     APP_URL/webhooks/stripe?c=<account id> and keep its signing secret as
//     credentials["webhook_secret"].
//
// Read stripe.go (Config, Adapter) first, then webhook.go (signature and
// envelope), parse.go with orders.go, refunds.go, disputes.go and
// subscriptions.go (events),
// invoice_lines.go and checkout_lines.go (the lines of orders and credit
// notes), enrich.go and subscriptions_enrich.go (what a webhook lacks, fetched), connect.go (both kinds of
// connection), catalog.go (promotion codes), errors.go and money.go;
// connect_accounts.go and transfers.go pay affiliates through Connect
// Express accounts.
package stripe

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// Credential keys of a Stripe connection.
const (
	CredMode              = "mode"                // ModeConnect or ModeKey
	CredAPIKey            = "api_key"             // the pasted restricted key (ModeKey)
	CredStripeUserID      = "stripe_user_id"      // the connected account id
	CredWebhookSecret     = "webhook_secret"      // the endpoint's signing secret (ModeKey)
	CredWebhookEndpointID = "webhook_endpoint_id" // the endpoint we created (ModeKey)
	CredScope             = "scope"               // the OAuth scope granted (ModeConnect)
	// The Connect endpoint we created on a pasted-key account: it hears
	// account.updated about the affiliates' Express accounts (ModeKey).
	CredConnectWebhookSecret     = "connect_webhook_secret"
	CredConnectWebhookEndpointID = "connect_webhook_endpoint_id"
)

// Connection modes.
const (
	ModeConnect = "connect"
	ModeKey     = "key"
)

// Config is what the adapter needs. BaseURL (STRIPE_BASE_URL), when set,
// replaces both https://api.stripe.com and https://connect.stripe.com,
// keeping path and query.
type Config struct {
	ClientID      string // STRIPE_CLIENT_ID, the Connect platform's ca_...
	SecretKey     string // STRIPE_SECRET_KEY, the platform's secret key
	WebhookSecret string // STRIPE_WEBHOOK_SECRET, the platform endpoint's whsec_...
	AppURL        string // APP_URL, where Stripe sends webhooks and redirects
	BaseURL       string // STRIPE_BASE_URL
	HTTPClient    *http.Client
	Logger        *slog.Logger
	// AllowTestKeys lets test-mode keys and connections through, for
	// Stripe's own mock (stripe-mock accepts test keys only). Otherwise
	// they are refused at connect (ErrTestMode).
	AllowTestKeys bool
}

// Adapter implements platforms.Receiver and platforms.Catalog for Stripe.
type Adapter struct {
	cfg      Config
	origin   string // BaseURL's scheme and host; its path is added by the client's transport
	backends *stripe.Backends
}

// Compile-time checks that the adapter implements the interfaces.
var (
	_ platforms.Receiver = (*Adapter)(nil)
	_ platforms.Catalog  = (*Adapter)(nil)
)

// New builds the adapter. A nil HTTPClient gets a 30-second timeout.
func New(cfg Config) *Adapter {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.AppURL = strings.TrimRight(cfg.AppURL, "/")
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	a := &Adapter{cfg: cfg, origin: cfg.BaseURL}
	if u, err := url.Parse(cfg.BaseURL); err == nil && cfg.BaseURL != "" && u.Path != "" {
		// stripe-go reads the API version off the request path, so it is
		// given the bare origin and the transport adds the base path.
		a.origin = u.Scheme + "://" + u.Host
		client := *cfg.HTTPClient
		client.Transport = prefixTransport{base: cfg.HTTPClient.Transport, prefix: u.Path}
		a.cfg.HTTPClient = &client
	}
	a.backends = &stripe.Backends{
		API:         a.backend(stripe.APIBackend, stripe.APIURL),
		Connect:     a.backend(stripe.ConnectBackend, stripe.ConnectURL),
		Uploads:     a.backend(stripe.UploadsBackend, stripe.UploadsURL),
		MeterEvents: a.backend(stripe.MeterEventsBackend, stripe.MeterEventsURL),
	}
	return a
}

// backend is one stripe-go backend on our client and base URL. Network
// retries are off: the jobs retry, so a call is never silently repeated.
func (a *Adapter) backend(kind stripe.SupportedBackend, host string) stripe.Backend {
	return stripe.GetBackendWithConfig(kind, &stripe.BackendConfig{
		HTTPClient:        a.cfg.HTTPClient,
		URL:               stripe.String(a.host(host)),
		MaxNetworkRetries: stripe.Int64(0),
		EnableTelemetry:   stripe.Bool(false),
		LeveledLogger:     slogLogger{a.cfg.Logger},
	})
}

// host is what the adapter's client calls instead of a Stripe host: the
// base URL's origin (its path is added on the way out), or the host itself.
func (a *Adapter) host(real string) string {
	if a.origin != "" {
		return a.origin
	}
	return real
}

// prefixTransport puts a base path in front of every request's path.
type prefixTransport struct {
	base   http.RoundTripper
	prefix string
}

// RoundTrip sends a copy of r with the prefixed path.
func (t prefixTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.URL.Path = t.prefix + r.URL.Path
	out.URL.RawPath = ""
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

// Name is platforms.Stripe.
func (a *Adapter) Name() string { return platforms.Stripe }

// WebhookURL is where Stripe sends a pasted-key account's events.
func (a *Adapter) WebhookURL(accountID string) string {
	return a.cfg.AppURL + "/webhooks/stripe?c=" + accountID
}

// client is a stripe-go client for a connection: its own key, or the
// platform key acting on the connected account.
func (a *Adapter) client(c *platforms.Conn) (*stripe.Client, *string, error) {
	creds := c.Credentials
	switch creds[CredMode] {
	case ModeKey:
		if creds[CredAPIKey] == "" {
			return nil, nil, fmt.Errorf("%w: the connection has no API key", platforms.ErrUnauthorized)
		}
		return stripe.NewClient(creds[CredAPIKey], stripe.WithBackends(a.backends)), nil, nil
	case ModeConnect, "":
		account := creds[CredStripeUserID]
		if account == "" {
			account = c.ExternalID
		}
		if a.cfg.SecretKey == "" {
			return nil, nil, fmt.Errorf("stripe: STRIPE_SECRET_KEY is not set")
		}
		return stripe.NewClient(a.cfg.SecretKey, stripe.WithBackends(a.backends)), stripe.String(account), nil
	}
	return nil, nil, fmt.Errorf("stripe: unknown connection mode %q", creds[CredMode])
}

// slogLogger sends stripe-go's own log lines to slog at debug level: the
// adapter reports the errors that matter itself.
type slogLogger struct{ log *slog.Logger }

// Debugf logs at debug level.
func (l slogLogger) Debugf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }

// Infof logs at debug level.
func (l slogLogger) Infof(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }

// Warnf logs at debug level.
func (l slogLogger) Warnf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }

// Errorf logs at debug level; the adapter reports the error itself.
func (l slogLogger) Errorf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }

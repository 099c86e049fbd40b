package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Config is every setting the server reads from the environment, read once
// at start and passed down. Empty DATABASE_URL, REDIS_URL and
// ENCRYPTION_KEY select the embedded defaults; the local platform
// sandboxes run only in newcomer mode or when SANDBOXES asks (mode.go).
type Config struct {
	Port                int    `env:"PORT" envDefault:"8080"`
	AppURL              string `env:"APP_URL"`
	DatabaseURL         string `env:"DATABASE_URL"`
	RedisURL            string `env:"REDIS_URL"`
	EncryptionKey       string `env:"ENCRYPTION_KEY"`
	DataDir             string `env:"DATA_DIR" envDefault:"./data"`
	SMTPURL             string `env:"SMTP_URL"`
	MailFrom            string `env:"MAIL_FROM"`
	ShopifyAPIKey       string `env:"SHOPIFY_API_KEY"`
	ShopifyAPISecret    string `env:"SHOPIFY_API_SECRET"`
	ShopifyBaseURL      string `env:"SHOPIFY_BASE_URL"`
	StripeClientID      string `env:"STRIPE_CLIENT_ID"`
	StripeSecretKey     string `env:"STRIPE_SECRET_KEY"`
	StripeWebhookSecret string `env:"STRIPE_WEBHOOK_SECRET"`
	StripeBaseURL       string `env:"STRIPE_BASE_URL"`
	PaddleBaseURL       string `env:"PADDLE_BASE_URL"`
	WooCommerceBaseURL  string `env:"WOOCOMMERCE_BASE_URL"`
	PayPalBaseURL       string `env:"PAYPAL_BASE_URL"`
	Sandboxes           string `env:"SANDBOXES"`
	LogLevel            string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat           string `env:"LOG_FORMAT" envDefault:"json"`
	WorkerConcurrency   int    `env:"WORKER_CONCURRENCY" envDefault:"4"`
	MetricsPort         int    `env:"METRICS_PORT"`
	MetricsToken        string `env:"METRICS_TOKEN"`
}

// LoadConfig reads the configuration from environ (as from os.Environ),
// fills the defaults that depend on other fields and validates it.
func LoadConfig(environ []string) (Config, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Environment: vars}); err != nil {
		return Config{}, namedParseError(err)
	}
	if c.AppURL == "" {
		c.AppURL = "http://localhost:" + strconv.Itoa(c.Port)
	}
	c.AppURL = strings.TrimRight(c.AppURL, "/")
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate checks every value and the rules that span fields. It reports
// all problems at once, each naming its variable.
func (c Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if c.Port < 1 || c.Port > 65535 {
		add(fmt.Errorf("PORT must be between 1 and 65535, got %d", c.Port))
	}
	add(checkHTTPURL("APP_URL", c.AppURL, true))
	add(checkURL("DATABASE_URL", c.DatabaseURL, "leave it empty for the embedded SQLite database", "postgres", "postgresql"))
	add(checkURL("REDIS_URL", c.RedisURL, "leave it empty for the embedded Redis", "redis", "rediss"))
	if _, err := decodeKey(c.EncryptionKey); c.EncryptionKey != "" && err != nil {
		add(fmt.Errorf("ENCRYPTION_KEY %v (leave it empty to generate one in DATA_DIR)", err))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		add(errors.New("DATA_DIR must not be empty"))
	}
	add(c.validateMail())
	add(c.validatePlatforms())
	add(c.validateProcess())
	return errors.Join(errs...)
}

// validateMail checks SMTP_URL and MAIL_FROM.
func (c Config) validateMail() error {
	var errs []error
	errs = append(errs, checkURL("SMTP_URL", c.SMTPURL, "leave it empty to keep emails in the outbox", "smtp", "smtps"))
	if c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			errs = append(errs, fmt.Errorf("MAIL_FROM must be an email address such as \"Shop <shop@example.com>\", got %q", c.MailFrom))
		}
	} else if c.SMTPURL != "" {
		errs = append(errs, errors.New("MAIL_FROM is required when SMTP_URL is set"))
	}
	return errors.Join(errs...)
}

// validatePlatforms checks the platform credentials and base URLs.
func (c Config) validatePlatforms() error {
	var errs []error
	if (c.ShopifyAPIKey == "") != (c.ShopifyAPISecret == "") {
		errs = append(errs, errors.New("SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together (or neither, for the local sandbox)"))
	}
	if c.StripeClientID != "" && c.StripeSecretKey == "" {
		errs = append(errs, errors.New("STRIPE_SECRET_KEY is required when STRIPE_CLIENT_ID is set"))
	}
	errs = append(errs,
		checkHTTPURL("SHOPIFY_BASE_URL", c.ShopifyBaseURL, false),
		checkHTTPURL("STRIPE_BASE_URL", c.StripeBaseURL, false),
		checkHTTPURL("PADDLE_BASE_URL", c.PaddleBaseURL, false),
		checkHTTPURL("WOOCOMMERCE_BASE_URL", c.WooCommerceBaseURL, false),
		checkHTTPURL("PAYPAL_BASE_URL", c.PayPalBaseURL, false),
		c.validateSandboxes())
	return errors.Join(errs...)
}

// validateProcess checks logging and worker settings.
func (c Config) validateProcess() error {
	var errs []error
	if _, ok := logLevels[strings.ToLower(c.LogLevel)]; !ok {
		errs = append(errs, fmt.Errorf("LOG_LEVEL must be one of debug, info, warn, error, got %q", c.LogLevel))
	}
	if f := strings.ToLower(c.LogFormat); f != "json" && f != "text" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT must be json or text, got %q", c.LogFormat))
	}
	if c.MetricsPort < 0 || c.MetricsPort > 65535 {
		errs = append(errs, fmt.Errorf("METRICS_PORT must be a TCP port (1-65535), got %d", c.MetricsPort))
	}
	if t := c.MetricsToken; t != "" && (len(t) < 16 || strings.ContainsAny(t, " \t\r\n")) {
		errs = append(errs, errors.New("METRICS_TOKEN must be at least 16 characters without spaces (e.g. `openssl rand -hex 16`)"))
	}
	if c.WorkerConcurrency < 1 || c.WorkerConcurrency > 256 {
		errs = append(errs, fmt.Errorf("WORKER_CONCURRENCY must be between 1 and 256, got %d", c.WorkerConcurrency))
	}
	return errors.Join(errs...)
}

// Key returns the decoded ENCRYPTION_KEY, or nil when it is not set.
func (c Config) Key() ([]byte, error) {
	if c.EncryptionKey == "" {
		return nil, nil
	}
	k, err := decodeKey(c.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("ENCRYPTION_KEY %v", err)
	}
	return k, nil
}

// decodeKey accepts 32 bytes written as 64 hex digits or as base64
// (standard or URL alphabet, padded or not).
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("must be 32 bytes, got %d bytes of base64", len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("must be 32 bytes as 64 hex digits or base64 (e.g. the output of `openssl rand -base64 32`)")
}

// checkURL accepts an empty value or a URL with one of schemes and a host.
func checkURL(name, value, whenEmpty string, schemes ...string) error {
	if value == "" {
		return nil
	}
	u, err := url.Parse(value)
	want := strings.Join(schemes, ":// or ") + "://"
	if err != nil || !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("%s must start with %s (%s)", name, want, whenEmpty)
	}
	if u.Host == "" {
		return fmt.Errorf("%s has no host", name)
	}
	return nil
}

// checkHTTPURL accepts an absolute http(s) URL; empty is allowed unless required.
func checkHTTPURL(name, value string, required bool) error {
	if value == "" && !required {
		return nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s must be an absolute http(s) URL such as https://example.com, got %q", name, value)
	}
	return nil
}

// namedParseError rewrites the env library's errors, which name struct
// fields, so that they name the environment variable instead.
func namedParseError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	t := reflect.TypeFor[Config]()
	var out []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := t.FieldByName(pe.Name); ok {
				out = append(out, fmt.Errorf("%s must be a whole number: %v", f.Tag.Get("env"), pe.Err))
				continue
			}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Platforms that have a local sandbox, as SANDBOXES names them.
const (
	sandboxShopify     = "shopify"
	sandboxStripe      = "stripe"
	sandboxPaddle      = "paddle"
	sandboxWooCommerce = "woocommerce"
	sandboxPayPal      = "paypal" // PayPal Payouts, for payout runs
)

var sandboxNames = []string{sandboxShopify, sandboxStripe, sandboxPaddle, sandboxWooCommerce, sandboxPayPal}

// configured lists the variables that make this a configured deployment:
// a database, Redis, a mail server or any platform setting.
func (c Config) configured() []string {
	var set []string
	for _, v := range []struct{ name, value string }{
		{"DATABASE_URL", c.DatabaseURL}, {"REDIS_URL", c.RedisURL}, {"SMTP_URL", c.SMTPURL},
		{"SHOPIFY_API_KEY", c.ShopifyAPIKey}, {"SHOPIFY_API_SECRET", c.ShopifyAPISecret}, {"SHOPIFY_BASE_URL", c.ShopifyBaseURL},
		{"STRIPE_CLIENT_ID", c.StripeClientID}, {"STRIPE_SECRET_KEY", c.StripeSecretKey},
		{"STRIPE_WEBHOOK_SECRET", c.StripeWebhookSecret}, {"STRIPE_BASE_URL", c.StripeBaseURL},
		{"PADDLE_BASE_URL", c.PaddleBaseURL}, {"WOOCOMMERCE_BASE_URL", c.WooCommerceBaseURL},
		{"PAYPAL_BASE_URL", c.PayPalBaseURL},
	} {
		if v.value != "" {
			set = append(set, v.name)
		}
	}
	return set
}

// Newcomer reports newcomer mode: nothing configured (no database, Redis,
// mail server or platform setting), the only case in which the local
// sandboxes run without being asked for in SANDBOXES.
func (c Config) Newcomer() bool { return len(c.configured()) == 0 }

// platformSetting is the variable that points platform at a real (or
// another) host, or "" when none is set.
func (c Config) platformSetting(platform string) string {
	vars := map[string][]struct{ name, value string }{
		sandboxShopify:     {{"SHOPIFY_API_KEY", c.ShopifyAPIKey}, {"SHOPIFY_BASE_URL", c.ShopifyBaseURL}},
		sandboxStripe:      {{"STRIPE_SECRET_KEY", c.StripeSecretKey}, {"STRIPE_BASE_URL", c.StripeBaseURL}},
		sandboxPaddle:      {{"PADDLE_BASE_URL", c.PaddleBaseURL}},
		sandboxWooCommerce: {{"WOOCOMMERCE_BASE_URL", c.WooCommerceBaseURL}},
		sandboxPayPal:      {{"PAYPAL_BASE_URL", c.PayPalBaseURL}},
	}
	for _, v := range vars[platform] {
		if v.value != "" {
			return v.name
		}
	}
	return ""
}

// sandboxesAsked is the set SANDBOXES names ("all": every platform).
func (c Config) sandboxesAsked() []string {
	var out []string
	for _, s := range strings.Split(c.Sandboxes, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "all" {
			return sandboxNames
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Sandbox reports whether platform runs on its local sandbox, and why:
// asked for in SANDBOXES (where "all" leaves out the platforms configured
// otherwise), or newcomer mode. Otherwise the platform is the real one.
func (c Config) Sandbox(platform string) (on bool, reason string) {
	if set := c.platformSetting(platform); set != "" {
		return false, set + " is set"
	}
	if slices.Contains(c.sandboxesAsked(), platform) {
		return true, "SANDBOXES=" + c.Sandboxes
	}
	if set := c.configured(); len(set) > 0 {
		return false, "configured deployment (" + set[0] + " is set); SANDBOXES=" + platform + " runs the local sandbox instead"
	}
	return true, "newcomer mode: nothing configured"
}

// validateSandboxes checks SANDBOXES: known names, none of them a platform
// that is configured to talk to a real host.
func (c Config) validateSandboxes() error {
	var errs []error
	all := false
	for _, s := range strings.Split(c.Sandboxes, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "all":
			all = true
		case s != "" && !slices.Contains(sandboxNames, s):
			errs = append(errs, fmt.Errorf("SANDBOXES must list some of %s (or be all), got %q", strings.Join(sandboxNames, ", "), s))
		case s != "" && c.platformSetting(s) != "":
			errs = append(errs, fmt.Errorf("SANDBOXES names %s, but %s is set: choose the sandbox or the configured platform", s, c.platformSetting(s)))
		}
	}
	if all && strings.Contains(c.Sandboxes, ",") {
		errs = append(errs, errors.New("SANDBOXES=all stands alone"))
	}
	return errors.Join(errs...)
}

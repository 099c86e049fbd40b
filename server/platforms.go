package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"codecredit/handlers"
	"codecredit/platforms/paddle"
	"codecredit/platforms/shopify"
	shopifysandbox "codecredit/platforms/shopify/sandbox"
	"codecredit/platforms/stripe"
	"codecredit/platforms/woocommerce"
)

// adapters are the platform adapters, built once from the configuration,
// and the local sandboxes standing in for platforms without credentials.
type adapters struct {
	paddle        *paddle.Adapter
	stripe        *stripe.Adapter
	woo           *woocommerce.Adapter
	shopify       *shopify.Adapter
	shopifySecret string
	stripeSecret  string
	sandboxes     []func()
	mounts        map[string]http.Handler // local sandboxes served by the app, by path
	sandboxInfo   handlers.Sandboxes      // how the admin reaches them (newcomer mode)
	// paypalURL is where PayPal Payouts calls go: PAYPAL_BASE_URL, the
	// local sandbox, or "" for PayPal's live API; paypalSandbox is set
	// when it is the local sandbox.
	paypalURL     string
	paypalSandbox bool
	// shopifyStorefront stands in for https://{shop} in discount links
	// (SHOPIFY_BASE_URL or the local sandbox); "" for the real Shopify.
	shopifyStorefront string
}

// realPlatform is the log message for every platform that is the real one.
const realPlatform = "using real platform"

// Where each platform's calls go when it is the real one.
var realHosts = map[string]string{
	sandboxShopify:     "each shop's own myshopify.com host",
	sandboxStripe:      "https://api.stripe.com",
	sandboxPaddle:      "https://api.paddle.com (https://sandbox-api.paddle.com for Paddle sandbox keys, pdl_sdbx_)",
	sandboxWooCommerce: "each store's own URL",
	sandboxPayPal:      "https://api-m.paypal.com",
}

// newAdapters builds every platform adapter; each sends its calls to the
// platform's real host unless its *_BASE_URL says otherwise, or unless
// cfg.Sandbox puts it on its local sandbox (newcomer mode, or SANDBOXES).
// The sandboxes run only in a process running web and worker together
// (together true): separate processes could not share them. The log says,
// one line per platform, which it is and why.
func newAdapters(cfg Config, log *slog.Logger, together bool) (adapters, error) {
	ad := adapters{
		paddle: paddle.New(paddle.Config{BaseURL: cfg.PaddleBaseURL, AppURL: cfg.AppURL, Logger: log}),
		stripe: stripe.New(stripe.Config{ClientID: cfg.StripeClientID, SecretKey: cfg.StripeSecretKey,
			WebhookSecret: cfg.StripeWebhookSecret, AppURL: cfg.AppURL, BaseURL: cfg.StripeBaseURL, Logger: log}),
		woo:          woocommerce.New(woocommerce.Config{AppURL: cfg.AppURL, BaseURL: cfg.WooCommerceBaseURL}),
		stripeSecret: cfg.StripeWebhookSecret,
		mounts:       map[string]http.Handler{},
		paypalURL:    cfg.PayPalBaseURL,
	}
	for _, p := range []struct {
		name string
		add  func(Config, *slog.Logger, string) error
	}{{sandboxStripe, ad.addStripeSandbox}, {sandboxPaddle, ad.addPaddleSandbox}, {sandboxWooCommerce, ad.addWooSandbox},
		{sandboxPayPal, ad.addPayPalSandbox}} {
		if on, reason := sandboxHere(cfg, log, p.name, together); on {
			if err := p.add(cfg, log, reason); err != nil {
				return ad, fmt.Errorf("%s sandbox: %w", p.name, err)
			}
		}
	}
	return ad, ad.addShopify(cfg, log, together)
}

// sandboxHere reports whether platform runs on its local sandbox in this
// process, and logs the real platform when it does not.
func sandboxHere(cfg Config, log *slog.Logger, platform string, together bool) (bool, string) {
	on, reason := cfg.Sandbox(platform)
	if on && !together {
		on, reason = false, reason+", but sandboxes run only when web and worker run together (`server`)"
	}
	if on {
		return true, reason
	}
	if platform == sandboxShopify && cfg.ShopifyAPIKey == "" {
		log.Info("shopify not configured", "reason", reason,
			"note", "set SHOPIFY_API_KEY and SHOPIFY_API_SECRET to install on Shopify")
		return false, reason
	}
	host := realHosts[platform]
	if base := map[string]string{sandboxShopify: cfg.ShopifyBaseURL, sandboxStripe: cfg.StripeBaseURL,
		sandboxPaddle: cfg.PaddleBaseURL, sandboxWooCommerce: cfg.WooCommerceBaseURL, sandboxPayPal: cfg.PayPalBaseURL}[platform]; base != "" {
		host = base
	}
	log.Info(realPlatform, "what", platform, "api", host, "reason", reason)
	return false, reason
}

// addShopify builds the Shopify adapter: the real Shopify with the app's
// credentials, the local sandbox (on a port of its own), or none.
func (ad *adapters) addShopify(cfg Config, log *slog.Logger, together bool) error {
	scfg := shopify.Config{APIKey: cfg.ShopifyAPIKey, APISecret: cfg.ShopifyAPISecret, AppURL: cfg.AppURL, BaseURL: cfg.ShopifyBaseURL}
	ad.shopifyStorefront = cfg.ShopifyBaseURL
	on, reason := sandboxHere(cfg, log, sandboxShopify, together)
	if !on && cfg.ShopifyAPIKey == "" {
		return nil
	}
	if on {
		sb := shopifysandbox.New(shopifysandbox.Options{AppURL: cfg.AppURL, Logger: log})
		sb.AddDemoShop()
		base, err := sb.Start("127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("shopify sandbox: %w", err)
		}
		ad.sandboxes = append(ad.sandboxes, sb.Close)
		ad.sandboxInfo.ShopifyControls = base + "/_sandbox/"
		scfg.APIKey, scfg.APISecret, scfg.BaseURL = shopifysandbox.DefaultAPIKey, shopifysandbox.DefaultAPISecret, base
		ad.shopifyStorefront = base
		log.Warn(embeddedDefault, "what", "shopify", "reason", reason, "sandbox_url", base,
			"install_url", cfg.AppURL+"/auth/shopify?shop="+shopifysandbox.DemoShop,
			"controls", base+"/_sandbox/", "note", "set SHOPIFY_API_KEY and SHOPIFY_API_SECRET for the real Shopify")
	}
	ad.shopify = shopify.New(scfg)
	ad.shopifySecret = scfg.APISecret
	return ad.shopify.Validate()
}

// close stops the sandboxes.
func (ad *adapters) close() {
	for _, c := range ad.sandboxes {
		c()
	}
}

package main

import (
	"fmt"
	"log/slog"
	"net/http"

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
}

// newAdapters builds every platform adapter; each sends its calls to the
// platform's real host unless its *_BASE_URL says otherwise. Without
// Shopify credentials, a process running web and worker together (sandbox
// true) runs the local Shopify sandbox with a demo shop holding a few
// hundred discount codes, so the whole flow can be tried; separate web and
// worker processes cannot share an in-process sandbox, so there Shopify is
// off until it is configured.
func newAdapters(cfg Config, log *slog.Logger, sandbox bool) (adapters, error) {
	ad := adapters{
		paddle: paddle.New(paddle.Config{BaseURL: cfg.PaddleBaseURL, AppURL: cfg.AppURL, Logger: log}),
		stripe: stripe.New(stripe.Config{ClientID: cfg.StripeClientID, SecretKey: cfg.StripeSecretKey,
			WebhookSecret: cfg.StripeWebhookSecret, AppURL: cfg.AppURL, BaseURL: cfg.StripeBaseURL, Logger: log}),
		woo: woocommerce.New(woocommerce.Config{AppURL: cfg.AppURL, BaseURL: cfg.WooCommerceBaseURL}),
	}
	scfg := shopify.Config{APIKey: cfg.ShopifyAPIKey, APISecret: cfg.ShopifyAPISecret, AppURL: cfg.AppURL, BaseURL: cfg.ShopifyBaseURL}
	ad.stripeSecret = cfg.StripeWebhookSecret
	if sandbox {
		if err := ad.addLocalSandboxes(cfg, log); err != nil {
			return ad, err
		}
	}
	if cfg.ShopifyAPIKey == "" && !sandbox {
		log.Info("shopify not configured", "note", "set SHOPIFY_API_KEY and SHOPIFY_API_SECRET to install on Shopify")
		return ad, nil
	}
	if cfg.ShopifyAPIKey == "" {
		sb := shopifysandbox.New(shopifysandbox.Options{AppURL: cfg.AppURL, Logger: log})
		sb.AddDemoShop()
		base, err := sb.Start("127.0.0.1:0")
		if err != nil {
			return ad, fmt.Errorf("shopify sandbox: %w", err)
		}
		ad.sandboxes = append(ad.sandboxes, sb.Close)
		scfg.APIKey, scfg.APISecret, scfg.BaseURL = shopifysandbox.DefaultAPIKey, shopifysandbox.DefaultAPISecret, base
		log.Warn("using embedded default", "what", "shopify", "sandbox_url", base,
			"install_url", cfg.AppURL+"/auth/shopify?shop="+shopifysandbox.DemoShop,
			"controls", base+"/_sandbox/", "note", "set SHOPIFY_API_KEY and SHOPIFY_API_SECRET for the real Shopify")
	}
	ad.shopify = shopify.New(scfg)
	ad.shopifySecret = scfg.APISecret
	return ad, ad.shopify.Validate()
}

// close stops the sandboxes.
func (ad *adapters) close() {
	for _, c := range ad.sandboxes {
		c()
	}
}

package main

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"codecredit/platforms/paddle"
	paddlesandbox "codecredit/platforms/paddle/sandbox"
	"codecredit/platforms/stripe"
	stripesandbox "codecredit/platforms/stripe/sandbox"
	"codecredit/platforms/woocommerce"
	woosandbox "codecredit/platforms/woocommerce/sandbox"
)

// Where the local sandboxes answer inside the app, in newcomer mode.
const (
	stripeSandboxPath = "/_sandbox/stripe"
	paddleSandboxPath = "/_sandbox/paddle"
	wooSandboxPath    = "/_sandbox/woocommerce"
)

// addLocalSandboxes stands in for Stripe, Paddle and WooCommerce when the
// process runs web and worker together and the platform is not
// configured: each sandbox is served by the app itself under /_sandbox/,
// seeded with a demo account holding existing codes, and the adapter
// talks to it through the same client it uses against the real platform.
func (ad *adapters) addLocalSandboxes(cfg Config, log *slog.Logger) error {
	ad.mounts = map[string]http.Handler{}
	if cfg.StripeSecretKey == "" {
		secret := "whsec_" + randomHex(16)
		sb := stripesandbox.New(stripesandbox.Options{ConnectWebhookURL: cfg.AppURL + "/webhooks/stripe", ConnectWebhookSecret: secret})
		id, key := sb.CreateAccount("Demo SaaS", "billing@demo-saas.example", "USD")
		if _, err := sb.SeedPromotionCodes(id, 40); err != nil {
			return err
		}
		ad.mounts[stripeSandboxPath] = http.StripPrefix(stripeSandboxPath, sb)
		ad.stripe = stripe.New(stripe.Config{ClientID: stripesandbox.DefaultClientID, SecretKey: stripesandbox.DefaultPlatformKey,
			WebhookSecret: secret, AppURL: cfg.AppURL, BaseURL: cfg.AppURL + stripeSandboxPath, Logger: log})
		ad.stripeSecret = secret
		log.Warn("using embedded default", "what", "stripe", "sandbox_url", cfg.AppURL+stripeSandboxPath,
			"connect", "POST /api/v1/connections/stripe {\"api_key\":\""+key+"\"}", "note", "set STRIPE_SECRET_KEY for the real Stripe")
	}
	if cfg.PaddleBaseURL == "" {
		sb := paddlesandbox.New(paddlesandbox.Options{})
		sb.SeedDiscounts(30)
		ad.mounts[paddleSandboxPath] = http.StripPrefix(paddleSandboxPath, sb)
		ad.paddle = paddle.New(paddle.Config{BaseURL: cfg.AppURL + paddleSandboxPath, AppURL: cfg.AppURL, Logger: log})
		log.Warn("using embedded default", "what", "paddle", "sandbox_url", cfg.AppURL+paddleSandboxPath,
			"connect", "POST /api/v1/connections/paddle {\"api_key\":\""+paddlesandbox.DefaultAPIKey+"\"}",
			"note", "set PADDLE_BASE_URL only to point at another Paddle; real keys work as they are")
	}
	return ad.addWooSandbox(cfg, log)
}

func (ad *adapters) addWooSandbox(cfg Config, log *slog.Logger) error {
	if cfg.WooCommerceBaseURL != "" {
		return nil
	}
	sb := woosandbox.New(woosandbox.Options{})
	storeURL := cfg.AppURL + wooSandboxPath + "/demo"
	st, err := sb.AddStore(woosandbox.StoreConfig{URL: storeURL, Name: "Demo WooCommerce store"})
	if err != nil {
		return err
	}
	st.SeedCoupons(30)
	ad.mounts[wooSandboxPath] = sb
	// Only the app's own sandbox store may be called over http on this host.
	ad.woo = woocommerce.New(woocommerce.Config{AppURL: cfg.AppURL, Allow: []string{cfg.AppURL + wooSandboxPath}})
	log.Warn("using embedded default", "what", "woocommerce", "sandbox_store", storeURL,
		"connect", "GET /auth/woocommerce?store="+storeURL)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

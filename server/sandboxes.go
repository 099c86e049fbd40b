package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"codecredit/models"

	"codecredit/platforms/paddle"
	paddlesandbox "codecredit/platforms/paddle/sandbox"
	paypalsandbox "codecredit/platforms/paypal/sandbox"
	"codecredit/platforms/stripe"
	stripesandbox "codecredit/platforms/stripe/sandbox"
	"codecredit/platforms/woocommerce"
	woosandbox "codecredit/platforms/woocommerce/sandbox"
)

// Where the local sandboxes answer inside the app, when they run
// (newcomer mode, or SANDBOXES).
const (
	stripeSandboxPath = "/_sandbox/stripe"
	paddleSandboxPath = "/_sandbox/paddle"
	wooSandboxPath    = "/_sandbox/woocommerce"
	paypalSandboxPath = "/_sandbox/paypal"
)

// addStripeSandbox serves the local Stripe under /_sandbox/stripe. Like the
// Paddle and WooCommerce ones, it is served by the app itself, seeded with
// a demo account holding existing codes, and the adapter talks to it
// through the same client it uses against the real platform; reason (for
// the log) says why it runs.
func (ad *adapters) addStripeSandbox(cfg Config, log *slog.Logger, reason string) error {
	secret := "whsec_" + randomHex(16)
	sb := stripesandbox.New(stripesandbox.Options{ConnectWebhookURL: cfg.AppURL + "/webhooks/stripe", ConnectWebhookSecret: secret})
	id, key := sb.CreateAccount("Demo SaaS", "billing@demo-saas.example", "USD")
	if _, err := sb.SeedPromotionCodes(id, 40); err != nil {
		return err
	}
	sb.SetBalance(id, "USD", 1_000_000_00) // USD 1,000,000 available, so demo payouts can be paid
	ad.mounts[stripeSandboxPath] = http.StripPrefix(stripeSandboxPath, sb)
	ad.stripe = stripe.New(stripe.Config{ClientID: stripesandbox.DefaultClientID, SecretKey: stripesandbox.DefaultPlatformKey,
		WebhookSecret: secret, AppURL: cfg.AppURL, BaseURL: cfg.AppURL + stripeSandboxPath, Logger: log})
	ad.stripeSecret = secret
	ad.sandboxInfo.StripeAPIKey = key
	plink, err := sb.CreatePaymentLink(id, "Demo plan", 4900, "USD") // for the codes' tracked links
	if err != nil {
		return err
	}
	log.Warn(embeddedDefault, "what", "stripe", "reason", reason, "sandbox_url", cfg.AppURL+stripeSandboxPath,
		"payment_link", cfg.AppURL+stripeSandboxPath+"/b/"+plink,
		"connect", "POST /api/v1/connections/stripe {\"api_key\":\""+key+"\"}", "note", "set STRIPE_SECRET_KEY for the real Stripe")
	return nil
}

// addPaddleSandbox serves the local Paddle under /_sandbox/paddle.
func (ad *adapters) addPaddleSandbox(cfg Config, log *slog.Logger, reason string) error {
	sb := paddlesandbox.New(paddlesandbox.Options{})
	sb.SeedDiscounts(30)
	ad.mounts[paddleSandboxPath] = http.StripPrefix(paddleSandboxPath, sb)
	ad.paddle = paddle.New(paddle.Config{BaseURL: cfg.AppURL + paddleSandboxPath, AppURL: cfg.AppURL, Logger: log})
	ad.sandboxInfo.PaddleAPIKey = paddlesandbox.DefaultAPIKey
	log.Warn(embeddedDefault, "what", "paddle", "reason", reason, "sandbox_url", cfg.AppURL+paddleSandboxPath,
		"connect", "POST /api/v1/connections/paddle {\"api_key\":\""+paddlesandbox.DefaultAPIKey+"\"}",
		"note", "any configured service makes Paddle the real one (api.paddle.com); real keys work as they are")
	return nil
}

// addWooSandbox serves a local WooCommerce store under /_sandbox/woocommerce.
func (ad *adapters) addWooSandbox(cfg Config, log *slog.Logger, reason string) error {
	sb := woosandbox.New(woosandbox.Options{})
	storeURL := cfg.AppURL + wooSandboxPath + "/demo"
	st, err := sb.AddStore(woosandbox.StoreConfig{URL: storeURL, Name: "Demo WooCommerce store"})
	if err != nil {
		return err
	}
	st.SeedCoupons(30)
	ad.mounts[wooSandboxPath] = sb
	ad.sandboxInfo.WooCommerceStore = storeURL
	// Only the app's own sandbox store may be called over http on this host.
	ad.woo = woocommerce.New(woocommerce.Config{AppURL: cfg.AppURL, Allow: []string{cfg.AppURL + wooSandboxPath}})
	log.Warn(embeddedDefault, "what", "woocommerce", "reason", reason, "sandbox_store", storeURL,
		"connect", "GET /auth/woocommerce?store="+storeURL)
	return nil
}

// addPayPalSandbox serves a local PayPal business account under
// /_sandbox/paypal: the worker's Payouts calls go to it, and it sends its
// signed item webhooks to /webhooks/paypal. The demo account is given its
// credentials (ensureDemoPayPal), so a payout run through PayPal works
// from the first start. Items settle a few seconds apart; an affiliate
// whose PayPal email contains "failed", "unclaimed" or "returned" plays
// that outcome.
func (ad *adapters) addPayPalSandbox(cfg Config, log *slog.Logger, reason string) error {
	base := cfg.AppURL + paypalSandboxPath
	sb := paypalsandbox.New(paypalsandbox.Options{BaseURL: base, WebhookURL: cfg.AppURL + "/webhooks/paypal"})
	ad.mounts[paypalSandboxPath] = http.StripPrefix(paypalSandboxPath, sb)
	ad.paypalURL, ad.paypalSandbox = base, true
	// Items move on, and their webhooks go out, once a second.
	ctx, stop := context.WithCancel(context.Background())
	go sb.Run(ctx, time.Second)
	ad.sandboxes = append(ad.sandboxes, stop)
	log.Warn(embeddedDefault, "what", "paypal", "reason", reason, "sandbox_url", base,
		"client_id", paypalsandbox.DefaultClientID, "webhook_id", paypalsandbox.DefaultWebhookID,
		"note", "the demo account pays through it; an affiliate whose PayPal email contains failed, unclaimed or returned plays that outcome; set PAYPAL_BASE_URL for another PayPal")
	return nil
}

// ensureDemoPayPal saves the sandbox's PayPal credentials for the demo
// account when PayPal is the local sandbox and the account has none.
func (a *app) ensureDemoPayPal(ctx context.Context) error {
	if !a.paypalSandbox || a.demoID == 0 {
		return nil
	}
	if have, err := a.store.PayPalCredentials(ctx, a.demoID); err != nil || have != nil {
		return err
	}
	err := a.store.SavePayPalCredentials(ctx, a.demoID, models.PayPalCredentials{ClientID: paypalsandbox.DefaultClientID,
		Secret: paypalsandbox.DefaultSecret, WebhookID: paypalsandbox.DefaultWebhookID})
	if err != nil {
		return fmt.Errorf("demo paypal credentials: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

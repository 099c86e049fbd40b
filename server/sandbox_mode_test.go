package main

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"codecredit/models/testdb"
	paddlesandbox "codecredit/platforms/paddle/sandbox"
)

// connectProxy stands in for the internet: it records the host of every
// CONNECT (an HTTPS call through HTTPS_PROXY) and refuses it.
type connectProxy struct {
	mu    sync.Mutex
	hosts []string
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	http.Error(w, "no internet in tests", http.StatusBadGateway)
}

func (p *connectProxy) saw(host string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, h := range p.hosts {
		if h == host {
			return true
		}
	}
	return false
}

// A configured deployment (PostgreSQL, Redis, Shopify and Stripe set) runs
// no sandbox: nothing answers under /_sandbox/, a Paddle connection goes
// to Paddle's own API host for its key, and the log says so per platform.
// SANDBOXES brings back the sandbox it names, and only that one.
func TestConfiguredDeploymentTalksToRealPlatforms(t *testing.T) {
	proxy := &connectProxy{}
	internet := httptest.NewServer(proxy)
	t.Cleanup(internet.Close)
	dsn, _, _ := freshSchema(t)
	port := freePort(t)
	base := "http://127.0.0.1:" + port
	env := cleanEnv("DATABASE_URL="+dsn, "REDIS_URL=redis://"+testdb.RedisAddr(t)+"/12",
		"ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(testdb.Key()), "DATA_DIR="+t.TempDir(), "PORT="+port,
		"SHOPIFY_API_KEY=app-key", "SHOPIFY_API_SECRET=app-secret",
		"STRIPE_CLIENT_ID=ca_test", "STRIPE_SECRET_KEY=sk_test_x", "STRIPE_WEBHOOK_SECRET=whsec_x",
		"HTTPS_PROXY="+internet.URL, "NO_PROXY=")
	out, stderr, err := runOnce(t, env, "create-account", "--name", "Acme")
	if err != nil {
		t.Fatalf("create-account: %v\n%s", err, stderr)
	}
	_, key, _ := strings.Cut(strings.TrimSpace(out), "api_key=")

	p := startServer(t, env)
	p.waitReady(t, base)
	for _, platform := range []string{"shopify", "stripe", "paddle", "woocommerce", "paypal"} {
		if p.findLog(realPlatform, "what", platform) == nil || p.findLog(embeddedDefault, "what", platform) != nil {
			t.Errorf("log does not say %s is the real platform", platform)
		}
	}
	sandboxPaths := map[string]string{"stripe": "/_sandbox/stripe/v1/coupons", "paddle": "/_sandbox/paddle/discounts",
		"woocommerce": "/_sandbox/woocommerce/demo/wp-json/wc/v3/coupons", "paypal": "/_sandbox/paypal/v1/payments/payouts/X"}
	for platform, path := range sandboxPaths {
		if code, body := get(base+path, ""); code != http.StatusNotFound {
			t.Errorf("%s sandbox answers in a configured deployment: GET %s = %d %s", platform, path, code, body)
		}
	}
	for apiKey, host := range map[string]string{
		"pdl_live_apikey_01h0000000000000000000000_LiveKeyOfARealMerchant_xyz": "api.paddle.com:443",
		paddlesandbox.DefaultAPIKey: "sandbox-api.paddle.com:443",
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/connections/paddle", strings.NewReader(`{"api_key":"`+apiKey+`"}`))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusCreated || !proxy.saw(host) {
			t.Errorf("a Paddle connection with %.16s... did not go to %s: %d (calls seen: %v)", apiKey, host, resp.StatusCode, proxy.hosts)
		}
	}
	p.stop(t)

	p = startServer(t, append(env, "SANDBOXES=paddle"))
	p.waitReady(t, base)
	if p.findLog(embeddedDefault, "what", "paddle", "reason", "SANDBOXES=paddle") == nil {
		t.Errorf("log does not say the Paddle sandbox runs because SANDBOXES asks for it")
	}
	if code, _ := get(base+sandboxPaths["paddle"], ""); code == http.StatusNotFound {
		t.Errorf("SANDBOXES=paddle: the Paddle sandbox does not answer")
	}
	if code, _ := get(base+sandboxPaths["woocommerce"], ""); code != http.StatusNotFound {
		t.Errorf("SANDBOXES=paddle: the WooCommerce sandbox answers too (%d)", code)
	}
	post(t, base+"/api/v1/connections/paddle", key, http.StatusCreated, nil, `{"api_key":%q}`, paddlesandbox.DefaultAPIKey)
	p.stop(t)
}

// Newcomer mode is nothing configured; then every sandbox runs. Anything
// configured makes every platform the real one unless SANDBOXES names it.
func TestSandboxesFollowTheConfiguration(t *testing.T) {
	tests := []struct {
		env      []string
		newcomer bool
		sandbox  string // the platforms on their sandbox, in sandboxNames order
	}{
		{nil, true, "shopify,stripe,paddle,woocommerce,paypal"},
		{[]string{"PORT=9000", "APP_URL=https://demo.example", "ENCRYPTION_KEY=" + keyB64, "LOG_FORMAT=text"}, true, "shopify,stripe,paddle,woocommerce,paypal"},
		{[]string{"DATABASE_URL=postgres://db/cc"}, false, ""},
		{[]string{"REDIS_URL=redis://cache"}, false, ""},
		{[]string{"SMTP_URL=smtp://mail", "MAIL_FROM=a@b.c"}, false, ""},
		{[]string{"STRIPE_SECRET_KEY=sk_live_x"}, false, ""},
		{[]string{"PADDLE_BASE_URL=https://paddle.example"}, false, ""},
		{[]string{"PAYPAL_BASE_URL=https://api-m.sandbox.paypal.com"}, false, ""},
		{[]string{"DATABASE_URL=postgres://db/cc", "SANDBOXES=paypal"}, false, "paypal"},
		{[]string{"DATABASE_URL=postgres://db/cc", "SANDBOXES=paddle, WooCommerce"}, false, "paddle,woocommerce"},
		{[]string{"DATABASE_URL=postgres://db/cc", "SANDBOXES=all"}, false, "shopify,stripe,paddle,woocommerce,paypal"},
		{[]string{"STRIPE_SECRET_KEY=sk_live_x", "SANDBOXES=all"}, false, "shopify,paddle,woocommerce,paypal"},
	}
	for _, tt := range tests {
		c, err := LoadConfig(tt.env)
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		var on []string
		for _, p := range sandboxNames {
			if yes, reason := c.Sandbox(p); yes {
				on = append(on, p)
			} else if reason == "" {
				t.Errorf("%v: %s is real with no reason given", tt.env, p)
			}
		}
		if c.Newcomer() != tt.newcomer || strings.Join(on, ",") != tt.sandbox {
			t.Errorf("%v: newcomer %v, sandboxes %q; want %v, %q", tt.env, c.Newcomer(), strings.Join(on, ","), tt.newcomer, tt.sandbox)
		}
	}
	for env, want := range map[string]string{
		"SANDBOXES=venmo": `SANDBOXES must list some of shopify, stripe, paddle, woocommerce, paypal (or be all), got "venmo"`,
		"SANDBOXES=paypal\nPAYPAL_BASE_URL=http://p":           "SANDBOXES names paypal, but PAYPAL_BASE_URL is set",
		"SANDBOXES=all,paddle":                                 "SANDBOXES=all stands alone",
		"SANDBOXES=stripe\nSTRIPE_SECRET_KEY=sk_live_x":        "SANDBOXES names stripe, but STRIPE_SECRET_KEY is set",
		"SANDBOXES=woocommerce\nWOOCOMMERCE_BASE_URL=http://w": "SANDBOXES names woocommerce, but WOOCOMMERCE_BASE_URL is set",
	} {
		if _, err := LoadConfig(strings.Split(env, "\n")); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", env, err, want)
		}
	}
}

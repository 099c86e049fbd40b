package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	paddlesandbox "codecredit/platforms/paddle/sandbox"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
	"codecredit/platforms/stripe"
	stripesandbox "codecredit/platforms/stripe/sandbox"
	"codecredit/platforms/woocommerce"
	woosandbox "codecredit/platforms/woocommerce/sandbox"
)

// linkWorld is the app (web, worker and visit counter, on real PostgreSQL
// and Redis) with the Shopify and Stripe sandboxes, over HTTP.
type linkWorld struct {
	*shopifyWorld
	stripeSB *stripesandbox.Server
	stripeAt string // where the Stripe sandbox answers
	counter  *handlers.VisitCounter
	shopAt   string // where the Shopify sandbox answers
	paddleSB *paddlesandbox.Server
	payAt    string // where the Paddle sandbox's hosted checkouts answer
	woo      *woocommerce.Adapter
	wooSB    *woosandbox.Server
	wooAt    string // where the WooCommerce sandbox answers
}

func newLinkWorld(t *testing.T) *linkWorld {
	w := &linkWorld{shopifyWorld: &shopifyWorld{t: t, store: testdb.Postgres(t), shop: "links-store.myshopify.com"}}
	redisURL := "redis://" + testdb.RedisAddr(t) + "/0"
	queue := testdb.Name("links_")
	e := echo.New()
	w.app = httptest.NewServer(e)
	t.Cleanup(w.app.Close)
	w.sb = sandbox.New(sandbox.Options{AppURL: w.app.URL, Logger: quiet(), RetryBackoff: 50 * time.Millisecond})
	w.sb.AddShop(w.shop, "USD")
	shopBase, err := w.sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.sb.Close)
	w.shopAt = shopBase
	secret := "whsec_links"
	w.stripeSB = stripesandbox.New(stripesandbox.Options{ConnectWebhookURL: w.app.URL + "/webhooks/stripe", ConnectWebhookSecret: secret})
	stripeSrv := httptest.NewServer(w.stripeSB)
	t.Cleanup(stripeSrv.Close)
	w.stripeAt = stripeSrv.URL
	sh := shopify.New(shopify.Config{APIKey: sandbox.DefaultAPIKey, APISecret: sandbox.DefaultAPISecret, AppURL: w.app.URL, BaseURL: shopBase})
	st := stripe.New(stripe.Config{ClientID: stripesandbox.DefaultClientID, SecretKey: stripesandbox.DefaultPlatformKey,
		WebhookSecret: secret, AppURL: w.app.URL, BaseURL: stripeSrv.URL, Logger: quiet()})
	pd := w.startPaddleAndWoo()
	plats := map[string]platforms.Platform{platforms.Shopify: sh, platforms.Stripe: st, platforms.Paddle: pd, platforms.WooCommerce: w.woo}
	client, err := jobs.NewClient(redisURL, queue)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	opt, _ := redis.ParseURL(redisURL)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	w.counter = handlers.NewVisitCounter(w.store, rdb, quiet())
	w.counter.KeyPrefix = queue + ":"
	handlers.Register(e, handlers.Deps{Store: w.store, Jobs: client, Logger: quiet(), Platforms: plats, AppURL: w.app.URL,
		AppSecrets: map[string][]byte{platforms.Shopify: []byte(sandbox.DefaultAPISecret), platforms.Stripe: []byte(secret)},
		Nonces:     handlers.NewRedisNonces(rdb), Shopify: sh, Stripe: st, Paddle: pd,
		Links: handlers.NewLinkRedirects(w.store, w.counter, handlers.LinkOptions{ShopifyStorefront: shopBase})})
	worker, err := jobs.NewWorker(w.store, redisURL, jobs.Options{Queue: queue, Platforms: plats, Logger: quiet(),
		SweepEvery: time.Second, SweepAge: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Shutdown)
	return w
}

// shopper is a customer's browser: its own cookies, following redirects,
// saying it is Safari (Go's own User-Agent is not counted as a visitor).
func shopper() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: safari{}}
}

type safari struct{}

func (safari) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")
	return http.DefaultTransport.RoundTrip(r)
}

// affiliateLink assigns code (of the account behind key) to a new
// affiliate and returns the code's link.
func (w *linkWorld) affiliateLink(key, code, name string) (models.Code, string) {
	w.t.Helper()
	var codes struct{ Data []models.Code }
	w.api("GET", "/api/v1/codes?q="+code, key, "", &codes)
	if len(codes.Data) != 1 {
		w.t.Fatalf("code %s: %+v", code, codes.Data)
	}
	var aff models.Affiliate
	w.api("POST", "/api/v1/affiliates", key, fmt.Sprintf(`{"name":%q,"email":"%s@example.com"}`, name, strings.ToLower(name)), &aff)
	if st := w.api("POST", fmt.Sprintf("/api/v1/codes/%d/assign", codes.Data[0].ID), key, fmt.Sprintf(`{"affiliate_id":%d}`, aff.ID), nil); st != 200 {
		w.t.Fatalf("assign: %d", st)
	}
	var link struct{ URL string }
	w.api("GET", fmt.Sprintf("/api/v1/codes/%d/link", codes.Data[0].ID), key, "", &link)
	var c models.Code
	w.api("GET", fmt.Sprintf("/api/v1/codes/%d", codes.Data[0].ID), key, "", &c)
	if c.AffiliateID == nil || *c.AffiliateID != aff.ID {
		w.t.Fatalf("code %+v not assigned to %d", c, aff.ID)
	}
	return c, link.URL
}

// report reads the link report row of code.
func (w *linkWorld) report(key string, codeID uint64) models.LinkStats {
	w.t.Helper()
	if err := w.counter.Flush(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	var rep struct{ Data []models.LinkStats }
	w.api("GET", "/api/v1/links/report", key, "", &rep)
	for _, r := range rep.Data {
		if r.CodeID == codeID {
			return r
		}
	}
	return models.LinkStats{}
}

func TestLinkToShopifyOrder(t *testing.T) {
	w := newLinkWorld(t)
	if err := w.sb.SeedDiscounts(w.shop, 3); err != nil {
		t.Fatal(err)
	}
	conn := w.install()
	key, _ := w.store.CreateAPIKey(context.Background(), conn.AccountID)
	w.waitUntil("import done", func() bool {
		c, _ := w.store.GetConnection(context.Background(), conn.ID)
		return c.ImportState == models.ImportDone
	})
	ds, _ := w.sb.Discounts(w.shop)
	code, link := w.affiliateLink(key, ds[0].Codes[0].Code, "Maya")
	browser := shopper()
	w.step("the link lands on the store with the code kept for checkout", func(t *testing.T) {
		resp, err := browser.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
			t.Fatalf("landed on %d %s", resp.StatusCode, resp.Request.URL)
		}
		u, _ := url.Parse(resp.Request.URL.String())
		var found bool
		for _, c := range browser.Jar.Cookies(u) {
			found = found || (c.Name == "discount_code" && strings.EqualFold(c.Value, code.Code))
		}
		if !found {
			t.Fatal("the store keeps no discount_code cookie")
		}
	})
	w.step("the browser's next order carries the code and books a conversion for the affiliate", func(t *testing.T) {
		checkout, err := browser.PostForm(w.shopAt+"/checkout", url.Values{"email": {"buyer@example.com"}, "price": {"50.00"}})
		if err != nil {
			t.Fatal(err)
		}
		checkout.Body.Close()
		if checkout.StatusCode != http.StatusCreated {
			t.Fatalf("checkout: %d", checkout.StatusCode)
		}
		conv := w.conversion(checkout.Header.Get("X-Sandbox-Order-Id"), func(models.Conversion) bool { return true })
		if conv.CodeID == nil || *conv.CodeID != code.ID || conv.AffiliateID == nil || *conv.AffiliateID != *code.AffiliateID {
			t.Fatalf("conversion %+v, want code %d", conv, code.ID)
		}
	})
	w.step("the report shows one visit and one order for the code", func(t *testing.T) {
		r := w.report(key, code.ID)
		if r.Visits != 1 || r.Orders != 1 || r.ConversionRate != 1 || len(r.Revenue) != 1 || r.Revenue[0].RevenuePerVisit != r.Revenue[0].Sales {
			t.Fatalf("report %+v", r)
		}
	})
}

func TestLinkToStripePaymentLink(t *testing.T) {
	w := newLinkWorld(t)
	id, rk := w.stripeSB.CreateAccount("Links SaaS", "billing@links.example", "USD")
	codes, err := w.stripeSB.SeedPromotionCodes(id, 3)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := w.store.CreateAccount(context.Background(), "Links SaaS", "billing@links.example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := w.store.CreateAPIKey(context.Background(), acct.ID)
	if st := w.api("POST", "/api/v1/connections/stripe", key, `{"api_key":"`+rk+`"}`, nil); st != http.StatusCreated {
		t.Fatalf("connect stripe: %d", st)
	}
	w.waitUntil("import done", func() bool {
		var n int64
		w.store.DB().Model(&models.Code{}).Where("account_id = ?", acct.ID).Count(&n)
		return n == 3
	})
	plink, err := w.stripeSB.CreatePaymentLink(id, "Pro plan", 4900, "USD")
	if err != nil {
		t.Fatal(err)
	}
	var dests struct{ Data []models.LinkDestination }
	w.api("GET", "/api/v1/links/destinations", key, "", &dests)
	if st := w.api("PUT", fmt.Sprintf("/api/v1/links/destinations/%d", dests.Data[0].ConnectionID), key,
		`{"checkout_url":"`+w.stripeAt+"/b/"+plink+`"}`, nil); st != http.StatusOK {
		t.Fatalf("set payment link: %d", st)
	}
	code, link := w.affiliateLink(key, codes[0], "Noor")
	browser := shopper()
	var page *http.Response
	w.step("the link opens the Payment Link with the code filled in", func(t *testing.T) {
		page, err = browser.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		page.Body.Close()
		if page.StatusCode != http.StatusOK || page.Request.URL.Query().Get("prefilled_promo_code") != code.Code {
			t.Fatalf("landed on %d %s", page.StatusCode, page.Request.URL)
		}
	})
	w.step("paying it books a conversion for the affiliate", func(t *testing.T) {
		w.payAndCredit(t, browser, page.Request.URL.String(), url.Values{"promo_code": {page.Request.URL.Query().Get("prefilled_promo_code")},
			"email": {"payer@example.com"}}, key, code)
	})
}

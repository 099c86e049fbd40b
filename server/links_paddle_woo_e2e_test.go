package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/paddle"
	paddlesandbox "codecredit/platforms/paddle/sandbox"
	"codecredit/platforms/woocommerce"
	woosandbox "codecredit/platforms/woocommerce/sandbox"
)

// startPaddleAndWoo starts the Paddle sandbox (its API and its hosted
// checkouts) and the WooCommerce sandbox, and returns the Paddle adapter.
func (w *linkWorld) startPaddleAndWoo() *paddle.Adapter {
	w.paddleSB = paddlesandbox.New(paddlesandbox.Options{RequestsPerMinute: -1})
	api := httptest.NewServer(w.paddleSB)
	pay := httptest.NewServer(w.paddleSB.CheckoutHandler())
	w.wooSB = woosandbox.New(woosandbox.Options{})
	woo := httptest.NewServer(w.wooSB)
	w.t.Cleanup(func() { api.Close(); pay.Close(); woo.Close() })
	w.payAt, w.wooAt = pay.URL, woo.URL
	w.woo = woocommerce.New(woocommerce.Config{AppURL: w.app.URL, Allow: []string{woo.URL}})
	return paddle.New(paddle.Config{BaseURL: api.URL, AppURL: w.app.URL, Logger: quiet()})
}

// linkView is a code's link as the admin shows it.
type linkView struct {
	URL, Destination, Note string
	Applies                bool `json:"applies_code"`
}

// visit opens a link in browser and reads the page it lands on.
func visit(t *testing.T, browser *http.Client, link string) (*http.Response, string) {
	t.Helper()
	resp, err := browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// payAndCredit pays the checkout page at pageURL with form, then waits
// for the order's conversion, credited to code's affiliate, and checks
// the link report: one visit, one order.
func (w *linkWorld) payAndCredit(t *testing.T, browser *http.Client, pageURL string, form url.Values, key string, code models.Code) {
	t.Helper()
	resp, err := browser.PostForm(pageURL, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("pay: %d", resp.StatusCode)
	}
	w.waitUntil("conversion", func() bool {
		var n int64
		w.store.DB().Model(&models.Conversion{}).Where("account_id = ? AND code_id = ? AND affiliate_id = ?", code.AccountID, code.ID, *code.AffiliateID).Count(&n)
		return n == 1
	})
	if r := w.report(key, code.ID); r.Visits != 1 || r.Orders != 1 {
		t.Fatalf("report %+v, want 1 visit and 1 order", r)
	}
}

func TestLinkToPaddleHostedCheckout(t *testing.T) {
	w := newLinkWorld(t)
	ctx := context.Background()
	w.paddleSB.SeedDiscounts(3) // SEED0003 is 8.5% off
	acct, err := w.store.CreateAccount(ctx, "Links Paddle", "billing@paddle.example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := w.store.CreateAPIKey(ctx, acct.ID)
	var conn models.Connection
	if st := w.api("POST", "/api/v1/connections/paddle", key, `{"api_key":"`+paddlesandbox.DefaultAPIKey+`"}`, &conn); st != http.StatusCreated {
		t.Fatalf("connect paddle: %d", st)
	}
	w.waitUntil("import done", func() bool {
		c, _ := w.store.GetConnection(ctx, conn.ID)
		return c.ImportState == models.ImportDone
	})
	browser := shopper()
	w.step("an imported code's link answers at once, before anyone has shown it: the code to copy, no checkout being set", func(t *testing.T) {
		resp, body := visit(t, browser, w.app.URL+"/r/seed0003")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "SEED0003") {
			t.Fatalf("/r/seed0003: %d %s", resp.StatusCode, body)
		}
	})
	hsc := w.paddleSB.AddHostedCheckout([]paddlesandbox.Item{{Name: "Pro plan", UnitPrice: 4900, Quantity: 1}}, "USD")
	if st := w.api("PUT", fmt.Sprintf("/api/v1/links/destinations/%d", conn.ID), key, `{"checkout_url":"`+w.payAt+"/"+hsc+`"}`, nil); st != http.StatusOK {
		t.Fatalf("set hosted checkout: %d", st)
	}
	code, link := w.affiliateLink(key, "SEED0003", "Lena")
	var page *http.Response
	w.step("the link opens the hosted checkout with discount_code, and Paddle applies it", func(t *testing.T) {
		var body string
		page, body = visit(t, browser, link)
		if page.StatusCode != http.StatusOK || page.Request.URL.Path != "/"+hsc || page.Request.URL.Query().Get("discount_code") != "SEED0003" ||
			!strings.Contains(body, "Discount SEED0003 applied") {
			t.Fatalf("landed on %d %s: %s", page.StatusCode, page.Request.URL, body)
		}
	})
	w.step("paying the checkout books a conversion for the affiliate", func(t *testing.T) {
		// One visit: the same browser twice within 30 minutes counts once.
		w.payAndCredit(t, browser, page.Request.URL.String(), url.Values{"discount_code": {"SEED0003"}, "email": {"payer@example.com"}}, key, code)
	})
}

func TestLinkToWooCommerceStore(t *testing.T) {
	w := newLinkWorld(t)
	ctx := context.Background()
	shop, err := w.wooSB.AddStore(woosandbox.StoreConfig{URL: w.wooAt + "/shop", Currency: "USD", Name: "Links Woo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shop.AddCoupon(woosandbox.Coupon{Code: "WOO15", DiscountType: "percent", Amount: 1500}); err != nil {
		t.Fatal(err)
	}
	acct, err := w.store.CreateAccount(ctx, "Links Woo", "owner@woo.example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := w.store.CreateAPIKey(ctx, acct.ID)
	ck, cs := shop.AddKey("read_write")
	creds := models.Credentials{woocommerce.CredConsumerKey: ck, woocommerce.CredConsumerSecret: cs, woocommerce.CredWebhookSecret: woocommerce.NewWebhookSecret()}
	conn, err := w.store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.WooCommerce, ExternalID: shop.URL(), Credentials: creds, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	if err := w.woo.CreateWebhooks(ctx, pc); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SaveCredentials(ctx, conn.ID, models.Credentials(pc.Credentials)); err != nil {
		t.Fatal(err)
	}
	page, err := w.woo.ImportCodes(ctx, pc, "")
	if err == nil {
		_, err = w.store.UpsertPlatformCodes(ctx, conn, page.Codes)
	}
	if err != nil {
		t.Fatal(err)
	}
	browser := shopper()
	w.step("the imported code's link lands at once on the store's home page, with nothing in the address that would apply the code", func(t *testing.T) {
		resp, body := visit(t, browser, w.app.URL+"/r/woo15")
		if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != shop.URL() || !strings.Contains(body, "Enter your code at checkout") {
			t.Fatalf("landed on %d %s: %s", resp.StatusCode, resp.Request.URL, body)
		}
	})
	code, _ := w.affiliateLink(key, "WOO15", "Ravi")
	w.step("the admin says the link lands on the store and the customer types the code", func(t *testing.T) {
		var l linkView
		w.api("GET", fmt.Sprintf("/api/v1/codes/%d/link", code.ID), key, "", &l)
		if l.URL != w.app.URL+"/r/woo15" || l.Destination != shop.URL() || l.Applies || !strings.Contains(l.Note, "the customer types the code at checkout") {
			t.Fatalf("link %+v", l)
		}
	})
	w.step("the order the customer places with the code typed at checkout books a conversion for the affiliate", func(t *testing.T) {
		o, err := shop.PlaceOrder([]string{"woo15"}, []woosandbox.Line{{Name: "Mug", Quantity: 1, Price: 2000}}, "", "buyer@example.com")
		if err != nil {
			t.Fatal(err)
		}
		conv := w.conversion(fmt.Sprint(o.ID), func(models.Conversion) bool { return true })
		if conv.CodeID == nil || *conv.CodeID != code.ID || conv.AffiliateID == nil || *conv.AffiliateID != *code.AffiliateID {
			t.Fatalf("conversion %+v, want code %d", conv, code.ID)
		}
		if r := w.report(key, code.ID); r.Visits != 1 || r.Orders != 1 {
			t.Fatalf("report %+v", r)
		}
	})
}

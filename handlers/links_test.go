package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

const browserUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"

// linkEnv is every route with tracked links counted into real Redis.
type linkEnv struct {
	*env
	counter *handlers.VisitCounter
}

func newLinkEnv(t *testing.T) *linkEnv {
	t.Helper()
	s := testdb.Postgres(t)
	rdb := redis.NewClient(&redis.Options{Addr: testdb.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	counter := handlers.NewVisitCounter(s, rdb, nil)
	counter.KeyPrefix = testdb.Name("links_") + ":"
	links := handlers.NewLinkRedirects(s, counter, handlers.LinkOptions{})
	v := newEnvFrom(t, s, handlers.Deps{Jobs: &handlers.FakeJobs{}, Links: links, AppURL: "https://app.example"})
	return &linkEnv{env: v, counter: counter}
}

// visit requests a link as a browser at addr would, with extra headers.
func (v *linkEnv) visit(method, slug, addr, ua string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/r/"+slug, nil)
	req.RemoteAddr = addr + ":51234"
	req.Header.Set("User-Agent", ua)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return serve(v.env, req)
}

// visits flushes the counter and reads the code's link visits.
func (v *linkEnv) visits(key string, codeID uint64) int64 {
	v.t.Helper()
	if err := v.counter.Flush(context.Background()); err != nil {
		v.t.Fatal(err)
	}
	var l struct{ Visits int64 }
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/codes/%d/link", codeID), key, nil, &l)
	return l.Visits
}

// shopWithCode is an account with a Shopify store holding code, and its key.
func (v *linkEnv) shopWithCode(shop, code string) (tenant, models.Code) {
	v.t.Helper()
	acct, _ := testdb.ConnectedAccount(v.t, v.store, shop, "owner@"+shop, models.Install{Platform: platforms.Shopify,
		ExternalID: shop, Currency: "USD"}, []platforms.DiscountCode{{PlatformID: "1", Code: code, DiscountType: "percentage", DiscountValue: 1000, Active: true}})
	key, err := v.store.CreateAPIKey(context.Background(), acct.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	rows, _, err := v.store.ListCodes(context.Background(), acct.ID, models.CodeFilter{Q: code})
	if err != nil || len(rows) != 1 {
		v.t.Fatalf("code %s: %v %v", code, rows, err)
	}
	return tenant{acct: acct, key: key}, rows[0]
}

func TestLinkRedirectCountsHonestVisits(t *testing.T) {
	v := newLinkEnv(t)
	a, code := v.shopWithCode("hats.myshopify.com", "Summer10")
	var link struct {
		Slug, URL, Destination string
		Applies                bool `json:"applies_code"`
	}
	v.step("a code's link is its code in lower case, sending to Shopify's discount link", func(t *testing.T) {
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/codes/%d/link", code.ID), a.key, nil, &link)
		if link.Slug != "summer10" || link.URL != "https://app.example/r/summer10" || !link.Applies ||
			link.Destination != "https://hats.myshopify.com/discount/Summer10?redirect=%2F" {
			t.Fatalf("link %+v", link)
		}
	})
	v.step("a browser is sent on at once, in any case of the slug", func(t *testing.T) {
		rec := v.visit("GET", "SUMMER10", "203.0.113.7", browserUA)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != link.Destination {
			t.Fatalf("redirect %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if got := v.visits(a.key, code.ID); got != 1 {
			t.Fatalf("visits %d, want 1", got)
		}
	})
	v.step("checkers, prefetches, bots and a repeat visitor are sent on but not counted", func(t *testing.T) {
		for _, r := range []struct {
			method, addr, ua string
			headers          []string
		}{
			{"HEAD", "198.51.100.1", browserUA, nil},
			{"GET", "198.51.100.2", browserUA, []string{"Sec-Purpose", "prefetch;prerender"}},
			{"GET", "198.51.100.3", browserUA, []string{"Purpose", "prefetch"}},
			{"GET", "198.51.100.4", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", nil},
			{"GET", "198.51.100.5", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", nil},
			{"GET", "198.51.100.6", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", nil},
			{"GET", "198.51.100.7", "curl/8.5.0", nil},
			{"GET", "198.51.100.8", "", nil},
			{"GET", "203.0.113.7", browserUA, nil}, // the same visitor again
		} {
			if rec := v.visit(r.method, "summer10", r.addr, r.ua, r.headers...); rec.Code != http.StatusFound {
				t.Fatalf("%s from %s: %d", r.method, r.ua, rec.Code)
			}
		}
		if got := v.visits(a.key, code.ID); got != 1 {
			t.Fatalf("visits %d, want still 1", got)
		}
	})
	v.step("another visitor, or the same address in another browser, counts", func(t *testing.T) {
		v.visit("GET", "summer10", "203.0.113.8", browserUA)
		v.visit("GET", "summer10", "203.0.113.7", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0")
		if got := v.visits(a.key, code.ID); got != 3 {
			t.Fatalf("visits %d, want 3", got)
		}
	})
	v.step("an unknown slug is a 404 page and counts nothing", func(t *testing.T) {
		rec := v.visit("GET", "nope", "203.0.113.9", browserUA)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "This link does not exist") {
			t.Fatalf("unknown slug: %d %s", rec.Code, rec.Body.String())
		}
		rec = v.visit("GET", "bad%20slug!", "203.0.113.9", browserUA)
		if rec.Code != http.StatusNotFound {
			t.Fatalf("malformed slug: %d", rec.Code)
		}
		var rows int64
		v.store.DB().Model(&models.LinkVisitDay{}).Count(&rows)
		if got := v.visits(a.key, code.ID); got != 3 || rows != 1 {
			t.Fatalf("visits %d in %d rows, want 3 in 1", got, rows)
		}
	})
	v.step("no address or User-Agent is kept in the database", func(t *testing.T) {
		var n int64
		v.store.DB().Raw(`SELECT COUNT(*) FROM link_visit_days WHERE CAST(link_visit_days AS text) LIKE '%203.0.113%'`).Scan(&n)
		if n != 0 {
			t.Fatal("an address was stored")
		}
	})
}

func TestLinkEditAndTenants(t *testing.T) {
	v := newLinkEnv(t)
	a, codeA := v.shopWithCode("hats.myshopify.com", "SUMMER10")
	b, codeB := v.shopWithCode("boots.myshopify.com", "summer10")
	path := func(c models.Code) string { return fmt.Sprintf("/api/v1/codes/%d/link", c.ID) }
	var lb struct{ Slug string }
	v.step("the same code in another account gets the next free slug", func(t *testing.T) {
		v.must(http.StatusOK, "GET", path(codeB), b.key, nil, &lb)
		if lb.Slug != "summer10-2" {
			t.Fatalf("slug %q", lb.Slug)
		}
	})
	v.step("a link named after a visit found nothing works a moment later (a miss is not remembered)", func(t *testing.T) {
		if rec := v.visit("HEAD", "boots", "203.0.113.9", browserUA); rec.Code != http.StatusNotFound {
			t.Fatalf("boots before it is a link's name: %d", rec.Code)
		}
		if err := v.store.DB().Model(&models.Link{}).Where("code_id = ?", codeB.ID).Update("slug", "boots").Error; err != nil {
			t.Fatal(err) // renamed by another process: this one's cache is not told
		}
		time.Sleep(1100 * time.Millisecond)                       // past missTTL, the second a miss is kept
		rec := v.visit("HEAD", "boots", "203.0.113.9", browserUA) // HEAD: redirected, not counted
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://boots.myshopify.com/discount/summer10?redirect=%2F" {
			t.Fatalf("boots once named: %d %q", rec.Code, rec.Header().Get("Location"))
		}
	})
	v.step("a renamed link with a landing path works at once; its old name stops", func(t *testing.T) {
		var l struct{ Slug, Destination string }
		v.must(http.StatusOK, "PUT", path(codeA), a.key, map[string]string{"slug": "Maya", "landing_path": "/products/hat"}, &l)
		if l.Slug != "maya" || l.Destination != "https://hats.myshopify.com/discount/SUMMER10?redirect=%2Fproducts%2Fhat" {
			t.Fatalf("renamed %+v", l)
		}
		if rec := v.visit("GET", "maya", "203.0.113.1", browserUA); rec.Header().Get("Location") != l.Destination {
			t.Fatalf("maya: %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if rec := v.visit("GET", "summer10", "203.0.113.1", browserUA); rec.Code != http.StatusNotFound {
			t.Fatalf("old slug: %d", rec.Code)
		}
	})
	v.step("a taken or malformed name, or a landing path off the store, changes nothing", func(t *testing.T) {
		for _, in := range []map[string]string{{"slug": "BOOTS"}, {"slug": "no spaces"}, {"slug": ""},
			{"landing_path": "https://evil.example/"}, {"landing_path": "//evil.example"}} {
			rec := v.call("PUT", path(codeA), a.key, in)
			if rec.Code != http.StatusConflict && rec.Code != http.StatusBadRequest {
				t.Fatalf("%v: %d %s", in, rec.Code, rec.Body.String())
			}
		}
		var l struct {
			Slug        string
			LandingPath string `json:"landing_path"`
		}
		v.must(http.StatusOK, "GET", path(codeA), a.key, nil, &l)
		if l.Slug != "maya" || l.LandingPath != "/products/hat" {
			t.Fatalf("after refusals %+v", l)
		}
	})
	v.step("another account's code, store and report are out of reach", func(t *testing.T) {
		v.visit("GET", "maya", "203.0.113.2", browserUA)
		if err := v.counter.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		dests, _ := v.store.ListLinkDestinations(context.Background(), a.acct.ID)
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"GET", path(codeA), nil},
			{"PUT", path(codeA), map[string]string{"slug": "stolen"}},
			{"PUT", fmt.Sprintf("/api/v1/links/destinations/%d", dests[0].ConnectionID), map[string]string{"checkout_url": "https://evil.example/"}},
		} {
			if rec := v.call(r.method, r.path, b.key, r.body); rec.Code != http.StatusNotFound {
				t.Fatalf("%s %s as B: %d", r.method, r.path, rec.Code)
			}
		}
		var list struct{ Data []any }
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/links?code_ids=%d", codeA.ID), b.key, nil, &list)
		var rep struct{ Data []models.LinkStats }
		v.must(http.StatusOK, "GET", "/api/v1/links/report", b.key, nil, &rep)
		if len(list.Data) != 0 || len(rep.Data) != 0 {
			t.Fatalf("B sees A's links %v or report %v", list.Data, rep.Data)
		}
		v.must(http.StatusOK, "GET", "/api/v1/links/report", a.key, nil, &rep)
		if len(rep.Data) != 1 || rep.Data[0].Visits != 2 || rep.Data[0].Slug != "maya" {
			t.Fatalf("A's report %+v", rep.Data)
		}
	})
}

func TestLinkDestinationsPerPlatform(t *testing.T) {
	v := newLinkEnv(t)
	ctx := context.Background()
	acct, err := v.store.CreateAccount(ctx, "Multi", "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := v.store.CreateAPIKey(ctx, acct.ID)
	for _, p := range []struct{ platform, external, code, checkout, want string }{
		{platforms.Stripe, "acct_1", "STRIPE10", "https://buy.stripe.com/test_abc?locale=fr",
			"https://buy.stripe.com/test_abc?locale=fr&prefilled_promo_code=STRIPE10"},
		{platforms.Paddle, "pro_1", "PADDLE10", "https://pay.example.com/checkout", "https://pay.example.com/checkout?discount_code=PADDLE10"},
		{platforms.WooCommerce, "https://woo.example/shop", "WOO10", "", "https://woo.example/shop"},
		{platforms.Stripe, "acct_2", "NOLINK10", "", ""},
	} {
		conn, err := v.store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: p.platform, ExternalID: p.external, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.store.UpsertPlatformCodes(ctx, conn, []platforms.DiscountCode{{PlatformID: p.code, Code: p.code, DiscountType: "percentage", DiscountValue: 1000, Active: true}}); err != nil {
			t.Fatal(err)
		}
		var codes []models.Code
		v.store.DB().Where("connection_id = ?", conn.ID).Find(&codes)
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/links?code_ids=%d", codes[0].ID), key, nil, nil)
		if p.checkout != "" {
			v.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/links/destinations/%d", conn.ID), key, map[string]string{"checkout_url": p.checkout}, nil)
		}
		rec := v.visit("GET", strings.ToLower(p.code), "203.0.113.5", browserUA)
		switch {
		case p.want == "" && (rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), p.code)):
			t.Fatalf("%s without a checkout page: %d %s", p.code, rec.Code, rec.Body.String())
		case p.want != "" && rec.Header().Get("Location") != p.want:
			t.Fatalf("%s: %d %q, want %q", p.code, rec.Code, rec.Header().Get("Location"), p.want)
		}
	}
	if rec := v.call("PUT", "/api/v1/links/destinations/1", key, map[string]string{"checkout_url": "javascript:alert(1)"}); rec.Code != http.StatusBadRequest {
		t.Fatalf("a javascript: checkout page: %d", rec.Code)
	}
}

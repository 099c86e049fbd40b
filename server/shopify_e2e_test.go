package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// shopifyWorld is the app (web + worker, real PostgreSQL and Redis) and
// the Shopify sandbox, talking over HTTP like production.
type shopifyWorld struct {
	t       *testing.T
	offline atomic.Bool // the app answers webhooks with 503, as in an outage
	store   *models.Store
	sb      *sandbox.Sandbox
	app     *httptest.Server
	shop    string
}

func newShopifyWorld(t *testing.T, seedCodes int) *shopifyWorld {
	w := &shopifyWorld{t: t, store: testdb.Postgres(t), shop: "e2e-store.myshopify.com"}
	redisURL := "redis://" + testdb.RedisAddr(t) + "/0"
	queue := testdb.Name("e2e_")
	e := echo.New()
	w.app = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.offline.Load() && strings.HasPrefix(r.URL.Path, "/webhooks/") {
			http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		e.ServeHTTP(rw, r)
	}))
	t.Cleanup(w.app.Close)
	w.sb = sandbox.New(sandbox.Options{AppURL: w.app.URL, Logger: quiet(), RetryBackoff: 50 * time.Millisecond,
		GraphQLRestoreRate: 1000}) // a Shopify Plus store's restore rate, so 5,000 codes import in seconds
	w.sb.AddShop(w.shop, "USD")
	if err := w.sb.SeedDiscounts(w.shop, seedCodes); err != nil {
		t.Fatal(err)
	}
	base, err := w.sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.sb.Close)
	ad := shopify.New(shopify.Config{APIKey: sandbox.DefaultAPIKey, APISecret: sandbox.DefaultAPISecret, AppURL: w.app.URL, BaseURL: base})
	plats := map[string]platforms.Platform{platforms.Shopify: ad}
	client, err := jobs.NewClient(redisURL, queue)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	opt, _ := redis.ParseURL(redisURL)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	handlers.Register(e, handlers.Deps{Store: w.store, Jobs: client, Logger: quiet(), Platforms: plats,
		AppSecrets: map[string][]byte{platforms.Shopify: []byte(sandbox.DefaultAPISecret)},
		Nonces:     handlers.NewRedisNonces(rdb), Shopify: ad})
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

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitUntil polls cond for up to two minutes.
func (w *shopifyWorld) waitUntil(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// step runs f as the subtest name, with w's helpers failing that subtest,
// and stops the test when it fails: later steps build on what it left.
func (w *shopifyWorld) step(name string, f func(t *testing.T)) {
	w.t.Helper()
	parent := w.t
	defer func() { w.t = parent }()
	if !parent.Run(name, func(t *testing.T) { w.t = t; f(t) }) {
		parent.FailNow()
	}
}

// api calls the JSON API with key and decodes the answer into out.
func (w *shopifyWorld) api(method, path, key, body string, out any) int {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.app.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			w.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

// install runs the merchant's install: our install URL → Shopify's consent
// (the sandbox approves) → our callback.
func (w *shopifyWorld) install() *models.Connection {
	w.t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(w.app.URL + "/auth/shopify?shop=" + w.shop)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	conn, err := w.store.ConnectionBySource(context.Background(), platforms.Shopify, w.shop)
	if err != nil {
		w.t.Fatalf("install left no connection (last answer %d %s): %v", resp.StatusCode, resp.Request.URL, err)
	}
	return conn
}

func TestShopifyEndToEnd(t *testing.T) {
	w := newShopifyWorld(t, 5000)
	ctx := context.Background()
	conn := w.install()
	w.step("the install leaves an active connection with an access token", func(t *testing.T) {
		creds, _ := w.store.ReadCredentials(conn)
		if creds["access_token"] == "" || conn.Status != models.ConnectionActive {
			t.Fatalf("installed connection %+v without a token", conn)
		}
	})

	// Every existing code is imported, with progress the admin can show.
	key, _ := w.store.CreateAPIKey(ctx, conn.AccountID)
	w.step("every existing code is imported, with progress the admin can show", func(t *testing.T) {
		w.waitUntil("import done", func() bool {
			c, _ := w.store.GetConnection(ctx, conn.ID)
			return c.ImportState == models.ImportDone
		})
		var conns struct{ Data []models.Connection }
		w.api("GET", "/api/v1/connections", key, "", &conns)
		if len(conns.Data) != 1 || conns.Data[0].ImportDone < 5000 || conns.Data[0].ImportDone != conns.Data[0].ImportTotal {
			t.Fatalf("import progress %+v", conns.Data)
		}
	})

	// An affiliate gets a generated code, which is created in the store too.
	var aff models.Affiliate
	var code models.Code
	w.step("an affiliate's generated code is created in the Shopify store too", func(t *testing.T) {
		w.api("POST", "/api/v1/affiliates", key, `{"name":"Maya Stone","email":"maya@example.com"}`, &aff)
		var gen struct{ Data []models.Code }
		if st := w.api("POST", "/api/v1/codes/generate", key, fmt.Sprintf(`{"template":"{FIRST}{DISCOUNT}","discount_type":"percentage","discount_value":1500,"affiliate_ids":[%d]}`, aff.ID), &gen); st != 201 || len(gen.Data) != 1 {
			t.Fatalf("generate: %d %+v", st, gen)
		}
		code = gen.Data[0]
		w.waitUntil("code pushed to Shopify", func() bool {
			var c models.Code
			w.store.DB().Take(&c, code.ID)
			return c.SyncStatus == models.SyncSynced
		})
		if !w.sandboxHas(code.Code) {
			t.Fatalf("code %s is not in the Shopify store", code.Code)
		}
	})

	// A customer pays with it (typed in lower case): conversion + 10% accrual.
	var orderID int64
	w.step("an order paid with the code typed in lower case earns 10% of its discounted goods", func(t *testing.T) {
		var err error
		orderID, err = w.sb.PlaceOrder(w.shop, sandbox.OrderSpec{Codes: []string{strings.ToLower(code.Code)},
			Lines: []sandbox.Line{{Title: "Mug", Price: "20.00", Quantity: 2}, {Title: "Tee", Price: "30.00", Quantity: 1}},
			Email: "buyer@example.com", Shipping: "4.99", TaxRate: 800})
		if err != nil {
			t.Fatal(err)
		}
		conv := w.conversion(fmt.Sprint(orderID), func(c models.Conversion) bool { return true })
		// 70.00 less 15% = 59.50 subtotal; 10% commission = 5.95 (595 cents).
		if conv.Subtotal != 5950 || conv.Commission != 595 || *conv.AffiliateID != aff.ID {
			t.Fatalf("conversion %+v", conv)
		}
	})

	// A partial refund (the tee) reverses its share of the commission.
	w.step("a partial refund reverses the refunded line's share of the commission", func(t *testing.T) {
		if _, err := w.sb.Refund(w.shop, orderID, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Index: 1, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
		conv := w.conversion(fmt.Sprint(orderID), func(c models.Conversion) bool { return c.RefundedSubtotal > 0 })
		// The tee was 30.00 less 15% = 25.50 of 59.50: 595 × 2550/5950 = 255.
		if conv.RefundedSubtotal != 2550 || conv.ReversedCommission != 255 {
			t.Fatalf("after partial refund %+v", conv)
		}
		var bal struct{ Data []models.Balance }
		w.api("GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", aff.ID), key, "", &bal)
		if len(bal.Data) != 1 || bal.Data[0].Pending != 340 {
			t.Fatalf("balance %+v, want 340 pending", bal.Data)
		}
	})

	w.step("a refund delivered before its order is applied once the order arrives, however often it is delivered", func(t *testing.T) {
		w.refundBeforeOrderAndRedeliveries(code.Code)
	})

	// A customer's data request: the export is there for the merchant.
	w.step("a customer's data request is exported for the merchant", func(t *testing.T) {
		if err := w.sb.RequestCustomerData(w.shop, "buyer@example.com"); err != nil {
			t.Fatal(err)
		}
		var reqs struct {
			Data []struct {
				Customer string
				Export   models.CustomerExport
			}
		}
		w.waitUntil("data request exported", func() bool {
			w.api("GET", "/api/v1/privacy/data-requests", key, "", &reqs)
			return len(reqs.Data) == 1
		})
		if ex := reqs.Data[0].Export; len(ex.Conversions) != 1 || ex.Conversions[0].CustomerEmail != "buyer@example.com" {
			t.Fatalf("data request export %+v", reqs.Data[0])
		}
	})

	// Uninstall: tokens gone, connection marked, history kept.
	w.step("uninstalling removes the tokens and keeps the history", func(t *testing.T) {
		if err := w.sb.Uninstall(w.shop); err != nil {
			t.Fatal(err)
		}
		w.waitUntil("uninstalled", func() bool {
			c, _ := w.store.GetConnection(ctx, conn.ID)
			return c.Status == models.ConnectionUninstalled && len(c.Credentials) == 0
		})
		if n := count(w.store, &models.Conversion{}); n != 2 {
			t.Fatalf("history lost on uninstall: %d conversions", n)
		}
	})
}

func (w *shopifyWorld) sandboxHas(code string) bool {
	ds, err := w.sb.Discounts(w.shop)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, d := range ds {
		for _, c := range d.Codes {
			if strings.EqualFold(c.Code, code) {
				return true
			}
		}
	}
	return false
}

func (w *shopifyWorld) conversion(orderID string, ok func(models.Conversion) bool) models.Conversion {
	w.t.Helper()
	var conv models.Conversion
	w.waitUntil("conversion of order "+orderID, func() bool {
		err := w.store.DB().Where("external_order_id = ?", orderID).Take(&conv).Error
		return err == nil && ok(conv)
	})
	return conv
}

func count(s *models.Store, model any) int64 {
	var n int64
	s.DB().Model(model).Count(&n)
	return n
}

// refundBeforeOrderAndRedeliveries has Shopify deliver a refund before its
// order, then the order three times: one conversion, the exact reversal.
func (w *shopifyWorld) refundBeforeOrderAndRedeliveries(code string) {
	w.t.Helper()
	w.offline.Store(true) // deliveries fail for now
	orderID, err := w.sb.PlaceOrder(w.shop, sandbox.OrderSpec{Codes: []string{code},
		Lines: []sandbox.Line{{Title: "Lamp", Price: "50.00", Quantity: 2}}, Email: "second@example.com"})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.sb.Refund(w.shop, orderID, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Index: 0, Quantity: 1}}}); err != nil {
		w.t.Fatal(err)
	}
	w.sb.Wait()
	w.offline.Store(false)
	var paid, refund string
	for _, d := range w.sb.Deliveries() {
		if strings.Contains(string(d.Body), fmt.Sprint(orderID)) && !d.Delivered {
			switch d.Topic {
			case "orders/paid":
				paid = d.ID
			case "refunds/create":
				refund = d.ID
			}
		}
	}
	if paid == "" || refund == "" {
		w.t.Fatalf("undelivered order %q and refund %q not found", paid, refund)
	}
	for _, id := range []string{refund, paid, paid, paid} {
		if err := w.sb.Redeliver(id); err != nil {
			w.t.Fatal(err)
		}
		w.sb.Wait()
	}
	conv := w.conversion(fmt.Sprint(orderID), func(c models.Conversion) bool { return c.RefundedSubtotal > 0 })
	// 100.00 less 15% = 85.00; 10% = 8.50; half refunded: 4.25 reversed.
	if conv.Subtotal != 8500 || conv.Commission != 850 || conv.RefundedSubtotal != 4250 || conv.ReversedCommission != 425 {
		w.t.Fatalf("refund before order: %+v", conv)
	}
	var accruals int64
	w.store.DB().Model(&models.LedgerEntry{}).Where("conversion_id = ? AND kind = ?", conv.ID, models.EntryAccrual).Count(&accruals)
	if accruals != 1 {
		w.t.Fatalf("order delivered three times booked %d accruals", accruals)
	}
}

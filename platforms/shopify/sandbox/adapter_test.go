package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// The app's own Shopify adapter, pointed at the sandbox by its base URL
// only, goes through install, webhook registration, a 5,000-code import
// under throttling, code creation, orders, refunds, token refresh and
// uninstall.

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type inbox struct {
	mu   sync.Mutex
	reqs []*http.Request
	body [][]byte
}

func (b *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.reqs, b.body = append(b.reqs, r), append(b.body, body)
	b.mu.Unlock()
}

func (b *inbox) last(topic string) (http.Header, []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.reqs) - 1; i >= 0; i-- {
		if b.reqs[i].Header.Get("X-Shopify-Topic") == topic {
			return b.reqs[i].Header, b.body[i]
		}
	}
	return nil, nil
}

const (
	apiKey, apiSecret = "key", "secret"
	shop              = "demo-store.myshopify.com"
)

func TestAdapterAgainstSandbox(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	app := httptest.NewServer(&inbox{})
	defer app.Close()
	box := app.Config.Handler.(*inbox)
	sb := sandbox.New(sandbox.Options{APIKey: apiKey, APISecret: apiSecret, AppURL: app.URL, Clock: clk.Now, RetryBackoff: time.Millisecond})
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	sb.AddShop(shop, "USD")
	if err := sb.SeedDiscounts(shop, 5000); err != nil {
		t.Fatal(err)
	}
	a := shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: app.URL, BaseURL: base, Clock: clk.Now})
	ctx := context.Background()

	conn := install(t, a, clk)
	if !t.Run("webhooks are subscribed once", func(t *testing.T) {
		if n, err := a.EnsureWebhooks(ctx, conn, shopify.Topics, a.WebhookCallbackURL()); err != nil || n != len(shopify.Topics) {
			t.Fatalf("EnsureWebhooks: %d, %v", n, err)
		}
		if n, _ := a.EnsureWebhooks(ctx, conn, shopify.Topics, a.WebhookCallbackURL()); n != 0 {
			t.Errorf("EnsureWebhooks again subscribed %d more", n)
		}
	}) {
		return
	}
	t.Run("every existing code is imported, throttled as Shopify throttles", func(t *testing.T) {
		codes, total, throttled := importAll(t, a, conn, clk)
		if len(codes) != 5000 || total != 5000 || throttled == 0 {
			t.Errorf("imported %d distinct codes (total %d), throttled %d times; want 5000, 5000 and some throttling", len(codes), total, throttled)
		}
	})

	if !t.Run("a new code is created, the same code in another case is refused", func(t *testing.T) {
		made, err := a.CreateCode(ctx, conn, platforms.NewCode{Code: "ANNA15", Title: "Anna", DiscountType: "percentage", DiscountValue: 1500})
		if err != nil || made.Code != "ANNA15" || made.DiscountValue != 1500 || made.PlatformCodeID == "" {
			t.Fatalf("CreateCode: %+v, %v", made, err)
		}
		var rejected *platforms.RejectedError
		if _, err := a.CreateCode(ctx, conn, platforms.NewCode{Code: "anna15", DiscountType: "fixed_amount", DiscountValue: 500}); !errors.As(err, &rejected) {
			t.Errorf("taken code: %v, want a RejectedError", err)
		}
	}) {
		return
	}

	t.Run("an order with the code and its refund arrive as parsed webhooks", func(t *testing.T) {
		id, err := sb.PlaceOrder(shop, sandbox.OrderSpec{Codes: []string{"anna15"}, Email: "c@example.com", Shipping: "5.00", TaxRate: 1000,
			Lines: []sandbox.Line{{Title: "Tee", Price: "20.00", Quantity: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		sb.Wait()
		order := parse(t, a, box, "orders/paid").Order
		if order == nil || order.Subtotal != 3400 || order.Discount != 600 || order.Total != 4240 || len(order.Codes) != 1 || order.Codes[0] != "anna15" {
			t.Fatalf("orders/paid parsed as %+v", order)
		}
		if _, err := sb.Refund(shop, id, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Quantity: 1}}, Shipping: true}); err != nil {
			t.Fatal(err)
		}
		sb.Wait()
		if r := parse(t, a, box, "refunds/create").Refund; r == nil || r.Subtotal != 1700 || r.OrderExternalID != order.ExternalID {
			t.Errorf("refunds/create parsed as %+v", r)
		}
	})

	t.Run("a token near expiry is refreshed", func(t *testing.T) {
		clk.Advance(58 * time.Minute) // inside the adapter's refresh window
		if _, _, _, err := a.ShopInfo(ctx, conn); err != nil || !conn.Changed {
			t.Errorf("refresh near expiry: %v, changed %v", err, conn.Changed)
		}
	})
	t.Run("after uninstall the app is told and the token no longer works", func(t *testing.T) {
		if err := sb.Uninstall(shop); err != nil {
			t.Fatal(err)
		}
		sb.Wait()
		if h, _ := box.last("app/uninstalled"); h == nil {
			t.Error("app/uninstalled not delivered")
		}
		if _, err := a.ImportCodes(ctx, conn, ""); !errors.Is(err, platforms.ErrUnauthorized) {
			t.Errorf("after uninstall: %v, want ErrUnauthorized", err)
		}
	})
}

// install follows the authorization code grant: the browser is sent to
// the sandbox and back to the app's callback.
func install(t *testing.T, a *shopify.Adapter, clk *clock) *platforms.Conn {
	t.Helper()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(a.AuthorizeURL(shop, "state-1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %v", resp.StatusCode, err)
	}
	got, err := a.VerifyCallback(cb.Query(), clk.Now())
	if err != nil || got != shop || cb.Query().Get("state") != "state-1" {
		t.Fatalf("VerifyCallback: %q, %v", got, err)
	}
	conn, err := a.ExchangeCode(context.Background(), shop, cb.Query().Get("code"))
	if err != nil || conn.Credentials[shopify.CredRefreshToken] == "" {
		t.Fatalf("ExchangeCode: %+v, %v", conn, err)
	}
	return conn
}

// importAll pages through every code, waiting out throttling on the fake
// clock as the import job would.
func importAll(t *testing.T, a *shopify.Adapter, conn *platforms.Conn, clk *clock) (map[string]bool, int, int) {
	t.Helper()
	codes, total, throttled, cursor := map[string]bool{}, -1, 0, ""
	for pages := 0; pages < 2000; pages++ {
		page, err := a.ImportCodes(context.Background(), conn, cursor)
		var rl *platforms.RateLimitError
		if errors.As(err, &rl) {
			throttled++
			clk.Advance(rl.RetryAfter)
			continue
		}
		if err != nil {
			t.Fatalf("ImportCodes after %d pages: %v", pages, err)
		}
		if page.Total >= 0 {
			total = page.Total
		}
		for _, c := range page.Codes {
			if codes[c.Code] {
				t.Errorf("code %s imported twice", c.Code)
			}
			codes[c.Code] = true
		}
		if cursor = page.Next; cursor == "" {
			return codes, total, throttled
		}
	}
	t.Fatal("import did not finish")
	return nil, 0, 0
}

func parse(t *testing.T, a *shopify.Adapter, box *inbox, topic string) platforms.Event {
	t.Helper()
	h, body := box.last(topic)
	if h == nil {
		t.Fatalf("no %s delivered", topic)
	}
	wh, err := a.VerifyWebhook(h, body, []byte(apiSecret), time.Now())
	if err != nil || wh.Source != shop || wh.Topic != topic || wh.EventID == "" {
		t.Fatalf("VerifyWebhook %s: %+v, %v", topic, wh, err)
	}
	events, err := a.ParseWebhook(topic, body)
	if err != nil || len(events) != 1 {
		t.Fatalf("ParseWebhook %s: %+v, %v", topic, events, err)
	}
	return events[0]
}

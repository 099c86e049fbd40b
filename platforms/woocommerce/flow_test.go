package woocommerce_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// app stands in for Codecredit's public URL: it records what the store
// posts to the key callback and to the webhook route.
type app struct {
	*httptest.Server
	mu         sync.Mutex
	grants     [][]byte
	deliveries []delivery
}

type delivery struct {
	header http.Header
	body   []byte
}

func newApp(t *testing.T) *app {
	a := &app{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		defer a.mu.Unlock()
		switch r.URL.Path {
		case "/auth/woocommerce/callback":
			a.grants = append(a.grants, body)
		case "/webhooks/woocommerce":
			a.deliveries = append(a.deliveries, delivery{r.Header.Clone(), body})
		}
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *app) last(t *testing.T, topic string) delivery {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.deliveries) - 1; i >= 0; i-- {
		if a.deliveries[i].header.Get(woocommerce.HeaderTopic) == topic {
			return a.deliveries[i]
		}
	}
	t.Fatalf("no %s delivery", topic)
	return delivery{}
}

// connect runs the app-authorisation flow against the sandbox store and
// registers the webhooks: the connection as the handler would save it.
func connect(t *testing.T, ad *woocommerce.Adapter, ap *app, store *sandbox.Store) *platforms.Conn {
	t.Helper()
	authURL, err := ad.AuthorizeURL(store.URL(), "state-xyz")
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := ap.URL + "/admin/?success=1&user_id=state-xyz"; resp.StatusCode != 302 || resp.Header.Get("Location") != want {
		t.Fatalf("authorize: %d %q, want 302 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	grant, err := woocommerce.ParseKeyGrant(ap.grants[len(ap.grants)-1])
	if err != nil || grant.UserID != "state-xyz" {
		t.Fatalf("grant %+v: %v", grant, err)
	}
	source, _ := woocommerce.NormalizeStoreURL(store.URL())
	conn := &platforms.Conn{ExternalID: source, Credentials: grant.Credentials()}
	if err := ad.CreateWebhooks(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
	return conn
}

func newSandbox(t *testing.T, cfg sandbox.StoreConfig) (*sandbox.Server, *httptest.Server, *sandbox.Store) {
	t.Helper()
	srv := sandbox.New(sandbox.Options{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg.URL = ts.URL + cfg.URL
	st, err := srv.AddStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, ts, st
}

// The whole life of a connection against the sandbox: connect, import,
// create a code, a signed order with its exact subtotal, a partial refund.
func TestAdapterFlow(t *testing.T) {
	_, ts, store := newSandbox(t, sandbox.StoreConfig{URL: "/shop", Currency: "USD", TaxRate: 1000, Shipping: 500})
	ap := newApp(t)
	ad := woocommerce.New(woocommerce.Config{AppURL: ap.URL, Allow: []string{ts.URL}})
	conn := connect(t, ad, ap, store)
	checkWebhooks(t, ad, ap, store, conn)
	checkCatalog(t, ad, store, conn)
	checkOrderAndRefund(t, ad, ap, store, conn)
}

// checkWebhooks: our webhooks are on the store with the connection's
// secret, and registering them again changes nothing.
func checkWebhooks(t *testing.T, ad *woocommerce.Adapter, ap *app, store *sandbox.Store, conn *platforms.Conn) {
	t.Helper()
	hooks := store.Webhooks()
	if len(hooks) != len(woocommerce.Topics) || hooks[0].DeliveryURL != ap.URL+"/webhooks/woocommerce" ||
		hooks[0].Secret != conn.Credentials[woocommerce.CredWebhookSecret] {
		t.Fatalf("webhooks %+v", hooks)
	}
	again := *conn
	again.Changed = false
	if err := ad.CreateWebhooks(context.Background(), &again); err != nil || len(store.Webhooks()) != len(woocommerce.Topics) || again.Changed {
		t.Fatalf("second CreateWebhooks: %v, %d webhooks, changed %v", err, len(store.Webhooks()), again.Changed)
	}
}

// checkCatalog: every coupon imported with its discount; a new code
// created, a taken one refused with WooCommerce's reason.
func checkCatalog(t *testing.T, ad *woocommerce.Adapter, store *sandbox.Store, conn *platforms.Conn) {
	t.Helper()
	ctx := context.Background()
	store.SeedCoupons(230)
	codes := importAll(t, ad, conn)
	if len(codes) != 230 || codes[0] != (platforms.DiscountCode{PlatformID: codes[0].PlatformID, Code: "SEED1",
		DiscountType: "percentage", DiscountValue: 1000, Active: true}) ||
		codes[1].DiscountType != "fixed_amount" || codes[1].DiscountValue != 500 || codes[1].Currency != "USD" {
		t.Fatalf("imported %d codes, first %+v %+v", len(codes), codes[0], codes[1])
	}
	if !conn.Changed || conn.Credentials[woocommerce.CredCurrency] != "USD" {
		t.Fatalf("store currency not kept in the credentials: %v", conn.Credentials)
	}
	created, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "ANNA15", Title: "Anna", DiscountType: "percentage",
		DiscountValue: 1500, OncePerCustomer: true})
	if err != nil || created.Code != "ANNA15" || created.DiscountValue != 1500 || !created.OncePerCustomer {
		t.Fatalf("CreateCode: %+v %v", created, err)
	}
	var rej *platforms.RejectedError
	if _, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "anna15", DiscountType: "percentage", DiscountValue: 500}); !errors.As(err, &rej) ||
		rej.Reason != "The coupon code already exists" {
		t.Fatalf("taken code: %v", err)
	}
	if got, err := ad.DiscountCodes(ctx, conn, created.PlatformID); err != nil || len(got) != 1 || got[0].Code != "ANNA15" {
		t.Fatalf("read back: %+v %v", got, err)
	}
}

// checkOrderAndRefund: a signed order gives its exact subtotal, a partial
// refund its exact refunded subtotal, and reading the order back for
// reconciliation gives the same event id.
func checkOrderAndRefund(t *testing.T, ad *woocommerce.Adapter, ap *app, store *sandbox.Store, conn *platforms.Conn) {
	t.Helper()
	// 2 × 20.00 + 15.00, 15% off each line: 34.00 + 12.75 = 46.75 before 10% tax and 5.00 shipping.
	order, err := store.PlaceOrder([]string{"ANNA15"}, []sandbox.Line{{Name: "Tee", Quantity: 2, Price: 2000},
		{Name: "Cap", Quantity: 1, Price: 1500}}, "", "cleo.park@example.com")
	if err != nil {
		t.Fatal(err)
	}
	events := verifyAndParse(t, ad, conn, ap.last(t, "order.created"))
	if len(events) != 1 || events[0].Order.Subtotal != 4675 || events[0].Order.Codes[0] != "anna15" ||
		events[0].Order.CustomerEmail != "cleo.park@example.com" || events[0].Order.Discount != 825 {
		t.Fatalf("order events: %s", dump(events))
	}
	// One of the two tees back with the shipping: 17.00 of goods (18.70
	// with tax, 24.20 with shipping and its tax).
	if _, err := store.Refund(order.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}, Shipping: true}); err != nil {
		t.Fatal(err)
	}
	upd := ap.last(t, "order.updated")
	events = verifyEnrichAndParse(t, ad, conn, upd)
	if len(events) != 2 || events[1].Kind != platforms.KindOrderRefunded || events[1].Refund.Subtotal != 1700 {
		t.Fatalf("refund events: %s", dump(events))
	}
	page, err := ad.ModifiedOrders(context.Background(), conn, time.Now().Add(-time.Hour), 1)
	if err != nil || len(page.Orders) != 1 || page.Next != 0 {
		t.Fatalf("modified orders: %+v %v", page, err)
	}
	rec := page.Orders[0]
	wh, _ := ad.VerifyWebhook(upd.header, upd.body, []byte(conn.Credentials[woocommerce.CredWebhookSecret]), time.Now())
	if rec.EventID != wh.EventID || rec.Topic != "order.updated" {
		t.Fatalf("reconciled event id %q, webhook's %q", rec.EventID, wh.EventID)
	}
	if events, err := ad.ParseWebhook(rec.Topic, rec.Body); err != nil || events[1].Refund.Subtotal != 1700 {
		t.Fatalf("reconciled body: %s %v", dump(events), err)
	}
}

func importAll(t *testing.T, ad *woocommerce.Adapter, conn *platforms.Conn) []platforms.DiscountCode {
	t.Helper()
	var all []platforms.DiscountCode
	cursor, pages := "", 0
	for {
		page, err := ad.ImportCodes(context.Background(), conn, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if page.Total != 230 && page.Total != -1 {
			t.Fatalf("total %d", page.Total)
		}
		all = append(all, page.Codes...)
		if cursor = page.Next; cursor == "" || pages > 10 {
			return all
		}
	}
}

func verifyAndParse(t *testing.T, ad *woocommerce.Adapter, conn *platforms.Conn, d delivery) []platforms.Event {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/webhooks/woocommerce", strings.NewReader(string(d.body)))
	r.Header = d.header
	source, err := ad.WebhookSource(r, d.body)
	if err != nil || source != conn.ExternalID {
		t.Fatalf("source %q (%v), want %q", source, err, conn.ExternalID)
	}
	wh, err := ad.VerifyWebhook(d.header, d.body, []byte(conn.Credentials[woocommerce.CredWebhookSecret]), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	events, err := ad.ParseWebhook(wh.Topic, d.body)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// verifyEnrichAndParse is verifyAndParse as the worker does it: the body
// enriched with the store's refund objects first.
func verifyEnrichAndParse(t *testing.T, ad *woocommerce.Adapter, conn *platforms.Conn, d delivery) []platforms.Event {
	t.Helper()
	verifyAndParse(t, ad, conn, d)
	wh, _ := ad.VerifyWebhook(d.header, d.body, []byte(conn.Credentials[woocommerce.CredWebhookSecret]), time.Now())
	body, err := ad.EnrichWebhook(context.Background(), conn, wh.Topic, d.body)
	if err != nil {
		t.Fatal(err)
	}
	events, err := ad.ParseWebhook(wh.Topic, body)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// Errors the jobs act on: refused keys, throttling, a store failing.
func TestCatalogErrors(t *testing.T) {
	ctx := context.Background()
	_, ts, store := newSandbox(t, sandbox.StoreConfig{URL: "", Currency: "JPY"})
	key, sec := store.AddKey("read_write")
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.codecredit.test", Allow: []string{ts.URL}})
	src, _ := woocommerce.NormalizeStoreURL(store.URL())
	conn := &platforms.Conn{ExternalID: src, Credentials: map[string]string{"consumer_key": key, "consumer_secret": sec}}
	store.SeedCoupons(2)
	page, err := ad.ImportCodes(ctx, conn, "")
	if err != nil || page.Codes[1].DiscountValue != 5 || page.Codes[1].Currency != "JPY" || page.Next != "" || page.Total != 2 {
		t.Fatalf("JPY import: %+v %v", page, err)
	}
	store.FailNext(http.StatusTooManyRequests, "7")
	var rl *platforms.RateLimitError
	if _, err := ad.ImportCodes(ctx, conn, ""); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %v", err)
	}
	store.FailNext(http.StatusInternalServerError, "")
	if _, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "X", DiscountType: "percentage", DiscountValue: 100}); err == nil ||
		isRejected(err) || errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("500 is retryable, got %v", err)
	}
	if _, err := ad.CreateCode(ctx, conn, platforms.NewCode{Code: "Y", DiscountType: "fixed_amount", DiscountValue: 500, Currency: "USD"}); !isRejected(err) {
		t.Fatalf("a USD amount on a JPY store: %v", err)
	}
	store.RevokeKeys()
	if _, err := ad.ImportCodes(ctx, conn, ""); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Fatalf("revoked keys: %v", err)
	}
}

func isRejected(err error) bool {
	var r *platforms.RejectedError
	return errors.As(err, &r)
}

// With WOOCOMMERCE_BASE_URL set, calls for any store go to the base URL
// with the store's host in the Host header, path and query kept.
func TestBaseURL(t *testing.T) {
	srv := sandbox.New(sandbox.Options{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	store, _ := srv.AddStore(sandbox.StoreConfig{URL: "https://merchant.example/shop", Currency: "EUR"})
	key, sec := store.AddKey("read_write")
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.example", BaseURL: ts.URL})
	var u string
	conn := &platforms.Conn{ExternalID: "https://merchant.example/shop", Credentials: map[string]string{"consumer_key": key, "consumer_secret": sec}}
	info, err := ad.StoreInfo(context.Background(), conn)
	if err != nil || info != (woocommerce.StoreInfo{URL: "https://merchant.example/shop", Name: "Sandbox store", Currency: "EUR"}) {
		t.Fatalf("store info through the base URL: %+v %v", info, err)
	}
	u, err = ad.AuthorizeURL("https://merchant.example/shop/", "s1")
	if err != nil || !strings.HasPrefix(u, ts.URL+"/shop/wc-auth/v1/authorize?") {
		t.Fatalf("authorize URL %q %v", u, err)
	}
}

// A store reached at one address whose WordPress home is another (www,
// https) is connected under its home, where its webhooks come from.
func TestStoreInfoCanonicalHome(t *testing.T) {
	srv := sandbox.New(sandbox.Options{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	store, _ := srv.AddStore(sandbox.StoreConfig{URL: "https://www.shop.example", Home: "https://www.shop.example/", Name: "Shop", Currency: "GBP"})
	key, sec := store.AddKey("read_write")
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.example", BaseURL: ts.URL})
	typed, _ := woocommerce.NormalizeStoreURL("https://shop.example")
	conn := &platforms.Conn{ExternalID: typed, Credentials: map[string]string{"consumer_key": key, "consumer_secret": sec}}
	info, err := ad.StoreInfo(context.Background(), conn)
	if err != nil || info.URL != "https://www.shop.example" || conn.ExternalID != info.URL || info.Name != "Shop" || info.Currency != "GBP" {
		t.Fatalf("store info %+v (conn %q): %v", info, conn.ExternalID, err)
	}
}

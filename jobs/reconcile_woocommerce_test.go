package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// wooStore is a merchant with a WooCommerce store in the sandbox,
// connected, webhooks registered, its coupon ANNA10 imported and assigned
// to the affiliate Anna.
type wooStore struct {
	s       *models.Store
	shop    *sandbox.Store
	adapter *woocommerce.Adapter
	account *models.Account
	anna    *models.Affiliate
	conn    *models.Connection
}

func newWooStore(t *testing.T, s *models.Store, adapter *woocommerce.Adapter, shopURL string, sb *sandbox.Server) *wooStore {
	t.Helper()
	return newWooStoreWith(t, s, adapter, sandbox.StoreConfig{URL: shopURL, Currency: "USD", TaxRate: 1000, Shipping: 500}, sb)
}

// newWooStoreWith is newWooStore for a store made with cfg.
func newWooStoreWith(t *testing.T, s *models.Store, adapter *woocommerce.Adapter, cfg sandbox.StoreConfig, sb *sandbox.Server) *wooStore {
	t.Helper()
	ctx := context.Background()
	w := &wooStore{s: s, adapter: adapter}
	var err error
	if w.shop, err = sb.AddStore(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := w.shop.AddCoupon(sandbox.Coupon{Code: "ANNA10", DiscountType: "percent", Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	ck, cs := w.shop.AddKey("read_write")
	if w.account, err = s.CreateAccount(ctx, "Merchant", "owner@example.com", "USD"); err != nil {
		t.Fatal(err)
	}
	if w.anna, err = s.CreateAffiliate(ctx, w.account.ID, models.NewAffiliate{Name: "Anna", Email: "anna@example.com"}); err != nil {
		t.Fatal(err)
	}
	creds := models.Credentials{woocommerce.CredConsumerKey: ck, woocommerce.CredConsumerSecret: cs,
		woocommerce.CredWebhookSecret: woocommerce.NewWebhookSecret()}
	if w.conn, err = s.InstallConnection(ctx, models.Install{AccountID: w.account.ID, Platform: platforms.WooCommerce,
		ExternalID: w.shop.URL(), Credentials: creds, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	w.importAndAssign(t, &platforms.Conn{ExternalID: w.conn.ExternalID, Credentials: creds})
	return w
}

// importAndAssign registers the webhooks, imports the coupons and gives
// ANNA10 to Anna.
func (w *wooStore) importAndAssign(t *testing.T, pc *platforms.Conn) {
	t.Helper()
	ctx, s := context.Background(), w.s
	if err := w.adapter.CreateWebhooks(ctx, pc); err != nil {
		t.Fatal(err)
	}
	page, err := w.adapter.ImportCodes(ctx, pc, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCredentials(ctx, w.conn.ID, models.Credentials(pc.Credentials)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertPlatformCodes(ctx, w.conn, page.Codes); err != nil {
		t.Fatal(err)
	}
	codes, _, err := s.ListCodes(ctx, w.account.ID, models.CodeFilter{Q: "ANNA10"})
	if err != nil || len(codes) != 1 {
		t.Fatalf("imported codes %v %v", codes, err)
	}
	if _, err := s.AssignCode(ctx, w.account.ID, codes[0].ID, w.anna.ID); err != nil {
		t.Fatal(err)
	}
}

// conversions maps order id → conversion.
func (w *wooStore) conversions(t *testing.T) map[string]models.Conversion {
	t.Helper()
	list, _, err := w.s.ListConversions(context.Background(), w.account.ID, models.ConversionFilter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.Conversion{}
	for _, c := range list {
		out[c.ExternalOrderID] = c
	}
	return out
}

// wooApp serves Codecredit's webhook route, with a worker, both using the
// WooCommerce adapter it returns, which may call the sandbox at sandboxURL.
func wooApp(t *testing.T, s *models.Store, sandboxURL string) *woocommerce.Adapter {
	t.Helper()
	url := "redis://" + testdb.RedisAddr(t) + "/0"
	queue := testdb.Name("woo_test_")
	t.Cleanup(func() {
		if opt, err := asynq.ParseRedisURI(url); err == nil {
			insp := asynq.NewInspector(opt)
			insp.DeleteQueue(queue, true)
			insp.Close()
		}
	})
	e := echo.New()
	app := httptest.NewServer(e)
	t.Cleanup(app.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ad := woocommerce.New(woocommerce.Config{AppURL: app.URL, Allow: []string{sandboxURL}})
	ps := map[string]platforms.Platform{platforms.WooCommerce: ad}
	w, err := jobs.NewWorker(s, url, jobs.Options{Queue: queue, Platforms: ps, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	handlers.Register(e, handlers.Deps{Store: s, Jobs: w.Client(), Platforms: ps, Logger: log})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return ad
}

// eventually waits for cond, failing after a generous bound (not a timing assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A lost order webhook and a lost refund webhook are found by the
// reconciliation; the ledger ends exact, refunds read from their lines.
func TestReconcileRecoversDroppedWebhooks(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sb := sandbox.New(sandbox.Options{})
	sbServer := httptest.NewServer(sb)
	defer sbServer.Close()
	w := newWooStore(t, s, wooApp(t, s, sbServer.URL), sbServer.URL+"/shop", sb)
	id1 := w.deliveredOrder(t)
	id2 := w.lostOrder(t)

	rec := quietReconciler(s, w.adapter)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	convs := w.conversions(t)
	if c1 := convs[id1]; c1.Subtotal != 5400 || c1.RefundedSubtotal != 2700 || c1.ReversedCommission != 270 {
		t.Errorf("order 1: %+v", c1)
	}
	if c2 := convs[id2]; c2.Subtotal != 6300 || c2.Commission != 630 || c2.RefundedSubtotal != 4500 ||
		c2.ReversedCommission != 450 || c2.AffiliateID == nil || *c2.AffiliateID != w.anna.ID {
		t.Errorf("order 2 (recovered): %+v", c2)
	}
	bal, err := s.Balances(ctx, w.account.ID, w.anna.ID)
	if err != nil || len(bal) != 1 || bal[0].Pending != 540-270+630-450 {
		t.Fatalf("Anna's balance %+v %v, want 450 pending", bal, err)
	}

	// Running again finds nothing new, and the checkpoint moved.
	before := w.events(t)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	conn, _ := s.GetConnection(ctx, w.conn.ID)
	creds, _ := s.ReadCredentials(conn)
	if after := w.events(t); after != before || creds[woocommerce.CredReconciledUntil] == "" || creds[woocommerce.CredWebhookSecret] == "" {
		t.Fatalf("second run: %d → %d events, credentials %v", before, after, creds)
	}
}

// deliveredOrder: 2 × 30.00 less 10% = 54.00, then one tee refunded
// (27.00), both delivered and booked by the worker.
func (w *wooStore) deliveredOrder(t *testing.T) string {
	t.Helper()
	o, err := w.shop.PlaceOrder([]string{"anna10"}, []sandbox.Line{{Name: "Tee", Quantity: 2, Price: 3000}}, "", "cy@example.com")
	if err != nil {
		t.Fatal(err)
	}
	id := idOf(o.ID)
	eventually(t, "order 1 booked", func() bool { return w.conversions(t)[id].Commission == 540 })
	if _, err := w.shop.Refund(o.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "order 1 refund booked", func() bool { return w.conversions(t)[id].RefundedSubtotal == 2700 })
	return id
}

// lostOrder: 45.00 + 18.00 after the coupon, then the jacket and the
// shipping refunded (55.00 with tax, which a webhook's refund total alone
// would count as 50.00 of goods); both webhooks are lost.
func (w *wooStore) lostOrder(t *testing.T) string {
	t.Helper()
	w.shop.DropNextDelivery()
	o, err := w.shop.PlaceOrder([]string{"ANNA10"}, []sandbox.Line{{Name: "Jacket", Quantity: 1, Price: 5000},
		{Name: "Belt", Quantity: 1, Price: 2000}}, "", "dot@example.com")
	if err != nil {
		t.Fatal(err)
	}
	w.shop.DropNextDelivery()
	if _, err := w.shop.Refund(o.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}, Shipping: true}); err != nil {
		t.Fatal(err)
	}
	if _, found := w.conversions(t)[idOf(o.ID)]; found {
		t.Fatal("a dropped order was booked without reconciliation")
	}
	return idOf(o.ID)
}

// events counts the stored webhook events.
func (w *wooStore) events(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := w.s.DB().Model(&models.WebhookEvent{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A throttled store keeps its checkpoint; a store refusing the keys is
// marked for reinstall and does not fail the run.
func TestReconcileStoreFailures(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sb := sandbox.New(sandbox.Options{})
	sbServer := httptest.NewServer(sb)
	defer sbServer.Close()
	w := newWooStore(t, s, woocommerce.New(woocommerce.Config{AppURL: "https://app.example", Allow: []string{sbServer.URL}}), sbServer.URL+"/shop", sb)
	rec := quietReconciler(s, w.adapter)

	w.shop.FailNext(http.StatusTooManyRequests, "30")
	if err := rec.Run(ctx); err == nil || !strings.Contains(err.Error(), "rate limited") {
		t.Fatalf("throttled run: %v", err)
	}
	conn, _ := s.GetConnection(ctx, w.conn.ID)
	if creds, _ := s.ReadCredentials(conn); creds[woocommerce.CredReconciledUntil] != "" {
		t.Fatalf("checkpoint moved after a failed run: %s", creds[woocommerce.CredReconciledUntil])
	}

	w.shop.RevokeKeys()
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if conn, _ := s.GetConnection(ctx, w.conn.ID); conn.Status != models.ConnectionNeedsReinstall {
		t.Fatalf("status %q, want %q", conn.Status, models.ConnectionNeedsReinstall)
	}
}

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

package woocommerce_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// clock is the sandbox store's clock, moved on by hand: WooCommerce dates
// are whole seconds, and each change must come at a later one.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// wooSubs is a sandbox store with WooCommerce Subscriptions connected to
// an account of ours; apply feeds what the store delivered since the last
// call through the adapter to models.Store.ApplySubscription.
type wooSubs struct {
	t     *testing.T
	s     *models.Store
	ad    *woocommerce.Adapter
	ap    *app
	store *sandbox.Store
	clock *clock
	conn  *platforms.Conn
	mconn *models.Connection
	seen  int
	all   []delivery // every subscription delivery applied, in order
}

func newWooSubs(t *testing.T, s *models.Store) *wooSubs {
	t.Helper()
	ctx := context.Background()
	w := &wooSubs{t: t, s: s, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	srv := sandbox.New(sandbox.Options{Now: w.clock.now})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var err error
	if w.store, err = srv.AddStore(sandbox.StoreConfig{URL: ts.URL + "/club", Currency: "USD", TaxRate: 1000,
		Shipping: 500, Subscriptions: true}); err != nil {
		t.Fatal(err)
	}
	w.ap = newApp(t)
	w.ad = woocommerce.New(woocommerce.Config{AppURL: w.ap.URL, Allow: []string{ts.URL}})
	w.conn = connect(t, w.ad, w.ap, w.store)
	if n := len(w.store.Webhooks()); n != len(woocommerce.Topics)+len(woocommerce.SubscriptionTopics) {
		t.Fatalf("%d webhooks on a store with WooCommerce Subscriptions, want the subscription topics too", n)
	}
	w.seen = len(w.ap.deliveries) // the creation pings
	if _, err := w.store.AddCoupon(sandbox.Coupon{Code: "CLUB10", DiscountType: "percent", Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	acct, err := s.CreateAccount(ctx, "Coffee club", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	if w.mconn, err = s.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.WooCommerce,
		ExternalID: w.conn.ExternalID, Credentials: w.conn.Credentials, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// apply verifies and parses the deliveries since the last call, applies
// their subscription states and returns every event.
func (w *wooSubs) apply() []platforms.Event {
	w.t.Helper()
	w.ap.mu.Lock()
	fresh := append([]delivery(nil), w.ap.deliveries[w.seen:]...)
	w.seen = len(w.ap.deliveries)
	w.ap.mu.Unlock()
	var events []platforms.Event
	for _, d := range fresh {
		got := verifyAndParse(w.t, w.ad, w.conn, d)
		for _, e := range got {
			if e.Kind != platforms.KindSubscription {
				continue
			}
			w.all = append(w.all, d)
			if err := w.s.ApplySubscription(context.Background(), w.mconn.ID, *e.Subscription); err != nil {
				w.t.Fatal(err)
			}
		}
		events = append(events, got...)
	}
	w.clock.advance(time.Minute)
	return events
}

// state is the subscription's stored state.
func (w *wooSubs) state(id int64) models.SubscriptionState {
	w.t.Helper()
	var st models.SubscriptionState
	if err := w.s.DB().Where("connection_id = ? AND external_id = ?", w.mconn.ID, strconv.FormatInt(id, 10)).Take(&st).Error; err != nil {
		w.t.Fatal(err)
	}
	return st
}

type move struct {
	kind     string
	from, to int64
}

func (w *wooSubs) movements(id int64) []move {
	w.t.Helper()
	var rows []models.SubscriptionMovement
	if err := w.s.DB().Where("connection_id = ? AND external_id = ?", w.mconn.ID, strconv.FormatInt(id, 10)).
		Order("id").Find(&rows).Error; err != nil {
		w.t.Fatal(err)
	}
	out := []move{}
	for _, r := range rows {
		out = append(out, move{r.Kind, r.From, r.To})
	}
	return out
}

func (w *wooSubs) check(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// subsClock is the sandbox stores' clock, moved on by hand (WooCommerce
// dates are whole seconds): from now, or from the next month's first day
// when the month ends today, so every step falls in one month.
type subsClock struct {
	mu sync.Mutex
	t  time.Time
}

func newSubsClock() *subsClock {
	t := time.Now().UTC().Truncate(time.Second)
	if t.AddDate(0, 0, 1).Month() != t.Month() {
		t = time.Date(t.Year(), t.Month()+1, 1, 9, 0, 0, 0, time.UTC)
	}
	return &subsClock{t: t}
}

func (c *subsClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *subsClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// countingSandbox serves sb, counting the calls to GET /subscriptions.
func countingSandbox(t *testing.T, sb *sandbox.Server) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/wp-json/wc/v3/subscriptions") {
			calls.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// quietReconciler is the reconciliation job, logging nowhere.
func quietReconciler(s *models.Store, ad *woocommerce.Adapter) *jobs.Reconciler {
	return jobs.NewReconciler(s, ad, jobs.ReconcilerOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// subState is the stored state of a store's subscription (zero if none).
func (w *wooStore) subState(t *testing.T, id int64) models.SubscriptionState {
	t.Helper()
	var st []models.SubscriptionState
	if err := w.s.DB().Where("connection_id = ? AND external_id = ?", w.conn.ID, idOf(id)).Find(&st).Error; err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		return models.SubscriptionState{}
	}
	return st[0]
}

// report is the store's recurring report for month, its affiliates'
// ids left out so that two accounts' reports compare.
func (w *wooStore) report(t *testing.T, month time.Time) *models.RecurringReport {
	t.Helper()
	r, err := w.s.RecurringReport(context.Background(), w.account.ID, models.ReportQuery{From: month, To: month})
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Affiliates {
		r.Affiliates[i].AffiliateID = 0
	}
	return r
}

// A subscription to 18.00 a month (20.00 less Anna's 10%) is switched to
// 36.00 and then cancelled, in two stores: one delivers every webhook,
// the other drops the switch's and the cancellation's. After one
// reconciliation run the second shows the same recurring report as the
// first (new 18.00, expansion 18.00, churn 36.00, nothing left), the
// delivered store gets nothing new, and a second run books nothing.
func TestReconcileSubscriptionSwitchedThenCancelled(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	clock := newSubsClock()
	sb := sandbox.New(sandbox.Options{Now: clock.now})
	sbServer := httptest.NewServer(sb)
	defer sbServer.Close()
	ad := wooApp(t, s, sbServer.URL)
	cfg := func(path string) sandbox.StoreConfig {
		return sandbox.StoreConfig{URL: sbServer.URL + path, Currency: "USD", TaxRate: 1000, Shipping: 500, Subscriptions: true}
	}
	lost, twin := newWooStoreWith(t, s, ad, cfg("/lost"), sb), newWooStoreWith(t, s, ad, cfg("/twin"), sb)
	ids := map[*wooStore]int64{}
	for _, w := range []*wooStore{lost, twin} {
		sub, err := w.shop.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 1, Price: 2000}},
			Coupons: []string{"ANNA10"}, Email: "noor@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		ids[w] = sub.ID
		eventually(t, "subscription booked", func() bool {
			return w.subState(t, sub.ID).MonthlyAmount == 1800 && w.conversions(t)[idOf(sub.ParentID)].Commission == 180
		})
	}
	for range 3 { // subscription.updated and subscription.switched, then subscription.updated
		lost.shop.DropNextDelivery()
	}
	clock.advance(time.Minute)
	for _, w := range []*wooStore{lost, twin} {
		if err := w.shop.Switch(ids[w], []sandbox.Line{{Name: "Beans", Quantity: 2, Price: 2000}}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "switch booked", func() bool { return twin.subState(t, ids[twin]).MonthlyAmount == 3600 })
	clock.advance(time.Minute)
	for _, w := range []*wooStore{lost, twin} {
		if err := w.shop.SetSubscriptionStatus(ids[w], "cancelled"); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "cancellation booked", func() bool {
		return twin.subState(t, ids[twin]).Status == platforms.SubscriptionCanceled
	})
	d := lost.shop.Deliveries()
	if len(d) < 3 || !d[len(d)-1].Dropped || !d[len(d)-2].Dropped || !d[len(d)-3].Dropped {
		t.Fatalf("the switch's and the cancellation's webhooks were not all dropped: %+v", d)
	}
	if st := lost.subState(t, ids[lost]); st.Status != platforms.SubscriptionActive || st.MonthlyAmount != 1800 {
		t.Fatalf("the lost store's subscription changed without its webhooks: %+v", st)
	}

	month := time.Date(clock.now().Year(), clock.now().Month(), 1, 0, 0, 0, 0, time.UTC)
	want := twin.report(t, month)
	if len(want.Affiliates) != 1 || want.Affiliates[0].Name != "Anna" || want.Total.MRR != 0 || len(want.Total.Months) != 1 ||
		want.Total.Months[0] != (models.RecurringMonth{Month: month.Format("2006-01"), New: 1800, Expansion: 1800, Churn: -3600}) {
		t.Fatalf("delivered store's report %+v", want)
	}
	before := twin.events(t) // both stores'
	rec := quietReconciler(s, ad)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := lost.report(t, month); !reflect.DeepEqual(got, want) {
		t.Fatalf("after reconciliation\n got %+v\nwant %+v", got, want)
	}
	st := lost.subState(t, ids[lost])
	if tw := twin.subState(t, ids[twin]); st.Status != tw.Status || st.MonthlyAmount != tw.MonthlyAmount ||
		!st.ChangedAt.Equal(tw.ChangedAt) || st.CanceledAt == nil || !st.CanceledAt.Equal(*tw.CanceledAt) {
		t.Fatalf("reconciled state %+v, delivered %+v", st, tw)
	}
	if n := twin.events(t); n != before+1 {
		t.Fatalf("%d → %d events, want one more: the cancelled state, whose webhook was lost", before, n)
	}

	before = twin.events(t)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n := twin.events(t); n != before || !reflect.DeepEqual(lost.report(t, month), want) {
		t.Fatalf("second run: %d → %d events, report %+v", before, n, lost.report(t, month))
	}
}

// A store without WooCommerce Subscriptions has its orders reconciled and
// is asked for subscriptions once (404 rest_no_route), not on later runs.
func TestReconcileStoreWithoutSubscriptions(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sb := sandbox.New(sandbox.Options{})
	srv, calls := countingSandbox(t, sb)
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.example", Allow: []string{srv.URL}})
	w := newWooStore(t, s, ad, srv.URL+"/shop", sb)
	w.shop.DropNextDelivery()
	o, err := w.shop.PlaceOrder([]string{"ANNA10"}, []sandbox.Line{{Name: "Tee", Quantity: 1, Price: 3000}}, "", "cy@example.com")
	if err != nil {
		t.Fatal(err)
	}
	rec := quietReconciler(s, ad)
	for run := 1; run <= 2; run++ {
		if err := rec.Run(ctx); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if c := w.conversions(t)[idOf(o.ID)]; c.Commission != 270 {
			t.Fatalf("run %d: lost order %+v", run, c)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("run %d: asked for subscriptions %d times, want once", run, n)
		}
	}
	conn, _ := s.GetConnection(ctx, w.conn.ID)
	creds, _ := s.ReadCredentials(conn)
	if creds[woocommerce.CredNoSubscriptions] == "" || creds[woocommerce.CredReconciledUntil] == "" ||
		creds[woocommerce.CredSubscriptionsReconciledUntil] != "" || conn.Status != models.ConnectionActive {
		t.Fatalf("connection %s, credentials %v", conn.Status, creds)
	}
}

// More lost subscriptions than a page holds (100) are all found, over
// two pages, with their parent orders; a second run books nothing.
func TestReconcileSubscriptionsPaged(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sb := sandbox.New(sandbox.Options{})
	srv, calls := countingSandbox(t, sb)
	ad := woocommerce.New(woocommerce.Config{AppURL: "https://app.example", Allow: []string{srv.URL}})
	w := newWooStoreWith(t, s, ad, sandbox.StoreConfig{URL: srv.URL + "/club", Currency: "USD", Subscriptions: true}, sb)
	const n = 101
	var ids []int64
	for i := range n {
		w.shop.DropNextDelivery() // order.created
		w.shop.DropNextDelivery() // subscription.created
		sub, err := w.shop.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 1, Price: 1000 + 10*int64(i)}},
			Coupons: []string{"ANNA10"}, Email: "customer" + strconv.Itoa(i) + "@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sub.ID)
	}
	rec := quietReconciler(s, ad)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if st := w.subState(t, id); st.Status != platforms.SubscriptionActive || st.MonthlyAmount != 900+9*int64(i) {
			t.Fatalf("subscription %d of %d: %+v", i+1, n, st)
		}
	}
	var booked int64
	if err := s.DB().Model(&models.Conversion{}).Where("connection_id = ?", w.conn.ID).Count(&booked).Error; err != nil {
		t.Fatal(err)
	}
	if c := calls.Load(); c != 2 || booked != n {
		t.Fatalf("%d calls to GET /subscriptions (want 2 pages), %d parent orders booked (want %d)", c, booked, n)
	}
	events := w.events(t)
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if after := w.events(t); after != events {
		t.Fatalf("second run stored %d more events", after-events)
	}
}

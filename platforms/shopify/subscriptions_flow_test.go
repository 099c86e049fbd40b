package shopify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// delivery is a verified webhook as the app stores it.
type delivery struct {
	topic string
	body  []byte
}

// inbox verifies the sandbox's deliveries and keeps them, in order, to be
// processed as the worker would: enriched, parsed, applied.
type inbox struct {
	a    *shopify.Adapter
	mu   sync.Mutex
	list []delivery
	bad  []string
}

func (in *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	wh, err := in.a.VerifyWebhook(r.Header, body, []byte(apiSecret), in.a.Now())
	in.mu.Lock()
	defer in.mu.Unlock()
	if err != nil {
		in.bad = append(in.bad, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	in.list = append(in.list, delivery{wh.Topic, body})
}

// take returns the deliveries not taken yet.
func (in *inbox) take(from *int) []delivery {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := slices.Clone(in.list[*from:])
	*from = len(in.list)
	return out
}

// contractRig is the sandbox shop installed with the contract scope,
// subscribed to every topic and the contract topics, on an account of ours.
type contractRig struct {
	r    *rig
	in   *inbox
	pc   *platforms.Conn
	s    *models.Store
	conn *models.Connection
	seen int
}

func newContractRig(t *testing.T, s *models.Store) *contractRig {
	t.Helper()
	ctx := context.Background()
	r := newRig(t, "USD")
	r.a = shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com", BaseURL: r.base,
		HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: r.clock.Now,
		Scopes: append(slices.Clone(shopify.DefaultScopes), shopify.ScopeSubscriptionContracts, shopify.ScopeCustomers)})
	in := &inbox{a: r.a}
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	r.sb.SetAppURL(srv.URL)
	pc := r.install(t)
	topics := append(slices.Clone(shopify.Topics), shopify.ContractTopics...)
	if n, err := r.a.EnsureWebhooks(ctx, pc, topics, srv.URL+"/webhooks/shopify"); err != nil || n != len(topics) {
		t.Fatalf("EnsureWebhooks = %d, %v; want all %d topics", n, err, len(topics))
	}
	acct, err := s.CreateAccount(ctx, "Alice's goods", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Shopify,
		ExternalID: shopName, Credentials: pc.Credentials, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	return &contractRig{r: r, in: in, pc: pc, s: s, conn: conn}
}

// process handles deliveries as the worker does and returns the paid
// orders among them.
func (c *contractRig) process(t *testing.T, ds []delivery) []*platforms.Order {
	t.Helper()
	r := c.r
	r.sb.Wait()
	var orders []*platforms.Order
	for _, d := range ds {
		body, err := r.a.EnrichWebhook(context.Background(), c.pc, d.topic, d.body)
		if err != nil {
			t.Fatalf("%s: enrich: %v", d.topic, err)
		}
		evs, err := r.a.ParseWebhook(d.topic, body)
		if err != nil {
			t.Fatalf("%s: parse: %v", d.topic, err)
		}
		for _, e := range evs {
			switch e.Kind {
			case platforms.KindSubscription:
				if err := c.s.ApplySubscription(context.Background(), c.conn.ID, *e.Subscription); err != nil {
					t.Fatalf("%s: apply: %v", d.topic, err)
				}
			case platforms.KindOrderPaid:
				orders = append(orders, e.Order)
			}
		}
	}
	return orders
}

// step runs a change in the sandbox ten minutes after the last one and
// processes what it delivered.
func (c *contractRig) step(t *testing.T, change func() error) []*platforms.Order {
	t.Helper()
	c.r.clock.Advance(10 * time.Minute)
	if err := change(); err != nil {
		t.Fatal(err)
	}
	c.r.sb.Wait()
	return c.process(t, c.in.take(&c.seen))
}

func (c *contractRig) state(t *testing.T, id string) (models.SubscriptionState, []models.SubscriptionMovement) {
	t.Helper()
	var st models.SubscriptionState
	if err := c.s.DB().Where("connection_id = ? AND external_id = ?", c.conn.ID, id).Take(&st).Error; err != nil {
		t.Fatal(err)
	}
	var ms []models.SubscriptionMovement
	if err := c.s.DB().Where("connection_id = ? AND external_id = ?", c.conn.ID, id).Order("id").Find(&ms).Error; err != nil {
		t.Fatal(err)
	}
	return st, ms
}

type move struct {
	kind     string
	from, to int64
}

func moves(ms []models.SubscriptionMovement) []move {
	out := make([]move, len(ms))
	for i, m := range ms {
		out[i] = move{m.Kind, m.From, m.To}
	}
	return out
}

// A coffee subscription through its life, from the sandbox's signed
// deliveries to the stored state and its movements of monthly recurring
// revenue, ten minutes apart from 09:10:
//
//	step        lines (after discounts)                      every     amount  monthly  movement
//	subscribe   beans 2 × 18.00 − 3.60 = 32.40, filters 9.99 month     42.39   42.39    new 0 → 42.39
//	renew       (an order; the contract is unchanged)
//	upgrade     beans 3 × 18.00 − 5.40 = 48.60, filters 9.99 month     58.59   58.59    expansion
//	downgrade   beans 1 × 18.00                              2 months  18.00    9.00    contraction
//	pause                                                                         9.00    churn 9.00 → 0
//	resume                                                                        9.00    reactivation 0 → 9.00
//	cancel      (10:10)                                                           9.00    churn 9.00 → 0
//
// Every delivery then arrives again, first in order, then backwards:
// each reads the contract as it is now, cancelled at 10:10, no newer than
// the state kept, so nothing changes.
func TestContractFlowToSubscriptionState(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		c := newContractRig(t, s)
		sb := c.r.sb
		var id int64
		first := c.step(t, func() (err error) {
			id, err = sb.CreateContract(shopName, sandbox.ContractSpec{Email: "dana@example.com", Lines: []sandbox.ContractLine{
				{Title: "Coffee beans", Price: "18.00", Quantity: 2, Discount: "3.60"}, {Title: "Filters", Price: "9.99", Quantity: 1}}})
			return err
		})
		if len(first) != 1 || first[0].Subtotal != 4239 || first[0].SubscriptionID != "" {
			t.Fatalf("first order %+v; want 42.39 from the checkout", first)
		}
		sid := strconv.FormatInt(id, 10)
		renewal := c.step(t, func() error { _, err := sb.RenewContract(shopName, id); return err })
		if len(renewal) != 1 || renewal[0].Subtotal != 4239 || renewal[0].CustomerEmail != "dana@example.com" ||
			renewal[0].SubscriptionID != sid {
			t.Fatalf("renewal %+v; want 42.39 from Dana, renewing contract %s", renewal, sid)
		}
		c.step(t, func() error {
			return sb.UpdateContract(shopName, id, []sandbox.ContractLine{
				{Title: "Coffee beans", Price: "18.00", Quantity: 3, Discount: "5.40"}, {Title: "Filters", Price: "9.99", Quantity: 1}}, "", 0)
		})
		c.step(t, func() error {
			return sb.UpdateContract(shopName, id, []sandbox.ContractLine{{Title: "Coffee beans", Price: "18.00", Quantity: 1}}, "MONTH", 2)
		})
		for _, st := range []string{"PAUSED", "ACTIVE", "CANCELLED"} {
			c.step(t, func() error { return sb.SetContractStatus(shopName, id, st) })
		}
		wantMoves := []move{{models.MovementNew, 0, 4239}, {models.MovementExpansion, 4239, 5859},
			{models.MovementContraction, 5859, 900}, {models.MovementChurn, 900, 0},
			{models.MovementReactivation, 0, 900}, {models.MovementChurn, 900, 0}}
		check := func(when string) {
			t.Helper()
			st, ms := c.state(t, sid)
			start, end := time.Date(2026, 11, 2, 9, 10, 0, 0, time.UTC), time.Date(2026, 11, 2, 10, 10, 0, 0, time.UTC)
			if st.Status != platforms.SubscriptionCanceled || st.Amount != 1800 || st.MonthlyAmount != 900 ||
				st.Interval != platforms.IntervalMonth || st.IntervalCount != 2 || st.Currency != "USD" ||
				st.CustomerEmail != "dana@example.com" || !st.StartedAt.Equal(start) || !st.ChangedAt.Equal(end) ||
				st.CanceledAt == nil || !st.CanceledAt.Equal(end) {
				t.Fatalf("%s: state %+v", when, st)
			}
			if got := moves(ms); !slices.Equal(got, wantMoves) {
				t.Fatalf("%s: movements %v\nwant %v", when, got, wantMoves)
			}
		}
		check("in order")
		all := c.in.take(new(int))
		c.process(t, all)
		check("delivered again")
		slices.Reverse(all)
		c.process(t, all)
		check("delivered again backwards")
	})
}

// The renewal order names its origin: source_name "subscription_contract",
// as a subscription app's billing attempt makes it. Without the scopes to
// look its contract up it is booked as it came, renewing nothing.
func TestContractRenewalOrderSource(t *testing.T) {
	r := newRig(t, "USD")
	in := &inbox{a: r.a}
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	r.sb.SetAppURL(srv.URL)
	pc := r.install(t)
	if _, err := r.a.EnsureWebhooks(context.Background(), pc, []string{shopify.TopicOrdersPaid}, srv.URL+"/webhooks/shopify"); err != nil {
		t.Fatal(err)
	}
	id, err := r.sb.CreateContract(shopName, sandbox.ContractSpec{Lines: []sandbox.ContractLine{{Title: "Tea", Price: "12.00", Quantity: 1}}})
	if err == nil {
		_, err = r.sb.RenewContract(shopName, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	var sources []string
	for _, d := range in.take(new(int)) {
		var o struct {
			SourceName string `json:"source_name"`
		}
		if err := json.Unmarshal(d.body, &o); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, o.SourceName)
	}
	if !slices.Equal(sources, []string{"web", "subscription_contract"}) {
		t.Fatalf("orders/paid source_name %v; want the checkout, then the renewal", sources)
	}
	d := in.list[1]
	body, err := r.a.EnrichWebhook(context.Background(), pc, d.topic, d.body)
	if err != nil || string(body) != string(d.body) {
		t.Fatalf("renewal without the scopes: %v; want the body as it came", err)
	}
	evs, err := r.a.ParseWebhook(d.topic, body)
	if err != nil || len(evs) != 1 || evs[0].Order.SubscriptionID != "" || evs[0].Order.Subtotal != 1200 {
		t.Fatalf("renewal %+v, %v", evs, err)
	}
}

// Installed without the contract scope, the contract topics are not
// subscribed, and a contract delivery (here, one the app reads anyway)
// books nothing and fails nothing: the sandbox refuses the query as
// Shopify does (ACCESS_DENIED).
func TestContractWithoutScopeInSandbox(t *testing.T) {
	r := newRig(t, "USD")
	pc := r.install(t)
	n, err := r.a.EnsureWebhooks(context.Background(), pc, shopify.ContractTopics, "https://cc.example.com/webhooks/shopify")
	if err != nil || n != 0 {
		t.Fatalf("EnsureWebhooks = %d, %v; want the contract topics skipped", n, err)
	}
	id, err := r.sb.CreateContract(shopName, sandbox.ContractSpec{Lines: []sandbox.ContractLine{{Title: "Tea", Price: "12.00", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"admin_graphql_api_id":"gid://shopify/SubscriptionContract/` + strconv.FormatInt(id, 10) + `","id":` +
		strconv.FormatInt(id, 10) + `,"status":"active"}`)
	delete(pc.Credentials, shopify.CredScope) // scopes unknown: Shopify decides
	got, err := r.a.EnrichWebhook(context.Background(), pc, shopify.TopicSubscriptionContractsCreate, body)
	if err != nil || string(got) != string(body) {
		t.Fatalf("EnrichWebhook = %s, %v; want the body back", got, err)
	}
	evs, err := r.a.ParseWebhook(shopify.TopicSubscriptionContractsCreate, got)
	if err != nil || len(evs) != 0 {
		t.Fatalf("events %+v, %v; want none", evs, err)
	}
}

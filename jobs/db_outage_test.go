package jobs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
)

// tcpProxy forwards connections to PostgreSQL; cut drops every connection
// and refuses new ones until restore, as a database restart or a network
// partition does.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func startProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *tcpProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		out, err := net.Dial("tcp", p.target)
		if down || err != nil {
			in.Close()
			continue
		}
		p.track(in, out)
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

func (p *tcpProxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// While PostgreSQL is unreachable, Shopify's deliveries are answered 503,
// so Shopify sends them again; once it is back, every order is booked
// exactly once, including those whose jobs ran into the outage.
func TestDatabaseOutageLosesNothing(t *testing.T) {
	ctx := context.Background()
	direct := testdb.Postgres(t)
	u, err := url.Parse(schemaDSN(t, direct))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	db, err := models.OpenPostgres(u.String())
	if err != nil {
		t.Fatal(err)
	}
	cipher, _ := models.NewCipher(testdb.Key())
	store := models.NewStore(db, cipher)
	const shop, secret, orders = "outage.myshopify.com", "outage-app-secret", 300
	conn, err := store.InstallConnection(ctx, models.Install{Platform: platforms.Shopify, ExternalID: shop, Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	aff := models.Affiliate{AccountID: conn.AccountID, Name: "Berlin", Email: "berlin@example.com", Status: models.AffiliateActive}
	direct.DB().Create(&aff)
	direct.DB().Create(&models.Code{AccountID: conn.AccountID, Code: "BERLIN10", Normalized: "BERLIN10",
		Source: models.SourceManual, AffiliateID: &aff.ID, Active: true})

	redisURL, queue := redisQueue(t)
	client := newClient(t, redisURL, queue)
	adapter := shopify.New(shopify.Config{APIKey: "key", APISecret: secret})
	parsers := map[string]platforms.Platform{platforms.Shopify: adapter}
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: store, Jobs: client, Logger: testLogger(t),
		Platforms: parsers, AppSecrets: map[string][]byte{platforms.Shopify: []byte(secret)}})
	srv := httptest.NewServer(e)
	defer srv.Close()
	startWorker(t, store, redisURL, jobs.Options{Queue: queue, Platforms: parsers,
		SweepEvery: 500 * time.Millisecond, SweepAge: time.Second})

	if !t.Run("deliveries during the outage are answered 503 and get in on Shopify's retries", func(t *testing.T) {
		template := shopifyOrderTemplate(t)
		var sent, unavailable atomic.Int64
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					unavailable.Add(int64(deliverUntilAccepted(t, srv.URL+"/webhooks/shopify", template, i, shop, secret)))
					sent.Add(1)
				}
			}()
		}
		for i := range orders {
			if i == orders/3 {
				for sent.Load() < int64(i) {
					time.Sleep(time.Millisecond)
				}
				proxy.cut()
				go func() { time.Sleep(1500 * time.Millisecond); proxy.restore() }()
			}
			next <- i
		}
		close(next)
		wg.Wait()
		if unavailable.Load() == 0 {
			t.Fatal("no delivery was answered 503 while the database was unreachable")
		}
		t.Logf("%d answers were 503 during the outage; Shopify's retries got them in", unavailable.Load())
	}) {
		return
	}

	if !t.Run("once the database is back every order is booked exactly once", func(t *testing.T) {
		waitProcessed(t, direct, orders)
		var convs []models.Conversion
		direct.DB().Find(&convs)
		seen := map[string]bool{}
		for _, c := range convs {
			if seen[c.ExternalOrderID] || c.AffiliateID == nil || *c.AffiliateID != aff.ID || c.Subtotal != 9000 || c.Commission != 900 {
				t.Fatalf("conversion %+v (seen before: %v); want one per order: 10%% of the 90.00 EUR goods subtotal", c, seen[c.ExternalOrderID])
			}
			seen[c.ExternalOrderID] = true
		}
		if len(seen) != orders {
			t.Fatalf("%d orders booked, want %d", len(seen), orders)
		}
	}) {
		return
	}
	t.Run("the ledger holds each order's commission once", func(t *testing.T) {
		if got := ledgerByAffiliate(t, direct)[aff.ID]; got != orders*900 {
			t.Fatalf("ledger %d, want %d", got, orders*900)
		}
	})
}

// shopifyOrderTemplate is the recorded orders/paid payload (code BERLIN10;
// goods of 90.00 EUR after discounts, before tax) with its order id as a
// placeholder.
func shopifyOrderTemplate(t *testing.T) []byte {
	raw, err := os.ReadFile("../platforms/shopify/testdata/orders_paid_taxes_included.json")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(raw, []byte("820982911946154513"), []byte("ORDER_ID"))
}

// deliverUntilAccepted sends order i as Shopify does and sends it again
// (Shopify retries for 48 hours) until it is answered 200; it returns how
// many answers were 503. Any other answer fails the test.
func deliverUntilAccepted(t *testing.T, endpoint string, template []byte, i int, shop, secret string) (unavailable int) {
	body := bytes.ReplaceAll(template, []byte("ORDER_ID"), []byte(fmt.Sprint(700000000000000000+i)))
	for attempt := 0; attempt < 200; attempt++ {
		req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
		req.Header = http.Header{
			"Content-Type":           {"application/json"},
			shopify.HeaderTopic:      {shopify.TopicOrdersPaid},
			shopify.HeaderHmac:       {base64.StdEncoding.EncodeToString(shopify.Sign(body, []byte(secret)))},
			shopify.HeaderShopDomain: {shop},
			shopify.HeaderAPIVersion: {shopify.APIVersion},
			shopify.HeaderEventID:    {fmt.Sprintf("00000000-0000-4000-8000-%012d", i)},
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("order %d: %v", i, err)
			return unavailable
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			return unavailable
		case http.StatusServiceUnavailable:
			unavailable++
			time.Sleep(50 * time.Millisecond)
		default:
			t.Errorf("order %d: answered %d %s; want 200, or 503 while the database is away", i, resp.StatusCode, answer)
			return unavailable
		}
	}
	t.Errorf("order %d: still refused after 200 attempts", i)
	return unavailable
}

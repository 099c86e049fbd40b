package jobs_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
)

// receiver is a webhook endpoint that answers with the next of its
// statuses (the last one over and over), keeping what it got.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, hookRequest{header: req.Header.Clone(), body: body})
	status := r.statuses[min(len(r.got), len(r.statuses))-1]
	w.WriteHeader(status)
	_, _ = w.Write([]byte("answer " + http.StatusText(status)))
}

// serveHooks starts a receiver answering statuses, closed when the test ends.
func serveHooks(t *testing.T, statuses ...int) (*receiver, *httptest.Server) {
	rec := &receiver{statuses: statuses}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv
}

func (r *receiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.got...)
}

// hookShop is a shop with one endpoint at url wanting new conversions.
func hookShop(t *testing.T, s *models.Store, url string) (*shop, *models.WebhookEndpoint) {
	t.Helper()
	sh := newShop(t, s, 1)
	ep, err := s.CreateWebhookEndpoint(context.Background(), sh.account.ID,
		models.WebhookEndpointInput{URL: url, Events: []string{models.HookConversionCreated}})
	if err != nil {
		t.Fatal(err)
	}
	return sh, ep
}

// book books a paid order with sh's code, writing its conversion.created.
func book(t *testing.T, sh *shop, id string) {
	t.Helper()
	if _, err := sh.store.AttributeOrder(context.Background(), sh.conn.ID, order(id, sh.codes[0], 10000)); err != nil {
		t.Fatal(err)
	}
}

// deliverDue makes rounds of attempts at every due delivery, as the
// worker's poll and tasks do, until none is due.
func deliverDue(t *testing.T, s *models.Store, w *jobs.Webhooks) {
	t.Helper()
	ctx := context.Background()
	for range 20 {
		due, err := s.DueWebhookDeliveries(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) == 0 {
			return
		}
		for _, d := range due {
			if err := w.Deliver(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Fatal("deliveries still due after 20 rounds")
}

// attemptsOf lists every attempt, oldest first.
func attemptsOf(t *testing.T, s *models.Store) []models.WebhookAttempt {
	t.Helper()
	var out []models.WebhookAttempt
	if err := s.DB().Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

var instant = []time.Duration{0, 0, 0, 0}

// A delivery is signed as Standard Webhooks says: the standard-webhooks
// library verifies it with the endpoint's secret, refuses it tampered or
// under another secret, and after a rotation verifies it under the old
// secret and the new one alike.
func TestWebhookSignatureVerifiedByStandardLibrary(t *testing.T) {
	s := testdb.Postgres(t)
	rec, srv := serveHooks(t, 204)
	sh, ep := hookShop(t, s, srv.URL+"/hook")
	w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{AllowLocal: true, Schedule: instant})
	book(t, sh, "o1")
	deliverDue(t, s, w)
	rotated, err := s.RotateWebhookSecret(context.Background(), sh.account.ID, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	book(t, sh, "o2")
	deliverDue(t, s, w)

	got := rec.requests()
	if len(got) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(got))
	}
	verify := func(secret string, r hookRequest) error {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		return wh.Verify(r.body, r.header)
	}
	for i, secrets := range [][]string{{ep.Secret}, {ep.Secret, rotated.Secret}} {
		r := got[i]
		for _, secret := range secrets {
			if err := verify(secret, r); err != nil {
				t.Errorf("delivery %d under %.10s…: %v (signature %q)", i, secret, err, r.header.Get("webhook-signature"))
			}
		}
		tampered := hookRequest{header: r.header, body: []byte(strings.Replace(string(r.body), `"commission":1000`, `"commission":9000`, 1))}
		if string(tampered.body) == string(r.body) || verify(ep.Secret, tampered) == nil {
			t.Errorf("delivery %d verified with a tampered body", i)
		}
		if verify("whsec_"+strings.Repeat("A", 32), r) == nil {
			t.Errorf("delivery %d verified under another secret", i)
		}
		if !strings.HasPrefix(r.header.Get("webhook-id"), "msg_") || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("delivery %d headers %v", i, r.header)
		}
	}
	if verify(rotated.Secret, got[0]) == nil {
		t.Error("a delivery sent before the rotation verified under the new secret")
	}
}

// An endpoint that fails twice with 500 and then recovers gets the
// delivery three times with the same webhook-id; each attempt is recorded
// with its status code and the start of the answer, and the delivery ends
// delivered.
func TestWebhookRetriedAfterServerErrorsUntilDelivered(t *testing.T) {
	s := testdb.Postgres(t)
	rec, srv := serveHooks(t, 500, 500, 200)
	sh, _ := hookShop(t, s, srv.URL+"/hook")
	w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{AllowLocal: true, Schedule: instant})
	book(t, sh, "o1")
	deliverDue(t, s, w)

	got := rec.requests()
	if len(got) != 3 || got[0].header.Get("webhook-id") != got[2].header.Get("webhook-id") ||
		got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
		t.Fatalf("receiver got %d requests, want 3 with one webhook-id", len(got))
	}
	as := attemptsOf(t, s)
	if len(as) != 3 || as[0].StatusCode != 500 || as[1].StatusCode != 500 || as[2].StatusCode != 200 ||
		as[2].Attempt != 3 || as[0].Response != "answer Internal Server Error" {
		t.Fatalf("attempts %+v, want 500, 500, 200 with their answers", as)
	}
	var d models.WebhookDelivery
	s.DB().Take(&d)
	if d.Status != models.DeliveryDelivered || d.Attempts != 3 || d.DeliveredAt == nil {
		t.Fatalf("delivery %+v, want delivered after 3 attempts", d)
	}
}

// fakeResolver answers every name with addr.
type fakeResolver struct{ addr netip.Addr }

func (f fakeResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{f.addr}, nil
}

// Outside development, a delivery never reaches an internal address: not
// an endpoint whose name resolves to loopback or a private address, nor
// plain http to 127.0.0.1. The attempt is recorded as refused.
func TestWebhookToInternalAddressRefused(t *testing.T) {
	s := testdb.Postgres(t)
	rec, srv := serveHooks(t, 200)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, tc := range []struct{ url, resolves string }{
		{"https://hooks.example.com" + port + "/hook", "127.0.0.1"},
		{"https://hooks.example.com/hook", "10.0.0.7"},
		{"https://hooks.example.com/hook", "169.254.169.254"},
		{srv.URL + "/hook", "127.0.0.1"},
	} {
		t.Run(tc.url+"→"+tc.resolves, func(t *testing.T) {
			s.DB().Where("1 = 1").Delete(&models.WebhookAttempt{})
			sh, _ := hookShop(t, s, tc.url)
			w := jobs.NewWebhooks(s, nil, jobs.WebhookOptions{Schedule: []time.Duration{},
				Resolver: fakeResolver{netip.MustParseAddr(tc.resolves)}})
			book(t, sh, "o-"+tc.resolves)
			deliverDue(t, s, w)
			as := attemptsOf(t, s)
			if len(as) != 1 || !strings.Contains(as[0].Error, "not allowed") {
				t.Fatalf("attempts %+v, want one refused", as)
			}
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("the internal receiver got %d requests", n)
	}
}

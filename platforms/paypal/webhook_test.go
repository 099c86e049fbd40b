package paypal_test

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

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

type received struct {
	header http.Header
	body   []byte
}

// receiver collects the sandbox's webhook deliveries.
func receiver(t *testing.T, e *env) func() []received {
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), b})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	e.sb.SetWebhookURL(srv.URL)
	return func() []received { mu.Lock(); defer mu.Unlock(); return append([]received(nil), got...) }
}

// Every state change arrives as a signed webhook that PayPal's verify call
// accepts; the events carry the item as polling shows it.
func TestWebhooksVerifyAndParse(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	got := receiver(t, e)
	ctx := context.Background()
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "wh", Payouts: []paypal.Payout{
		payout("ok", "ok@example.com", 2500, "USD"), payout("ret", "r+returned@example.com", 300, "JPY")}})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(2)
	types := map[string]int{}
	for _, d := range got() {
		if err := e.client.VerifyWebhook(ctx, d.header, d.body); err != nil {
			t.Fatalf("genuine delivery refused: %v", err)
		}
		ev, err := paypal.ParseEvent(d.body)
		if err != nil {
			t.Fatal(err)
		}
		types[ev.Type]++
		if ev.Item != nil && (ev.Item.BatchID != b.ID || ev.Item.Amount == 0) {
			t.Errorf("%s item %+v", ev.Type, ev.Item)
		}
		if ev.Batch != nil && ev.Batch.ID != b.ID {
			t.Errorf("%s batch %+v", ev.Type, ev.Batch)
		}
	}
	for _, want := range []string{"PAYMENT.PAYOUTSBATCH.PROCESSING", "PAYMENT.PAYOUTSBATCH.SUCCESS",
		"PAYMENT.PAYOUTS-ITEM.SUCCEEDED", "PAYMENT.PAYOUTS-ITEM.UNCLAIMED", "PAYMENT.PAYOUTS-ITEM.RETURNED"} {
		if types[want] != 1 {
			t.Errorf("%s delivered %d times, want once (all: %v)", want, types[want], types)
		}
	}
}

// The signature table: only the untouched delivery, for this webhook, in
// time, is accepted, whether PayPal's verify call or the local check
// (written from PayPal's description of the signature) decides.
func TestWebhookSignatureTable(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	got := receiver(t, e)
	ctx := context.Background()
	if _, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "sig",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 1000, "USD")}}); err != nil {
		t.Fatal(err)
	}
	e.settle(1)
	d := got()[0]
	other, err := paypal.New(paypal.Config{ClientID: sandbox.DefaultClientID, Secret: sandbox.DefaultSecret,
		BaseURL: e.url, WebhookID: "8PT597110X687430LKGECATA", Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	without := func(k string) http.Header { h := d.header.Clone(); h.Del(k); return h }
	with := func(k, v string) http.Header { h := d.header.Clone(); h.Set(k, v); return h }
	cases := []struct {
		name   string
		client *paypal.Client
		header http.Header
		body   []byte
		want   error
	}{
		{"valid", e.client, d.header, d.body, nil},
		{"amount changed", e.client, d.header, []byte(strings.Replace(string(d.body), `"10.00"`, `"99.00"`, 1)), paypal.ErrSignature},
		{"signature of another delivery", e.client, with(paypal.HeaderTransmissionSig, got()[1].header.Get(paypal.HeaderTransmissionSig)), d.body, paypal.ErrSignature},
		{"transmission id changed", e.client, with(paypal.HeaderTransmissionID, "tampered"), d.body, paypal.ErrSignature},
		{"transmission id malformed", e.client, with(paypal.HeaderTransmissionID, "12345"), d.body, paypal.ErrSignature},
		{"no signature", e.client, without(paypal.HeaderTransmissionSig), d.body, paypal.ErrSignature},
		{"empty cert url", e.client, with(paypal.HeaderCertURL, " "), d.body, paypal.ErrSignature},
		{"foreign cert url", e.client, with(paypal.HeaderCertURL, "https://evil.example/cert.pem"), d.body, paypal.ErrSignature},
		{"another webhook", other, d.header, d.body, paypal.ErrSignature},
		{"not JSON", e.client, d.header, []byte("not json"), paypal.ErrEvent},
		{"oversize", e.client, d.header, []byte(`{"x":"` + strings.Repeat("a", paypal.MaxWebhookBody) + `"}`), paypal.ErrEvent},
	}
	if !strings.Contains(string(d.body), `"10.00"`) {
		t.Fatalf("first delivery is not the item event: %s", d.body)
	}
	for _, c := range cases {
		for how, verify := range map[string]func(context.Context, http.Header, []byte) error{
			"by PayPal": c.client.VerifyWebhook, "locally": c.client.VerifyWebhookLocally} {
			if err := verify(ctx, c.header, c.body); !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
				t.Errorf("%s, verified %s: %v, want %v", c.name, how, err, c.want)
			}
		}
	}
}

// A delivery replayed verbatim verifies while fresh (its event id is the
// key that makes it a no-op) and is refused once older than PayPal's
// three days of retries.
func TestWebhookReplay(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	got := receiver(t, e)
	ctx := context.Background()
	if _, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "replay",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 1000, "USD")}}); err != nil {
		t.Fatal(err)
	}
	e.settle(1)
	e.sb.Redeliver(ctx, 0)
	all := got()
	first, replay := all[0], all[len(all)-1]
	ev1, _ := paypal.ParseEvent(first.body)
	ev2, _ := paypal.ParseEvent(replay.body)
	if err := e.client.VerifyWebhook(ctx, replay.header, replay.body); err != nil || ev1.ID != ev2.ID {
		t.Errorf("fresh replay: %v, ids %s/%s; want verified with the same event id", err, ev1.ID, ev2.ID)
	}
	e.clock.Add(paypal.DefaultWebhookMaxAge + time.Hour)
	if err := e.client.VerifyWebhook(ctx, replay.header, replay.body); !errors.Is(err, paypal.ErrStale) {
		t.Errorf("replay after three days: %v, want ErrStale", err)
	}
}

// A delivery not answered with a 2xx is tried again on the next tick as a
// new transmission of the same event, and that one verifies.
func TestWebhookRetriedAfterFailure(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var mu sync.Mutex
	var ok []received
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		ok = append(ok, received{r.Header.Clone(), b})
	}))
	t.Cleanup(srv.Close)
	e.sb.SetWebhookURL(srv.URL)
	ctx := context.Background()
	if _, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "retry",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 1000, "USD")}}); err != nil {
		t.Fatal(err)
	}
	e.settle(1)
	first := e.sb.Deliveries()[0]
	e.settle(1)
	var retried *received
	for i := range ok {
		if ev, _ := paypal.ParseEvent(ok[i].body); ev.ID == first.EventID {
			retried = &ok[i]
		}
	}
	if first.Status != 500 || retried == nil {
		t.Fatalf("first delivery %d, retried: %v", first.Status, retried != nil)
	}
	if retried.header.Get(paypal.HeaderTransmissionID) == first.Header.Get(paypal.HeaderTransmissionID) {
		t.Error("a retry is a new transmission")
	}
	if err := e.client.VerifyWebhook(ctx, retried.header, retried.body); err != nil {
		t.Errorf("retried delivery refused: %v", err)
	}
}

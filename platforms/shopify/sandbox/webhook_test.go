package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// receiver is the app's webhook endpoint in tests: it records every
// request and answers with status(n) for the n-th one (from 1).
type receiver struct {
	mu     sync.Mutex
	srv    *httptest.Server
	got    []received
	status func(n int) int
}

type received struct {
	Header http.Header
	Body   []byte
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	rc := &receiver{status: status}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		n := len(rc.got)
		rc.mu.Unlock()
		code := http.StatusOK
		if rc.status != nil {
			code = rc.status(n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) url() string { return rc.srv.URL + "/webhooks/shopify" }

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func (rc *receiver) topics() []string {
	var out []string
	for _, r := range rc.all() {
		out = append(out, r.Header.Get("X-Shopify-Topic"))
	}
	return out
}

// subscribe subscribes the receiver to topics the way the adapter does.
func (e *env) subscribe(t *testing.T, tok string, rc *receiver, topics ...string) {
	t.Helper()
	for _, topic := range topics {
		r := e.gql(t, tok, `mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
		  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
		    webhookSubscription { id topic uri } userErrors { field message } } }`,
			map[string]any{"topic": topicEnum(topic), "webhookSubscription": map[string]any{"uri": rc.url(), "format": "JSON"}})
		if dig(r.Data, "webhookSubscriptionCreate", "webhookSubscription", "uri") != rc.url() {
			t.Fatalf("subscribe %s: %s", topic, r.Raw)
		}
	}
}

// verify checks a delivery the way Shopify documents: the base64
// HMAC-SHA256 of the raw body with the app secret, in X-Shopify-Hmac-Sha256.
func verify(h http.Header, body []byte, secret string) bool {
	got, err := base64.StdEncoding.DecodeString(h.Get("X-Shopify-Hmac-Sha256"))
	if err != nil || len(got) != sha256.Size || len(body) == 0 {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func placeSimpleOrder(t *testing.T, sb *Sandbox) int64 {
	t.Helper()
	id, err := sb.PlaceOrder(testShop, OrderSpec{Email: "ann@example.com", Lines: []Line{{Title: "Mug", Price: "12.50", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A paid order reaches the subscribed app once, with Shopify's headers,
// signed so that the app secret verifies it and nothing else does.
func TestWebhookDeliverySignature(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, nil)
	e.subscribe(t, e.token(t), rc, "orders/paid")
	id := placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	got := rc.all()
	if len(got) != 1 {
		t.Fatalf("received %v, want one orders/paid (orders/create is not subscribed)", rc.topics())
	}
	h, body := got[0].Header, got[0].Body
	for k, want := range map[string]string{"X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": testShop,
		"X-Shopify-API-Version": APIVersion, "Content-Type": "application/json"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	for _, k := range []string{"X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"} {
		if h.Get(k) == "" {
			t.Errorf("%s missing", k)
		}
	}
	var o OrderPayload
	if err := json.Unmarshal(body, &o); err != nil || o.ID != id || o.SubtotalPrice != "25.00" {
		t.Errorf("body: %v %+v", err, o)
	}
	noHMAC := h.Clone()
	noHMAC.Del("X-Shopify-Hmac-Sha256")
	altered := append([]byte(nil), body...)
	altered[len(altered)-2] = ' '
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		secret string
		want   bool
	}{
		{"valid", h, body, testSecret, true},
		{"wrong secret", h, body, "another-secret", false},
		{"missing header", noHMAC, body, testSecret, false},
		{"altered body", h, altered, testSecret, false},
		{"empty body", h, nil, testSecret, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verify(tt.header, tt.body, tt.secret); got != tt.want {
				t.Errorf("verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// A receiver that fails is retried with the same webhook and event ids
// until it answers 2xx; every attempt is recorded.
func TestWebhookRetriesFailingReceiver(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e.subscribe(t, e.token(t), rc, "orders/paid")
	placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	got := rc.all()
	if len(got) != 3 {
		t.Fatalf("receiver saw %d attempts, want 3", len(got))
	}
	for _, r := range got[1:] {
		if r.Header.Get("X-Shopify-Webhook-Id") != got[0].Header.Get("X-Shopify-Webhook-Id") ||
			r.Header.Get("X-Shopify-Event-Id") != got[0].Header.Get("X-Shopify-Event-Id") {
			t.Error("a retry changed the webhook or event id")
		}
	}
	d := e.sb.Deliveries()
	if len(d) != 1 || !d[0].Delivered || len(d[0].Attempts) != 3 || d[0].Attempts[0].Status != 500 || d[0].Attempts[2].Status != 200 {
		t.Errorf("deliveries: %+v", d)
	}
}

func TestWebhookGivesUp(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAttempts = 3 })
	rc := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	e.subscribe(t, e.token(t), rc, "orders/paid")
	placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	d := e.sb.Deliveries()
	if len(rc.all()) != 3 || len(d) != 1 || d[0].Delivered || len(d[0].Attempts) != 3 {
		t.Errorf("after 3 failures: receiver saw %d, deliveries %+v", len(rc.all()), d)
	}
}

func TestWebhookUnreachableReceiver(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAttempts = 2 })
	rc := newReceiver(t, nil)
	e.subscribe(t, e.token(t), rc, "orders/paid")
	rc.srv.Close()
	placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	d := e.sb.Deliveries()
	if len(d) != 1 || d[0].Delivered || len(d[0].Attempts) != 2 || d[0].Attempts[0].Err == "" {
		t.Errorf("unreachable receiver: %+v", d)
	}
}

// Redeliver sends the same delivery again: same ids, same body, same
// signature, as a duplicate the app must absorb.
func TestRedeliverRepeatsTheDelivery(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, nil)
	e.subscribe(t, e.token(t), rc, "orders/paid")
	placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	if err := e.sb.Redeliver(e.sb.Deliveries()[0].ID); err != nil {
		t.Fatal(err)
	}
	e.sb.Wait()
	got := rc.all()
	if len(got) != 2 || string(got[0].Body) != string(got[1].Body) {
		t.Fatalf("redelivery: %d requests", len(got))
	}
	for _, k := range []string{"X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Hmac-Sha256"} {
		if got[0].Header.Get(k) != got[1].Header.Get(k) {
			t.Errorf("redelivery changed %s", k)
		}
	}
	if err := e.sb.Redeliver("no-such-id"); err == nil {
		t.Error("redelivering an unknown id succeeded")
	}
}

// Compliance topics come from the app's configuration: they reach the
// app's webhook route without any subscription; other topics do not.
func TestComplianceTopicsAlwaysDelivered(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) { o.AppURL = rc.srv.URL })
	placeSimpleOrder(t, e.sb)
	for _, f := range []func() error{
		func() error { return e.sb.RequestCustomerData(testShop, "ann@example.com") },
		func() error { return e.sb.RedactCustomer(testShop, "ann@example.com") },
		func() error { return e.sb.RedactShop(testShop) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	e.sb.Wait()
	got := rc.all()
	if len(got) != 3 {
		t.Fatalf("received %v, want the three compliance topics only", rc.topics())
	}
	var req DataRequestPayload
	if err := json.Unmarshal(got[0].Body, &req); err != nil || req.ShopDomain != testShop || req.Customer.Email != "ann@example.com" || len(req.OrdersRequested) != 1 {
		t.Errorf("customers/data_request: %s", got[0].Body)
	}
	var redact CustomerRedactPayload
	if err := json.Unmarshal(got[1].Body, &redact); err != nil || redact.Customer.ID != req.Customer.ID || len(redact.OrdersToRedact) != 1 {
		t.Errorf("customers/redact: %s", got[1].Body)
	}
	if got[2].Header.Get("X-Shopify-Topic") != "shop/redact" || !verify(got[2].Header, got[2].Body, testSecret) {
		t.Errorf("shop/redact: %v %s", got[2].Header, got[2].Body)
	}
}

// Uninstalling delivers app/uninstalled (the shop), revokes the tokens and
// drops the shop's subscriptions.
func TestUninstall(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, nil)
	tok := e.token(t)
	e.subscribe(t, tok, rc, "app/uninstalled", "orders/paid")
	if err := e.sb.Uninstall(testShop); err != nil {
		t.Fatal(err)
	}
	e.sb.Wait()
	got := rc.all()
	var shop ShopPayload
	if len(got) != 1 || json.Unmarshal(got[0].Body, &shop) != nil || shop.MyshopifyDomain != testShop {
		t.Fatalf("app/uninstalled: %v", rc.topics())
	}
	if r := e.gql(t, tok, `{ shop { name } }`, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("token after uninstall: %d, want 401", r.Status)
	}
	placeSimpleOrder(t, e.sb)
	e.sb.Wait()
	if len(rc.all()) != 1 {
		t.Errorf("an uninstalled app still gets orders: %v", rc.topics())
	}
	tok = e.token(t)
	if r := e.gql(t, tok, `{ webhookSubscriptions(first: 10) { nodes { id } } }`, nil); len(dig(r.Data, "webhookSubscriptions", "nodes").([]any)) != 0 {
		t.Errorf("subscriptions survived the uninstall: %s", r.Raw)
	}
}

// Discounts created, changed and deleted by the merchant, or created by
// the app, are announced on the discounts topics.
func TestDiscountWebhooks(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, nil)
	tok := e.token(t)
	e.subscribe(t, tok, rc, "discounts/create", "discounts/update", "discounts/delete")
	d, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "Spring", Codes: []string{"SPRING20"}, Kind: KindPercentage, Value: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.UpdateDiscount(testShop, d.ID, DiscountSpec{Title: "Spring", Codes: []string{"SPRING25"}, Kind: KindPercentage, Value: 2500}); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.DeleteDiscount(testShop, d.ID); err != nil {
		t.Fatal(err)
	}
	e.gql(t, tok, createMutation, createInput("APP10", map[string]any{"percentage": 0.1}))
	e.sb.Wait()
	got := rc.all()
	want := []string{"discounts/create", "discounts/update", "discounts/delete", "discounts/create"}
	if len(got) != len(want) {
		t.Fatalf("topics %v, want %v", rc.topics(), want)
	}
	byTopic := map[string]bool{}
	for _, r := range got {
		byTopic[r.Header.Get("X-Shopify-Topic")] = true
		var p map[string]any
		if json.Unmarshal(r.Body, &p) != nil || p["admin_graphql_api_id"] == nil {
			t.Errorf("%s body %s", r.Header.Get("X-Shopify-Topic"), r.Body)
		}
	}
	for _, w := range want {
		if !byTopic[w] {
			t.Errorf("no %s delivery: %v", w, rc.topics())
		}
	}
	if string(got[0].Body) == "" || got[2].Header.Get("X-Shopify-Topic") != "discounts/delete" {
		t.Errorf("order of merchant deliveries: %v", rc.topics())
	}
}

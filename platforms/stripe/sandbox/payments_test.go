package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"codecredit/platforms/stripe/sandbox"
)

// inbox is an app endpoint that checks each delivery's signature and keeps
// the events.
type inbox struct {
	mu     sync.Mutex
	secret string
	w      *world
	events []map[string]any
	ids    []string
}

func (in *inbox) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Stripe-Signature") != sandbox.Sign(in.w.clock.Now(), body, in.secret) {
		rw.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev map[string]any
	_ = json.Unmarshal(body, &ev)
	in.mu.Lock()
	in.events = append(in.events, ev)
	in.ids = append(in.ids, ev["id"].(string))
	in.mu.Unlock()
}

// object is the n-th event's type and data.object.
func (in *inbox) object(n int) (string, map[string]any) {
	in.mu.Lock()
	defer in.mu.Unlock()
	ev := in.events[n]
	return ev["type"].(string), ev["data"].(map[string]any)["object"].(map[string]any)
}

// listen registers an endpoint for every event on the world's account.
func listen(t *testing.T, w *world) *inbox {
	t.Helper()
	in := &inbox{w: w}
	app := httptest.NewServer(in)
	t.Cleanup(app.Close)
	status, out := w.call(http.MethodPost, "/v1/webhook_endpoints", w.key, url.Values{"url": {app.URL + "/webhooks/stripe?c=" + w.account},
		"enabled_events[]": {"*"}})
	if status != 200 {
		t.Fatalf("endpoint: %d %v", status, out)
	}
	in.secret = out["secret"].(string)
	return in
}

func coupon(t *testing.T, w *world, id string, extra url.Values) {
	t.Helper()
	form := url.Values{"id": {id}, "percent_off": {"20"}}
	for k, v := range extra {
		form[k] = v
	}
	if status, out := w.call(http.MethodPost, "/v1/coupons", w.key, form); status != 200 {
		t.Fatalf("coupon: %d %v", status, out)
	}
	if status, out := w.call(http.MethodPost, "/v1/promotion_codes", w.key, url.Values{"code": {id},
		"promotion[type]": {"coupon"}, "promotion[coupon]": {id}}); status != 200 {
		t.Fatalf("code: %d %v", status, out)
	}
}

func TestCheckoutAndRefundEvents(t *testing.T) {
	w := newWorld(t)
	in := listen(t, w)
	coupon(t, w, "TWENTY", url.Values{"duration": {"once"}})
	w.sb.SetTax(w.account, 1000)
	pay, err := w.sb.Checkout(w.account, "twenty", 5000, "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	typ, s := in.object(0)
	details := s["total_details"].(map[string]any)
	if typ != "checkout.session.completed" || s["payment_intent"] != pay.PaymentIntentID || s["amount_subtotal"] != 5000.0 ||
		details["amount_discount"] != 1000.0 || details["amount_tax"] != 400.0 || s["amount_total"] != 4400.0 || pay.Total != 4400 {
		t.Fatalf("session %s: %v", typ, s)
	}
	if _, err := w.sb.Refund(pay.PaymentIntentID, 4401); err == nil {
		t.Fatal("refunded more than was charged")
	}
	if _, err := w.sb.Refund(pay.PaymentIntentID, 1000); err != nil {
		t.Fatal(err)
	}
	typ, r := in.object(1)
	if typ != "refund.created" || r["amount"] != 1000.0 || r["payment_intent"] != pay.PaymentIntentID || r["status"] != "succeeded" {
		t.Fatalf("refund %s: %v", typ, r)
	}
	typ, c := in.object(2)
	if typ != "charge.refunded" || c["amount_refunded"] != 1000.0 || c["refunded"] != false || c["refunds"] != nil {
		t.Fatalf("charge %s: %v", typ, c)
	}
	if err := w.sb.Redeliver(pay.EventID); err != nil {
		t.Fatal(err)
	}
	if in.ids[3] != in.ids[0] {
		t.Fatalf("a redelivery repeats the event id: %v", in.ids)
	}
	for _, d := range w.sb.Deliveries() {
		if d.Status != 200 {
			t.Fatalf("delivery %+v", d)
		}
	}
}

// The coupon's duration decides which invoices it discounts.
func TestSubscriptionCouponDurations(t *testing.T) {
	tests := []struct {
		name      string
		duration  url.Values
		discounts []float64 // of the first four invoices
	}{
		{"once", url.Values{"duration": {"once"}}, []float64{400, 0, 0, 0}},
		{"repeating 2 months", url.Values{"duration": {"repeating"}, "duration_in_months": {"2"}}, []float64{400, 400, 0, 0}},
		{"forever", url.Values{"duration": {"forever"}}, []float64{400, 400, 400, 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			in := listen(t, w)
			coupon(t, w, "SUB20", tt.duration)
			sub, err := w.sb.Subscribe(w.account, "SUB20", 2000, "usd")
			if err != nil {
				t.Fatal(err)
			}
			var got []float64
			var periods []float64
			for i := 0; i < 4; i++ {
				if i > 0 {
					if _, err := w.sb.Renew(sub.SubscriptionID); err != nil {
						t.Fatal(err)
					}
				}
				n := len(in.events) - 1
				if i == 0 {
					n = 0 // invoice.paid comes before the session
				}
				typ, inv := in.object(n)
				if typ != "invoice.paid" {
					t.Fatalf("event %d is %s", n, typ)
				}
				var d float64
				for _, a := range inv["total_discount_amounts"].([]any) {
					d += a.(map[string]any)["amount"].(float64)
				}
				got = append(got, d)
				periods = append(periods, inv["period_start"].(float64))
				parent := inv["parent"].(map[string]any)["subscription_details"].(map[string]any)
				if parent["subscription"] != sub.SubscriptionID {
					t.Fatalf("invoice names %v", parent)
				}
			}
			if len(got) != 4 || got[0] != tt.discounts[0] || got[1] != tt.discounts[1] || got[2] != tt.discounts[2] || got[3] != tt.discounts[3] {
				t.Fatalf("discounts %v, want %v", got, tt.discounts)
			}
			if periods[1]-periods[0] < 28*86400 || periods[1]-periods[0] > 31*86400 {
				t.Fatalf("a renewal is a month later: %v", periods)
			}
		})
	}
}

func TestControlHandler(t *testing.T) {
	w := newWorld(t)
	in := listen(t, w)
	coupon(t, w, "DEMO10", url.Values{"duration": {"once"}})
	post := controlClient(t, w)
	status, out := post("/checkout", `{"account":"`+w.account+`","code":"DEMO10","amount":1000,"currency":"usd","email":"a@b.c"}`)
	pay, _ := out["result"].(map[string]any)
	if status != 200 || pay["PaymentIntentID"] == "" || out["delivery_error"] != nil || len(in.events) != 1 {
		t.Fatalf("checkout: %d %v", status, out)
	}
	status, out = post("/refund", `{"payment_intent":"`+pay["PaymentIntentID"].(string)+`","amount":100}`)
	if status != 200 || len(in.events) != 3 {
		t.Fatalf("refund: %d %v", status, out)
	}
	if status, out = post("/refund", `{"payment_intent":"pi_nope","amount":100}`); status != 400 {
		t.Fatalf("unknown payment: %d %v", status, out)
	}
}

// controlClient posts JSON to the world's control API and decodes the answer.
func controlClient(t *testing.T, w *world) func(path, body string) (int, map[string]any) {
	ctl := httptest.NewServer(w.sb.ControlHandler())
	t.Cleanup(ctl.Close)
	return func(path, body string) (int, map[string]any) {
		res, err := http.Post(ctl.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
}

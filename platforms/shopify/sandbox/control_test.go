package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func (e *env) control(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.srv.URL+"/_sandbox"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// The control API plays merchant and customer over HTTP, as the demo page
// and the browser tests do.
func TestControlAPI(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) {
		o.AppURL = rc.srv.URL
		o.AppTopics = []string{"orders/paid", "refunds/create", "orders/cancelled"}
	})
	if status, out := e.control(t, "POST", "/shops", map[string]any{"domain": "second", "currency": "EUR", "codes": 20}); status != 201 || out["myshopify_domain"] != "second.myshopify.com" {
		t.Fatalf("add shop: %d %v", status, out)
	}
	status, out := e.control(t, "POST", "/shops/"+testShop+"/discounts", DiscountSpec{Title: "Ann", Codes: []string{"ANN10"}, Kind: KindPercentage, Value: 1000})
	if status != 201 {
		t.Fatalf("create discount: %d %v", status, out)
	}
	status, out = e.control(t, "POST", "/shops/"+testShop+"/orders", map[string]any{"codes": []string{"ann10"}, "email": "b@example.com",
		"shipping": "4.99", "tax_rate": 800, "lines": []map[string]any{{"title": "Mug", "price": "25.00", "quantity": 2}, {"title": "Poster", "price": "50.00", "quantity": 1}}})
	orderID, _ := out["order_id"].(float64)
	if status != 201 || orderID == 0 {
		t.Fatalf("place order: %d %v", status, out)
	}
	id := strconv.FormatInt(int64(orderID), 10)
	if status, out := e.control(t, "POST", "/shops/"+testShop+"/orders/"+id+"/refunds", map[string]any{"lines": []map[string]any{{"index": 1, "quantity": 1}}}); status != 201 {
		t.Fatalf("refund: %d %v", status, out)
	}
	if status, _ := e.control(t, "POST", "/shops/"+testShop+"/orders/"+id+"/cancel", nil); status != 200 {
		t.Fatalf("cancel: %d", status)
	}
	e.sb.Wait()
	if got := strings.Join(rc.topics(), " "); got != "orders/paid refunds/create refunds/create orders/cancelled" {
		t.Errorf("app received %q", got)
	}
	o, _ := e.sb.Order(testShop, int64(orderID))
	if o.SubtotalPrice != "90.00" || string(o.Refunds[0].RefundLineItems[0].Subtotal) != "45.00" {
		t.Errorf("order subtotal %s, first refund %s; want 90.00 and 45.00", o.SubtotalPrice, o.Refunds[0].RefundLineItems[0].Subtotal)
	}
	tests := []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", "/shops/nope.myshopify.com/orders", map[string]any{"lines": []map[string]any{{"price": "1", "quantity": 1}}}, 404},
		{"POST", "/shops/" + testShop + "/orders", map[string]any{"codes": []string{"NOPE"}, "lines": []map[string]any{{"price": "1", "quantity": 1}}}, 422},
		{"POST", "/shops/" + testShop + "/orders/" + id + "/cancel", nil, 422},
		{"POST", "/shops/" + testShop + "/orders/123/refunds", map[string]any{"lines": []map[string]any{{"quantity": 1}}}, 404},
		{"GET", "/shops/" + testShop + "/orders/" + id, nil, 200},
		{"GET", "/shops/" + testShop + "/discounts", nil, 200},
		{"GET", "/deliveries", nil, 200},
		{"POST", "/shops/" + testShop + "/customers/data_request", map[string]any{"email": "b@example.com"}, 200},
		{"POST", "/deliveries/nope/redeliver", nil, 404},
	}
	for _, tt := range tests {
		if status, out := e.control(t, tt.method, tt.path, tt.body); status != tt.want {
			t.Errorf("%s %s: %d %v, want %d", tt.method, tt.path, status, out, tt.want)
		}
	}
	status, out = e.control(t, "POST", "/shops/"+testShop+"/session_token", map[string]any{"ttl_seconds": 60})
	tok, _ := out["token"].(string)
	var exchanged tokenResponse
	if status != 200 || e.postForm(t, exchangeForm(tok), &exchanged) != 200 || exchanged.AccessToken == "" {
		t.Errorf("session token from the control API does not exchange: %d %v", status, out)
	}
	e.clock.Advance(2 * time.Minute)
	if e.postForm(t, exchangeForm(tok), nil) != http.StatusBadRequest {
		t.Error("an expired session token was exchanged")
	}
	resp, err := http.Get(e.srv.URL + "/_sandbox/")
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("control page: %v %v", resp, err)
	}
}

package sandbox

import (
	"encoding/json"
	"strconv"
	"testing"
)

// The control API opens a dispute on an order and moves it to won or
// lost, delivering signed disputes/create and disputes/update with the
// order's amount; bad requests change nothing.
func TestControlDisputes(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, func(o *Options) {
		o.AppURL = rc.srv.URL
		o.AppTopics = []string{"disputes/create", "disputes/update"}
	})
	status, out := e.control(t, "POST", "/shops/"+testShop+"/orders", map[string]any{"email": "b@example.com",
		"lines": []map[string]any{{"title": "Mug", "price": "25.00", "quantity": 2}}})
	orderID, _ := out["order_id"].(float64)
	if status != 201 || orderID == 0 {
		t.Fatalf("place order: %d %v", status, out)
	}
	id := strconv.FormatInt(int64(orderID), 10)
	base := "/shops/" + testShop
	for _, bad := range []struct {
		path string
		body any
		want int
	}{
		{base + "/orders/999/disputes", nil, 404},
		{base + "/orders/" + id + "/disputes", map[string]any{"type": "complaint"}, 422},
		{base + "/orders/" + id + "/disputes", map[string]any{"amount": "-1.00"}, 422},
		{base + "/disputes/999", map[string]any{"status": "won"}, 404},
	} {
		if status, out := e.control(t, "POST", bad.path, bad.body); status != bad.want {
			t.Errorf("POST %s %v: %d %v, want %d", bad.path, bad.body, status, out, bad.want)
		}
	}
	status, out = e.control(t, "POST", base+"/orders/"+id+"/disputes", nil)
	did, _ := out["dispute_id"].(float64)
	if status != 201 || did == 0 {
		t.Fatalf("open dispute: %d %v", status, out)
	}
	dp := base + "/disputes/" + strconv.FormatInt(int64(did), 10)
	if status, out := e.control(t, "POST", dp, map[string]any{"status": "maybe"}); status != 422 {
		t.Fatalf("unknown status: %d %v", status, out)
	}
	if status, out := e.control(t, "POST", dp, map[string]any{"status": "lost"}); status != 200 {
		t.Fatalf("lose dispute: %d %v", status, out)
	}
	if status, _ := e.control(t, "POST", dp, map[string]any{"status": "won"}); status != 422 {
		t.Fatalf("a lost dispute was won afterwards: %d", status)
	}
	e.sb.Wait()
	got := rc.all()
	if len(got) != 2 || got[0].Header.Get("X-Shopify-Topic") != "disputes/create" || got[1].Header.Get("X-Shopify-Topic") != "disputes/update" {
		t.Fatalf("app received %v", rc.topics())
	}
	for _, r := range got {
		if r.Header.Get("X-Shopify-Hmac-Sha256") != WebhookHMAC(r.Body, e.sb.opts.APISecret) || r.Header.Get("X-Shopify-Event-Id") == "" {
			t.Fatalf("unsigned delivery %v", r.Header)
		}
	}
	var p DisputePayload
	if err := json.Unmarshal(got[1].Body, &p); err != nil || p.OrderID != int64(orderID) || p.Type != "chargeback" ||
		p.Amount != "50.00" || p.Currency != "USD" || p.Status != "lost" || p.FinalizedOn == nil || p.InitiatedAt == "" {
		t.Fatalf("dispute payload %+v, %v", p, err)
	}
}

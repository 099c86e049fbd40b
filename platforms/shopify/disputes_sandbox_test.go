package shopify_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// disputeRig is a rig whose adapter delivers to a receiver, installed and
// subscribed, with one paid order of 108.00 USD.
func disputeRig(t *testing.T) (*rig, *receiver, int64) {
	t.Helper()
	r := newRig(t, "USD")
	rc := &receiver{a: r.a, events: map[string][]platforms.Event{}, ids: map[string]bool{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	r.sb.SetAppURL(srv.URL)
	conn := r.install(t)
	if n, err := r.a.EnsureWebhooks(context.Background(), conn, shopify.Topics, srv.URL+"/webhooks/shopify"); err != nil || n != len(shopify.Topics) {
		t.Fatalf("EnsureWebhooks = %d, %v; want every topic, the disputes too", n, err)
	}
	id, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Email: "dana@example.com",
		Lines: []sandbox.Line{{Title: "Helmet", Price: "54.00", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	return r, rc, id
}

// A chargeback opened on an order reaches the app as a refund of its money
// under "dispute:<id>"; won, it is a refund undone.
func TestSandboxChargebackWonDeliversAndParses(t *testing.T) {
	r, rc, order := disputeRig(t)
	dp, err := r.sb.OpenDispute(shopName, order, sandbox.DisputeSpec{})
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	ref := "dispute:" + strconv.FormatInt(dp, 10)
	e := rc.only(t, shopify.TopicDisputesCreate)
	if e.Kind != platforms.KindOrderRefunded || e.Refund.ExternalID != ref || e.Refund.OrderExternalID != strconv.FormatInt(order, 10) ||
		e.Refund.Amount != 10800 || e.Refund.Currency != "USD" || e.Refund.Subtotal != 0 {
		t.Fatalf("chargeback %+v %+v; want 108.00 USD of money taken back", e, e.Refund)
	}
	if err := r.sb.UpdateDispute(shopName, dp, sandbox.DisputeUpdate{Status: "won"}); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	rc.mu.Lock()
	won := rc.events[shopify.TopicDisputesUpdate]
	rc.mu.Unlock()
	if len(won) != 2 || won[0].Kind != platforms.KindOrderRefunded || won[0].Refund.ExternalID != ref ||
		won[1].Kind != platforms.KindRefundUndone || won[1].Refund.ExternalID != ref || won[1].Refund.Reason != "dispute won" {
		t.Fatalf("won %+v; want the take-back repeated, then undone", won)
	}
	if err := r.sb.UpdateDispute(shopName, dp, sandbox.DisputeUpdate{Status: "lost"}); err == nil {
		t.Fatal("a won dispute was lost afterwards")
	}
}

// An inquiry moves no money: it gives no event, until it turns into a
// chargeback.
func TestSandboxInquiryTakesNothing(t *testing.T) {
	r, rc, order := disputeRig(t)
	dp, err := r.sb.OpenDispute(shopName, order, sandbox.DisputeSpec{Type: "inquiry", Amount: "54.00"})
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	rc.mu.Lock()
	n := len(rc.events[shopify.TopicDisputesCreate])
	rc.mu.Unlock()
	if n != 0 {
		t.Fatalf("inquiry gave %d events", n)
	}
	if err := r.sb.UpdateDispute(shopName, dp, sandbox.DisputeUpdate{Type: "chargeback"}); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	if e := rc.only(t, shopify.TopicDisputesUpdate); e.Kind != platforms.KindOrderRefunded || e.Refund.Amount != 5400 {
		t.Fatalf("escalated %+v %+v", e, e.Refund)
	}
}

// A shop where the merchant did not grant the disputes scope installs
// with every other topic; Shopify refusing the subscription (the scope
// not recorded, so it is tried) does not fail the install either.
func TestDisputeTopicsWithoutTheScope(t *testing.T) {
	r := newRig(t, "USD")
	r.a = shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: r.base, Clock: r.clock.Now, Scopes: []string{"read_orders", "read_discounts", "write_discounts"}})
	rc := &receiver{a: r.a, events: map[string][]platforms.Event{}, ids: map[string]bool{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	r.sb.SetAppURL(srv.URL)
	hook := srv.URL + "/webhooks/shopify"
	ctx := context.Background()
	conn := r.install(t)
	if n, err := r.a.EnsureWebhooks(ctx, conn, shopify.Topics, hook); err != nil || n != len(shopify.Topics)-2 {
		t.Fatalf("EnsureWebhooks = %d, %v; want all but the two dispute topics", n, err)
	}
	delete(conn.Credentials, shopify.CredScope)
	if n, err := r.a.EnsureWebhooks(ctx, conn, shopify.Topics, hook); err != nil || n != 0 {
		t.Fatalf("EnsureWebhooks with the refusal = %d, %v; want 0 and no error", n, err)
	}
	id, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Lines: []sandbox.Line{{Title: "Bell", Price: "20.00", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.sb.OpenDispute(shopName, id, sandbox.DisputeSpec{}); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	for _, d := range r.sb.Deliveries() {
		if d.Topic == shopify.TopicDisputesCreate {
			t.Fatalf("disputes/create delivered without a subscription: %+v", d)
		}
	}
}

package shopify_test

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// receiver verifies and parses deliveries as the app's webhook route does.
type receiver struct {
	a      *shopify.Adapter
	mu     sync.Mutex
	events map[string][]platforms.Event // by topic
	ids    map[string]bool
	bad    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	src, err := rc.a.WebhookSource(r, body)
	if err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	wh, err := rc.a.VerifyWebhook(r.Header, body, []byte(apiSecret), rc.a.Now())
	if err != nil || wh.Source != src {
		rc.bad = append(rc.bad, "verify: "+err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.ids[wh.EventID] {
		return // a redelivery: already stored
	}
	rc.ids[wh.EventID] = true
	evs, err := rc.a.ParseWebhook(wh.Topic, body)
	if err != nil {
		rc.bad = append(rc.bad, wh.Topic+": "+err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.events[wh.Topic] = append(rc.events[wh.Topic], evs...)
}

func (rc *receiver) only(t *testing.T, topic string) platforms.Event {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bad) > 0 {
		t.Fatalf("refused deliveries: %q", rc.bad)
	}
	if len(rc.events[topic]) != 1 {
		t.Fatalf("%s: %d events, want 1 (all: %v)", topic, len(rc.events[topic]), rc.events)
	}
	return rc.events[topic][0]
}

// The sandbox's deliveries verify and parse; the amounts are the shop's,
// after discounts and before tax and shipping.
func TestSandboxDeliveriesParse(t *testing.T) {
	r := newRig(t, "USD")
	rc := r.listen(t)
	d, err := r.sb.CreateDiscount(shopName, sandbox.DiscountSpec{Title: "Ten", Codes: []string{"SAVE10"},
		Kind: sandbox.KindPercentage, Value: 1000})
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Codes: []string{"save10"}, Email: "carol@example.com",
		FirstName: "Carol", LastName: "Buyer", Currency: "EUR", ExchangeRate: "0.92", Shipping: "5.00", TaxRate: 800,
		Lines: []sandbox.Line{{Title: "Helmet", Price: "50.00", Quantity: 2}, {Title: "Bell", Price: "20.00", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	o := rc.only(t, shopify.TopicOrdersPaid).Order
	if o.ExternalID != strconv.FormatInt(id, 10) || o.Currency != "USD" || o.Subtotal != 10800 || o.Discount != 1200 ||
		len(o.Codes) != 1 || o.Codes[0] != "SAVE10" && o.Codes[0] != "save10" || o.CustomerEmail != "carol@example.com" {
		t.Fatalf("order %+v; want 108.00 USD after the 10%% code", o)
	}
	if _, err := r.sb.Refund(shopName, id, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Index: 0, Quantity: 1}}, Shipping: true}); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	if rf := rc.only(t, shopify.TopicRefundsCreate).Refund; rf.OrderExternalID != o.ExternalID || rf.Subtotal != 4500 || rf.Currency != "USD" {
		t.Fatalf("refund %+v; want 45.00 USD (one helmet after discount, no shipping)", rf)
	}
	if err := r.sb.Cancel(shopName, id); err != nil {
		t.Fatal(err)
	}
	if err := r.sb.DeleteDiscount(shopName, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.sb.RedactCustomer(shopName, "carol@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := r.sb.Uninstall(shopName); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	if c := rc.only(t, shopify.TopicOrdersCancelled).Refund; !c.Full || c.OrderExternalID != o.ExternalID {
		t.Fatalf("cancellation %+v", c)
	}
	if ch := rc.only(t, shopify.TopicDiscountsDelete).Code; !ch.Deleted || ch.PlatformID != "gid://shopify/DiscountCodeNode/"+strconv.FormatInt(d.ID, 10) {
		t.Fatalf("discount deletion %+v", ch)
	}
	if p := rc.only(t, shopify.TopicCustomersRedact).Privacy; p.Action != shopify.PrivacyCustomerRedact || p.CustomerEmail != "carol@example.com" {
		t.Fatalf("redaction %+v", p)
	}
	if e := rc.only(t, shopify.TopicAppUninstalled); e.Kind != platforms.KindAppUninstalled {
		t.Fatalf("uninstall %+v", e)
	}
}

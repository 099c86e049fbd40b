package shopify_test

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// An order of several products (one of them twice, in two variants), a
// fixed-amount code spread over the lines, tax and shipping goes from the
// sandbox's checkout through a signed orders/paid to the adapter's lines;
// a partial refund of one line comes back as that line's refund.
func TestSandboxOrderLines(t *testing.T) {
	r := newRig(t, "USD")
	rc := r.listen(t)
	if _, err := r.sb.CreateDiscount(shopName, sandbox.DiscountSpec{Title: "Ten off", Codes: []string{"TENOFF"},
		Kind: sandbox.KindFixedAmount, Value: 1000}); err != nil {
		t.Fatal(err)
	}
	id, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Codes: []string{"TENOFF"}, Shipping: "5.00", TaxRate: 800,
		Currency: "EUR", ExchangeRate: "0.92", Lines: []sandbox.Line{
			{ProductID: 1001, VariantID: 2001, Title: "Helmet - M", SKU: "HELMET-M", Price: "49.99", Quantity: 2},
			{ProductID: 1002, VariantID: 2002, Title: "Bell", SKU: "BELL", Price: "12.50", Quantity: 1},
			{ProductID: 1001, VariantID: 2003, Title: "Helmet - L", SKU: "HELMET-L", Price: "49.99", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	o := rc.only(t, shopify.TopicOrdersPaid).Order
	p, err := r.sb.Order(shopName, id)
	if err != nil {
		t.Fatal(err)
	}
	lid := func(i int) string { return strconv.FormatInt(p.LineItems[i].ID, 10) }
	// 10.00 across 99.98, 12.50 and 49.99 (162.47): 6.1537…, 0.7693… and
	// 3.0768…; 6.15 + 0.76 + 3.07 = 9.98, the two cents left to the largest
	// remainders (0.76…, then 3.07…): 6.15, 0.77, 3.08. Nets 93.83, 11.73
	// and 46.91: 152.47. Tax 8 % of each net, half to even: 7.5064 → 7.51,
	// 0.9384 → 0.94, 3.7528 → 3.75: 12.20. Shipping 5.00, untaxed.
	want := []platforms.OrderLine{
		{ID: lid(0), ProductID: "1001", VariantID: "2001", SKU: "HELMET-M", Title: "Helmet - M", Quantity: 2, UnitPrice: 4999, Discount: 615, Tax: 751},
		{ID: lid(1), ProductID: "1002", VariantID: "2002", SKU: "BELL", Title: "Bell", Quantity: 1, UnitPrice: 1250, Discount: 77, Tax: 94},
		{ID: lid(2), ProductID: "1001", VariantID: "2003", SKU: "HELMET-L", Title: "Helmet - L", Quantity: 1, UnitPrice: 4999, Discount: 308, Tax: 375},
	}
	if !reflect.DeepEqual(o.Lines, want) {
		t.Fatalf("lines\n got %+v\nwant %+v", o.Lines, want)
	}
	if o.Subtotal != 15247 || o.Discount != 1000 || o.Shipping != 500 || o.Tax != 1220 || o.TaxesIncluded {
		t.Fatalf("order %+v; want subtotal 152.47, discount 10.00, shipping 5.00, tax 12.20", o)
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.Net(o.TaxesIncluded)
	}
	if err := platforms.CheckLines(o.Lines); err != nil || sum != o.Subtotal {
		t.Fatalf("CheckLines: %v; nets sum to %d, subtotal %d", err, sum, o.Subtotal)
	}
	// One of the two medium helmets back: half of 93.83 is 46.915, half to
	// even 46.92 (the other one will take 46.91).
	if _, err := r.sb.Refund(shopName, id, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{LineItemID: p.LineItems[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	r.sb.Wait()
	rf := rc.only(t, shopify.TopicRefundsCreate).Refund
	if wantLines := []platforms.RefundLine{{LineID: lid(0), Quantity: 1, Subtotal: 4692}}; rf.Subtotal != 4692 || !reflect.DeepEqual(rf.Lines, wantLines) {
		t.Fatalf("refund %+v; want one unit of line %s, 46.92", rf, lid(0))
	}
}

// listen installs the app on the rig's shop, its webhooks delivered to a
// receiver that verifies and parses them.
func (r *rig) listen(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{a: r.a, events: map[string][]platforms.Event{}, ids: map[string]bool{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	r.sb.SetAppURL(srv.URL)
	if _, err := r.a.EnsureWebhooks(context.Background(), r.install(t), shopify.Topics, srv.URL+"/webhooks/shopify"); err != nil {
		t.Fatal(err)
	}
	return rc
}

package jobs_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"codecredit/models/testdb"
	"codecredit/platforms/woocommerce/sandbox"
)

// A refund of one line with the shipping, delivered by webhook, reverses
// the commission of that line only: the worker reads the refund objects
// (line items, shipping lines, tax) from the store, since the webhook's
// refunds[] entry gives only the total.
// Refund shape: https://developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/
func TestWooCommerceRefundWithShippingReversesGoodsOnly(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	sb := sandbox.New(sandbox.Options{})
	sbServer := httptest.NewServer(sb)
	defer sbServer.Close()
	w := newWooStore(t, s, wooApp(t, s, sbServer.URL), sbServer.URL+"/shop", sb)

	// 50.00 + 20.00 less 10% = 63.00 of goods, 6.30 commission.
	o, err := w.shop.PlaceOrder([]string{"ANNA10"}, []sandbox.Line{{Name: "Jacket", Quantity: 1, Price: 5000},
		{Name: "Belt", Quantity: 1, Price: 2000}}, "", "dot@example.com")
	if err != nil {
		t.Fatal(err)
	}
	id := idOf(o.ID)
	eventually(t, "order booked", func() bool { return w.conversions(t)[id].Commission == 630 })
	// The jacket (45.00 + 4.50 tax) and the shipping (5.00 + 0.50 tax): 55.00 given back.
	if _, err := w.shop.Refund(o.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}, Shipping: true}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "refund booked", func() bool { return w.conversions(t)[id].RefundedSubtotal != 0 })
	if c := w.conversions(t)[id]; c.RefundedSubtotal != 4500 || c.ReversedCommission != 450 {
		t.Fatalf("refunded %d of goods, reversed %d; want 4500 and 450", c.RefundedSubtotal, c.ReversedCommission)
	}
	bal, err := s.Balances(ctx, w.account.ID, w.anna.ID)
	if err != nil || len(bal) != 1 || bal[0].Pending != 630-450 {
		t.Fatalf("Anna's balance %+v %v, want 180 pending", bal, err)
	}
}

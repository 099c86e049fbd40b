package woocommerce_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// linesCase is a sandbox store, a coupon, an order of two products and
// the refund of one unit of its first line, with what the adapter must
// make of them, worked out by hand.
type linesCase struct {
	store  sandbox.StoreConfig
	coupon sandbox.Coupon
	lines  []sandbox.Line
	// want has the lines' ids empty: they are the store's, filled in.
	want       platforms.Order
	refundLine platforms.RefundLine
}

// Sandbox → signed order.created → adapter: every line's fields, the
// order's shipping and tax, and the lines adding up to the subtotal; then
// one unit of the first line refunded → order.updated, enriched with the
// refund objects → the refund's line.
func TestOrderLinesFlow(t *testing.T) {
	tees := sandbox.Line{Name: "Tee", Quantity: 3, Price: 1999, ProductID: 201, VariationID: 202, SKU: "TEE-M"}
	mug := sandbox.Line{Name: "Mug", Quantity: 1, Price: 1250, ProductID: 301, SKU: "MUG"}
	tests := map[string]linesCase{
		// Prices without tax, 10% tax, 5.00 shipping, 10.00 off the cart.
		// Tees 3 × 19.99 = 59.97, mug 12.50: 72.47. The coupon is spread
		// in proportion: 10.00 × 59.97 / 72.47 = 8.275 → 8.28 on the tees,
		// the rest, 1.72, on the mug (the last line takes the rounding).
		// Tees 59.97 - 8.28 = 51.69, tax 5.169 → 5.17; mug 12.50 - 1.72 =
		// 10.78, tax 1.078 → 1.08. Subtotal 51.69 + 10.78 = 62.47, tax
		// 6.25; total 62.47 + 6.25 + 5.00 + 0.50 = 74.22.
		// One tee back: 51.69 / 3 = 17.23 of goods (its tax 1.72).
		"prices without tax": {
			store:  sandbox.StoreConfig{URL: "/shop", Currency: "USD", TaxRate: 1000, Shipping: 500},
			coupon: sandbox.Coupon{Code: "SPREAD10", DiscountType: "fixed_cart", Amount: 1000},
			lines:  []sandbox.Line{tees, mug},
			want: platforms.Order{Currency: "USD", Codes: []string{"spread10"}, Subtotal: 6247, Discount: 1000,
				Total: 7422, Shipping: 500, Tax: 625, Lines: []platforms.OrderLine{
					{ProductID: "201", VariantID: "202", SKU: "TEE-M", Title: "Tee", Quantity: 3, UnitPrice: 1999, Discount: 828, Tax: 517},
					{ProductID: "301", SKU: "MUG", Title: "Mug", Quantity: 1, UnitPrice: 1250, Discount: 172, Tax: 108}}},
			refundLine: platforms.RefundLine{Quantity: 1, Subtotal: 1723},
		},
		// Prices with 20% tax in them, 10% off each line, 5.00 shipping
		// (1.00 of tax on it). Tees 3 × 10.00 = 30.00 less 3.00 = 27.00,
		// of which tax 27.00 / 6 = 4.50: total 22.50 (subtotal 25.00 +
		// 5.00 of tax). Mug 19.99 less 2.00 (1.999) = 17.99, tax 17.99 / 6
		// = 2.998 → 3.00: total 14.99 (subtotal 16.66 + 3.33). Listed with
		// tax: tees 10.00 each, 3.00 off; mug 19.99, 19.99 - 14.99 - 3.00
		// = 2.00 off. Subtotal 22.50 + 14.99 = 37.49, tax 7.50; total
		// 37.49 + 7.50 + 5.00 + 1.00 = 50.99; discount_total (without
		// tax) 5.00 - 5.00 / 6 = 5.00 - 0.83 = 4.17.
		// One tee back: 22.50 / 3 = 7.50 of goods (its tax 1.50).
		"prices with tax": {
			store:  sandbox.StoreConfig{URL: "/boutique", Currency: "EUR", TaxRate: 2000, Shipping: 500, PricesIncludeTax: true},
			coupon: sandbox.Coupon{Code: "TEN", DiscountType: "percent", Amount: 1000},
			lines:  []sandbox.Line{{Name: "Tee", Quantity: 3, Price: 1000, ProductID: 201, VariationID: 202, SKU: "TEE-M"}, {Name: "Mug", Quantity: 1, Price: 1999, ProductID: 301, SKU: "MUG"}},
			want: platforms.Order{Currency: "EUR", Codes: []string{"ten"}, Subtotal: 3749, Discount: 417,
				Total: 5099, Shipping: 500, Tax: 750, TaxesIncluded: true, Lines: []platforms.OrderLine{
					{ProductID: "201", VariantID: "202", SKU: "TEE-M", Title: "Tee", Quantity: 3, UnitPrice: 1000, Discount: 300, Tax: 450},
					{ProductID: "301", SKU: "MUG", Title: "Mug", Quantity: 1, UnitPrice: 1999, Discount: 200, Tax: 300}}},
			refundLine: platforms.RefundLine{Quantity: 1, Subtotal: 750},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { checkLinesFlow(t, tc) })
	}
}

func checkLinesFlow(t *testing.T, tc linesCase) {
	_, ts, store := newSandbox(t, tc.store)
	ap := newApp(t)
	ad := woocommerce.New(woocommerce.Config{AppURL: ap.URL, Allow: []string{ts.URL}})
	conn := connect(t, ad, ap, store)
	if _, err := store.AddCoupon(tc.coupon); err != nil {
		t.Fatal(err)
	}
	placed, err := store.PlaceOrder([]string{tc.coupon.Code}, tc.lines, "", "dana.lee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	events := verifyAndParse(t, ad, conn, ap.last(t, "order.created"))
	if len(events) != 1 || events[0].Kind != platforms.KindOrderPaid {
		t.Fatalf("order events: %s", dump(events))
	}
	got, want := *events[0].Order, tc.want
	want.Lines = append([]platforms.OrderLine(nil), tc.want.Lines...)
	for i := range want.Lines {
		want.Lines[i].ID = strconv.FormatInt(placed.Lines[i].ID, 10)
	}
	want.ExternalID, want.Number = strconv.FormatInt(placed.ID, 10), strconv.FormatInt(placed.ID, 10)
	want.CustomerEmail, want.CustomerName, want.PlacedAt = "dana.lee@example.com", "Dana Lee", got.PlacedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order\n got %+v\nwant %+v", got, want)
	}
	checkInvariant(t, &got)

	if _, err := store.Refund(placed.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}, Reason: "Too small"}); err != nil {
		t.Fatal(err)
	}
	upd := ap.last(t, "order.updated")
	// The webhook lists the refund bare (id, reason, total): not itemised.
	if bare := verifyAndParse(t, ad, conn, upd); len(bare) != 2 || len(bare[1].Refund.Lines) != 0 {
		t.Fatalf("bare refund: %s", dump(bare))
	}
	wantLine := tc.refundLine
	wantLine.LineID = want.Lines[0].ID
	checkRefundEvents(t, verifyEnrichAndParse(t, ad, conn, upd), wantLine)
	// Reconciliation reads the same refund objects.
	page, err := ad.ModifiedOrders(context.Background(), conn, time.Now().Add(-time.Hour), 1)
	if err != nil || len(page.Orders) != 1 {
		t.Fatalf("modified orders: %+v %v", page, err)
	}
	events, err = ad.ParseWebhook(page.Orders[0].Topic, page.Orders[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	checkRefundEvents(t, events, wantLine)
}

// checkRefundEvents: the order, then its refund giving back exactly want.
func checkRefundEvents(t *testing.T, events []platforms.Event, want platforms.RefundLine) {
	t.Helper()
	if len(events) != 2 || events[1].Kind != platforms.KindOrderRefunded {
		t.Fatalf("refund events: %s", dump(events))
	}
	r := events[1].Refund
	if r.Subtotal != want.Subtotal || r.Note != "" || !reflect.DeepEqual(r.Lines, []platforms.RefundLine{want}) {
		t.Fatalf("refund %+v, want its one line %+v", r, want)
	}
	checkRefundLines(t, r)
}

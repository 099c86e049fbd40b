package sandbox_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"testing"

	"codecredit/platforms/woocommerce/sandbox"
)

// restLine is what the docs list of a line item, order's or refund's.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-line-items-properties
type restLine struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	ProductID   int64       `json:"product_id"`
	VariationID int64       `json:"variation_id"`
	Quantity    int         `json:"quantity"`
	SKU         string      `json:"sku"`
	Subtotal    string      `json:"subtotal"`
	SubtotalTax string      `json:"subtotal_tax"`
	Total       string      `json:"total"`
	TotalTax    string      `json:"total_tax"`
	Price       json.Number `json:"price"`
	MetaData    []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"meta_data"`
}

// Orders list their lines as the REST API does (price a number, total ÷
// quantity, with more digits than the currency), and a refund of one
// unit lists its line negative, naming the order line it gives back.
func TestOrderAndRefundLines(t *testing.T) {
	v := newEnv(t) // USD, 10% tax, 5.00 shipping
	if _, err := v.store.AddCoupon(sandbox.Coupon{Code: "TEN", DiscountType: "percent", Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	o, err := v.store.PlaceOrder([]string{"TEN"}, []sandbox.Line{
		{Name: "Pen", Quantity: 3, Price: 333, ProductID: 7, VariationID: 8, SKU: "PEN-B"},
		{Name: "Book", Quantity: 1, Price: 1500}}, "", "e@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var order struct {
		PricesIncludeTax bool       `json:"prices_include_tax"`
		ShippingTotal    string     `json:"shipping_total"`
		DiscountTotal    string     `json:"discount_total"`
		CartTax          string     `json:"cart_tax"`
		LineItems        []restLine `json:"line_items"`
	}
	_, raw := v.call(http.MethodGet, "/orders/"+strconv.FormatInt(o.ID, 10), nil)
	if err := json.Unmarshal(raw, &order); err != nil {
		t.Fatal(err)
	}
	// Pens 3 × 3.33 = 9.99, 10% off 0.999 → 1.00: 8.99, tax 0.899 → 0.90,
	// price 8.99 / 3 = 2.99666…; the book 15.00 less 1.50, tax 1.35.
	pen := restLine{ID: o.Lines[0].ID, Name: "Pen", ProductID: 7, VariationID: 8, Quantity: 3, SKU: "PEN-B",
		Subtotal: "9.99", SubtotalTax: "1.00", Total: "8.99", TotalTax: "0.90", Price: "2.9966666667"}
	book := restLine{ID: o.Lines[1].ID, Name: "Book", ProductID: 91, Quantity: 1,
		Subtotal: "15.00", SubtotalTax: "1.50", Total: "13.50", TotalTax: "1.35", Price: "13.5"}
	for i := range order.LineItems {
		order.LineItems[i].MetaData = nil
	}
	if !reflect.DeepEqual(order.LineItems, []restLine{pen, book}) || order.PricesIncludeTax ||
		order.ShippingTotal != "5.00" || order.DiscountTotal != "2.50" || order.CartTax != "2.25" {
		t.Fatalf("order: %s", raw)
	}

	r, err := v.store.Refund(o.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var refund struct {
		Amount    string     `json:"amount"`
		LineItems []restLine `json:"line_items"`
	}
	_, raw = v.call(http.MethodGet, "/orders/"+strconv.FormatInt(o.ID, 10)+"/refunds/"+strconv.FormatInt(r.ID, 10), nil)
	if err := json.Unmarshal(raw, &refund); err != nil || len(refund.LineItems) != 1 {
		t.Fatalf("refund: %s %v", raw, err)
	}
	// One pen: 8.99 / 3 = 2.997 → 3.00 and 0.90 / 3 = 0.30 of tax.
	got := refund.LineItems[0]
	if refund.Amount != "3.30" || got.Quantity != -1 || got.Subtotal != "-3.00" || got.Total != "-3.00" ||
		got.TotalTax != "-0.30" || got.Price != "-3" || got.ProductID != 7 || got.VariationID != 8 || got.SKU != "PEN-B" ||
		len(got.MetaData) != 1 || got.MetaData[0].Key != "_refunded_item_id" || got.MetaData[0].Value != strconv.FormatInt(pen.ID, 10) {
		t.Fatalf("refund: %s", raw)
	}
}

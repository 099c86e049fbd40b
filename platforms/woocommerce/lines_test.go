package woocommerce_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"codecredit/platforms"
)

// checkInvariant fails unless the order's lines pass platforms.CheckLines
// and, when there are any, their Net adds up to the Subtotal.
func checkInvariant(t testing.TB, o *platforms.Order) {
	t.Helper()
	if err := platforms.CheckLines(o.Lines); err != nil {
		t.Fatalf("order %s lines: %v", o.ExternalID, err)
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.Net(o.TaxesIncluded)
	}
	if len(o.Lines) > 0 && sum != o.Subtotal {
		t.Fatalf("order %s: lines' net %d, subtotal %d", o.ExternalID, sum, o.Subtotal)
	}
}

// A store whose prices include tax (order_tax_inclusive.json, 20% VAT, a
// 10% coupon): the lines are listed with their tax, as the shop shows
// them, and each line's Net is still its total, before tax.
func TestOrderLinesTaxInclusive(t *testing.T) {
	events, err := newAdapter().ParseWebhook("order.created", fixture(t, "order_tax_inclusive.json"))
	if err != nil || len(events) != 1 {
		t.Fatalf("events %s %v", dump(events), err)
	}
	o := events[0].Order
	// Line 741: 3 at 10.00 with tax (subtotal 25.00 + 5.00 of tax = 30.00);
	// with the coupon 22.50 + 4.50 = 27.00, so 3.00 off; net 30.00 - 3.00 - 4.50 = 22.50.
	// Line 742: 19.99 with tax (16.66 + 3.33); 15.00 + 3.00 = 18.00 after
	// the coupon, so 1.99 off; net 19.99 - 1.99 - 3.00 = 15.00.
	want := []platforms.OrderLine{
		{ID: "741", ProductID: "93", Title: "Woo Single #1", Quantity: 3, UnitPrice: 1000, Discount: 300, Tax: 450},
		{ID: "742", ProductID: "22", VariantID: "23", SKU: "Bar3", Title: "Ship Your Idea – Color: Black, Size: M Test",
			Quantity: 1, UnitPrice: 1999, Discount: 199, Tax: 300},
	}
	if !reflect.DeepEqual(o.Lines, want) {
		t.Fatalf("lines\n got %+v\nwant %+v", o.Lines, want)
	}
	// 22.50 + 15.00 of goods; 4.50 + 3.00 of their tax; shipping 5.00 before its 1.00 of tax.
	if o.Subtotal != 3750 || o.Tax != 750 || o.Shipping != 500 || !o.TaxesIncluded || o.Total != 5100 || o.Discount != 416 {
		t.Fatalf("order %+v", o)
	}
	checkInvariant(t, o)
}

// orderBody is a completed USD order with the given line_items and refunds
// (JSON arrays), in the REST shape.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
func orderBody(taxIncluded bool, total, lines, refunds string) []byte {
	incl := "false"
	if taxIncluded {
		incl = "true"
	}
	return []byte(`{"id":9,"status":"completed","currency":"USD","date_created_gmt":"2024-05-01T10:00:00",
		"prices_include_tax":` + incl + `,"total":"` + total + `","shipping_total":"0.00","discount_total":"0.00",
		"line_items":` + lines + `,"coupon_lines":[],"refunds":` + refunds + `}`)
}

// line is an order line item; the docs' price (total ÷ quantity, a float) is not read.
func line(id, qty int, subtotal, subtotalTax, total, totalTax string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "name": "Item", "product_id": 50 + id, "variation_id": 0, "quantity": qty,
		"sku": "", "subtotal": subtotal, "subtotal_tax": subtotalTax, "total": total, "total_tax": totalTax,
		"taxes": []any{}, "meta_data": []any{}, "price": 1.0 / 3})
	return string(b)
}

// Unit prices are exact: a subtotal the quantity does not divide is
// rounded up per unit and the few minor units over go into the discount,
// so every line's Net is its total and the lines add up to the subtotal.
func TestOrderLinesRounding(t *testing.T) {
	tests := []struct {
		name  string
		incl  bool
		lines string
		want  []platforms.OrderLine
	}{
		// 10.00 for 3: 3.34 each is 10.02, less 9.00 after discount = 1.02 off.
		{"remainder", false, "[" + line(1, 3, "10.00", "0.00", "9.00", "0.00") + "]",
			[]platforms.OrderLine{{ID: "1", ProductID: "51", Title: "Item", Quantity: 3, UnitPrice: 334, Discount: 102}}},
		// 24.98 + 5.00 of tax for 3 (taxes rounded apart): 10.00 each, 0.02 off; net 30.00 - 0.02 - 5.00 = 24.98.
		{"remainder with tax included", true, "[" + line(1, 3, "24.98", "5.00", "24.98", "5.00") + "]",
			[]platforms.OrderLine{{ID: "1", ProductID: "51", Title: "Item", Quantity: 3, UnitPrice: 1000, Discount: 2, Tax: 500}}},
		// A total above its subtotal (edited by hand) is listed at the total: 6.00 for 2.
		{"total above subtotal", false, "[" + line(2, 2, "5.00", "0.00", "6.00", "0.50") + "]",
			[]platforms.OrderLine{{ID: "2", ProductID: "52", Title: "Item", Quantity: 2, UnitPrice: 300, Tax: 50}}},
		// Lines without an id, or with a quantity that is not a whole
		// number (a plugin's), cannot be told apart: no lines.
		{"no id", false, `[{"quantity":1,"total":"4.00","total_tax":"0"}]`, nil},
		{"decimal quantity", false, `[{"id":3,"quantity":1.5,"subtotal":"4.00","total":"4.00","total_tax":"0"}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := newAdapter().ParseWebhook("order.updated", orderBody(tt.incl, "0", tt.lines, "[]"))
			if err != nil || len(events) != 1 {
				t.Fatalf("events %s %v", dump(events), err)
			}
			if o := events[0].Order; !reflect.DeepEqual(o.Lines, tt.want) {
				t.Fatalf("lines\n got %+v\nwant %+v", o.Lines, tt.want)
			}
			checkInvariant(t, events[0].Order)
		})
	}
}

// Lines the engine could not trust are ErrPayload.
func TestOrderLinesRejects(t *testing.T) {
	tests := map[string]string{
		"negative total": "[" + line(1, 1, "5.00", "0", "-1.00", "0") + "]",
		"negative tax":   "[" + line(1, 1, "5.00", "0", "5.00", "-0.10") + "]",
		"id used twice":  "[" + line(1, 1, "5.00", "0", "5.00", "0") + "," + line(1, 2, "5.00", "0", "5.00", "0") + "]",
		"bad amount":     "[" + line(1, 1, "5,00", "0", "5.00", "0") + "]",
	}
	for name, lines := range tests {
		if _, err := newAdapter().ParseWebhook("order.updated", orderBody(false, "0", lines, "[]")); !errors.Is(err, platforms.ErrPayload) {
			t.Errorf("%s: err = %v, want ErrPayload", name, err)
		}
	}
}

package stripe

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"codecredit/platforms"
)

// The lines of the itemised fixtures, worked out by hand from their
// amounts (testdata/README.md says where each comes from).
func TestParseWebhookLines(t *testing.T) {
	paid := time.Unix(1775124000, 0).UTC()
	a := New(Config{})
	tests := []struct {
		fixture string
		want    platforms.Event
	}{
		// Mug 3 × 11.11, tee 25.00, pin 2 × 7.77: 73.87; 15% off (11.08)
		// spread 5.00, 3.75, 2.33; 10% tax per line 2.83, 2.13, 1.32;
		// 5.00 shipping: 74.07 paid, 62.79 of goods.
		{"checkout_session_completed_lines.json", platforms.Event{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "pi_sbx11", Number: "cs_live_sbx11", Codes: []string{"promo_sbx11"}, Currency: "USD",
			Subtotal: 6279, Discount: 1108, Total: 7407, CustomerID: "cus_sbx11", CustomerEmail: "buyer@example.com",
			PlacedAt: paid, Shipping: 500, Tax: 628, Lines: []platforms.OrderLine{
				{ID: "li_sbx11", ProductID: "prod_mug", Title: "Mug", Quantity: 3, UnitPrice: 1111, Discount: 500, Tax: 283},
				{ID: "li_sbx12", ProductID: "prod_tee", Title: "Tee", Quantity: 1, UnitPrice: 2500, Discount: 375, Tax: 213},
				{ID: "li_sbx13", ProductID: "prod_pin", Title: "Pin", Quantity: 2, UnitPrice: 777, Discount: 233, Tax: 132},
			}}}},
		// Seats 3 × 12.00 and an add-on 9.99: 45.99; 15% off (6.90) spread
		// 5.40 and 1.50; 10% tax 3.06 and 0.85: 43.00 paid, 39.09 of goods.
		{"invoice_paid_lines.json", platforms.Event{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "in_sbx11", Number: "SBX03-0001", Currency: "USD", Subtotal: 3909, Discount: 690, Total: 4300,
			CustomerID: "cus_sbx12", CustomerEmail: "subscriber@example.com", SubscriptionID: "sub_sbx11",
			PlacedAt: paid, Tax: 391, Lines: []platforms.OrderLine{
				{ID: "il_sbx11", ProductID: "prod_seat", Title: "3 × Seat (at 12.00 / month)", Quantity: 3, UnitPrice: 1200,
					Discount: 540, Tax: 306},
				{ID: "il_sbx12", ProductID: "prod_addon", Title: "1 × Add-on (at 9.99 / month)", Quantity: 1, UnitPrice: 999,
					Discount: 150, Tax: 85},
			}}}},
		// At 2024-06-20, tax included: 20.00 less 3.00 is 17.00 paid, of
		// which 1.55 tax (1700 − 1700/1.1, half up): 15.45 of goods.
		{"invoice_paid_2024_06_20_inclusive.json", platforms.Event{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "in_sbx01", Number: "SBX01-0001", Currency: "USD", Subtotal: 1545, Discount: 300, Total: 1700,
			CustomerID: "cus_sbx02", CustomerEmail: "subscriber@example.com", SubscriptionID: "sub_sbx01",
			PlacedAt: paid, Tax: 155, TaxesIncluded: true, Lines: []platforms.OrderLine{
				{ID: "il_sbx01", ProductID: "prod_sbx01", Title: "1 × Sandbox plan (at 20.00 / month)", Quantity: 1,
					UnitPrice: 2000, Discount: 300, Tax: 155},
			}}}},
		// One seat of the invoice above: 12.00, 1.80 off (a third of 5.40),
		// 1.02 tax: 10.20 of goods, 11.22 refunded.
		{"credit_note_created_line.json", platforms.Event{Kind: platforms.KindOrderRefunded, Refund: &platforms.Refund{
			ExternalID: "cn_sbx11", OrderExternalID: "in_sbx11", Currency: "USD", Subtotal: 1020, CreatedAt: paid,
			Lines: []platforms.RefundLine{{LineID: "il_sbx11", Quantity: 1, Subtotal: 1020}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			body := fixture(t, tt.fixture)
			var ev envelope
			if err := json.Unmarshal(body, &ev); err != nil {
				t.Fatal(err)
			}
			got, err := a.ParseWebhook(ev.Type, body)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Fatalf("events:\n got %s\nwant %s", dump(got), dump([]platforms.Event{tt.want}))
			}
		})
	}
}

// edit parses a fixture after changing its object.
func edit(t *testing.T, name string, change func(obj map[string]any)) platforms.Event {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(fixture(t, name), &ev); err != nil {
		t.Fatal(err)
	}
	change(ev["data"].(map[string]any)["object"].(map[string]any))
	body, _ := json.Marshal(ev)
	got, err := ParseEvent(ev["type"].(string), body)
	if err != nil || len(got) != 1 {
		t.Fatalf("%s edited: %s %v", name, dump(got), err)
	}
	return got[0]
}

// Lines that cannot add up to the order are left out, and the order is
// still credited on its subtotal; a credit note that cannot be itemised
// keeps its subtotal and names no line.
func TestLinesLeftOut(t *testing.T) {
	lines := func(obj map[string]any) []any { return obj["lines"].(map[string]any)["data"].([]any) }
	orders := map[string]func(obj map[string]any){
		"more lines than the event carries": func(obj map[string]any) { obj["lines"].(map[string]any)["has_more"] = true },
		"a credit line": func(obj map[string]any) {
			lines(obj)[1].(map[string]any)["amount"] = -999
		},
		"taxes unlike": func(obj map[string]any) {
			tax := lines(obj)[1].(map[string]any)["taxes"].([]any)[0].(map[string]any)
			tax["tax_behavior"] = "inclusive"
		},
		"line taxes short of the invoice's": func(obj map[string]any) {
			lines(obj)[1].(map[string]any)["taxes"] = []any{}
		},
	}
	for name, change := range orders {
		t.Run(name, func(t *testing.T) {
			o := edit(t, "invoice_paid_lines.json", change).Order
			if len(o.Lines) != 0 || o.Subtotal != 3909 || o.Tax != 391 {
				t.Fatalf("order %+v", o)
			}
		})
	}
	t.Run("a price a quantity does not divide", func(t *testing.T) {
		o := edit(t, "invoice_paid_lines.json", func(obj map[string]any) {
			l := lines(obj)[0].(map[string]any)
			l["amount"], l["quantity"] = 3600, 7 // a tiered price
		}).Order
		if len(o.Lines) != 2 || o.Lines[0].Quantity != 1 || o.Lines[0].UnitPrice != 3600 {
			t.Fatalf("lines %+v", o.Lines)
		}
	})
	notes := map[string]func(obj map[string]any){
		"a custom line": func(obj map[string]any) {
			l := lines(obj)[0].(map[string]any)
			l["type"], l["invoice_line_item"] = "custom_line_item", nil
		},
		"part before payment": func(obj map[string]any) {
			obj["post_payment_amount"], obj["pre_payment_amount"] = 561, 561
		},
	}
	for name, change := range notes {
		t.Run(name, func(t *testing.T) {
			r := edit(t, "credit_note_created_line.json", change).Refund
			if len(r.Lines) != 0 || r.Subtotal == 0 {
				t.Fatalf("refund %+v", r)
			}
		})
	}
}

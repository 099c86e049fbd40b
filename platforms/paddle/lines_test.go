package paddle

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"codecredit/platforms"
)

// Prices that include tax: Paddle's totals are still before tax, so the
// lines are too, and the unit that Paddle rounds on its own is made to
// fit the line. Sample: testdata/transaction_completed_tax_inclusive.json.
func TestParseTaxInclusiveLines(t *testing.T) {
	events, err := New(Config{}).ParseWebhook(TopicTransactionCompleted, fixture(t, "transaction_completed_tax_inclusive.json"))
	if err != nil {
		t.Fatal(err)
	}
	o := events[0].Order
	want := []platforms.OrderLine{
		// 3 seats at 10.00 with 20% VAT in: 30.00 / 1.2 = 25.00 before tax,
		// but Paddle's unit is 10.00 / 1.2 = 8.33, and 3 × 8.33 = 24.99.
		// The unit is 25.00 / 3 rounded up, 8.34; 3 × 8.34 = 25.02, the
		// 0.02 over is discount with Paddle's 2.50: net 25.02 − 2.52 = 22.50.
		{ID: "txnitm_01hvbq1f3h5k7m9p1r3t5v7x9z", ProductID: "pro_01gsz4t5hdjse780zja8vvr7jg", VariantID: "pri_01gsz8x8sawmvhz1pv30nge1ke",
			Title: "AeroEdit Pro", Quantity: 3, UnitPrice: 834, Discount: 252, Tax: 450},
		// 50.00 / 1.2 = 41.67, less 4.17: net 37.50
		{ID: "txnitm_01hvbq1f3h5k7m9p1r3t5w0a2c", ProductID: "pro_01h1vjes1y163xfj1rh1tkfb65", VariantID: "pri_01h1vjfevh5etwq3rb416a23h2",
			Title: "Analytics addon", Quantity: 1, UnitPrice: 4167, Discount: 417, Tax: 750},
	}
	// 66.67 − 6.67 = 60.00 = 22.50 + 37.50; tax 4.50 + 7.50 = 12.00
	if o.Subtotal != 6000 || o.Discount != 667 || o.Tax != 1200 || o.Total != 7200 || o.Shipping != 0 || o.TaxesIncluded ||
		o.Currency != "EUR" || !reflect.DeepEqual(o.Lines, want) {
		t.Fatalf("order = %+v\nwant subtotal 6000, tax 1200, lines %+v", *o, want)
	}
	var net int64
	for _, l := range o.Lines {
		net += l.Net(o.TaxesIncluded)
	}
	if net != o.Subtotal {
		t.Errorf("lines come to %d, subtotal is %d", net, o.Subtotal)
	}
}

// A partial refund of one line names that line, with its money before
// tax. Sample: testdata/adjustment_created_partial_item.json.
func TestParsePartialItemRefund(t *testing.T) {
	events, err := New(Config{}).ParseWebhook(TopicAdjustmentCreated, fixture(t, "adjustment_created_partial_item.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := events[0].Refund
	// 9.00 back with 20% VAT in: 7.50 of goods, 1.50 tax
	want := []platforms.RefundLine{{LineID: "txnitm_01hvbq1f3h5k7m9p1r3t5v7x9z", Subtotal: 750}}
	if r.Subtotal != 750 || r.Full || r.OrderExternalID != "txn_01hvbpz6w2c4e6g8j0l2n4q6s8" || !reflect.DeepEqual(r.Lines, want) {
		t.Fatalf("refund = %+v, want 750 of the seats' line", *r)
	}
}

// Items of the same line are one line; a tax item refunds no goods.
func TestRefundLinesMergeAndSkipTax(t *testing.T) {
	items := []adjustmentItem{{ItemID: "txnitm_a"}, {ItemID: "txnitm_b"}, {ItemID: "txnitm_a"}}
	items[0].Totals.Subtotal, items[1].Totals.Subtotal, items[2].Totals.Subtotal = "300", "0", "200"
	lines, err := refundLines(items, 500)
	want := []platforms.RefundLine{{LineID: "txnitm_a", Subtotal: 500}}
	if err != nil || !reflect.DeepEqual(lines, want) {
		t.Fatalf("lines = %+v, %v; want %+v", lines, err, want)
	}
	if lines, err := refundLines(nil, 500); err != nil || lines != nil {
		t.Errorf("an adjustment without items: %+v, %v; want no lines", lines, err)
	}
}

func TestParseRefusesLinesThatDoNotAddUp(t *testing.T) {
	sample := string(fixture(t, "transaction_completed.json"))
	refund := string(fixture(t, "adjustment_updated_approved.json"))
	tests := []struct {
		name  string
		topic string
		body  string
	}{
		{"a line without quantity", TopicTransactionCompleted, strings.Replace(sample, `"quantity": 10,
          "tax_rate"`, `"quantity": 0,
          "tax_rate"`, 1)},
		{"a line without id", TopicTransactionCompleted, strings.Replace(sample, `"id": "txnitm_01hv8wt98jahpbm1t1v1sd067y"`, `"id": ""`, 1)},
		{"a line discounted below zero", TopicTransactionCompleted,
			strings.Replace(sample, `"totals": {"tax": "2396", "total": "29396", "discount": "3000", "subtotal": "30000"}`,
				`"totals": {"tax": "2396", "total": "29396", "discount": "31000", "subtotal": "30000"}`, 1)},
		{"a decimal line amount", TopicTransactionCompleted, strings.Replace(sample, `"discount": "1000", "subtotal": "10000"}`, `"discount": "10.00", "subtotal": "10000"}`, 1)},
		{"a refund item naming no line", TopicAdjustmentUpdated, strings.Replace(refund, `"item_id": "txnitm_01hv8wt98jahpbm1t1v1sd067y"`, `"item_id": ""`, 1)},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body == sample || tt.body == refund {
				t.Fatal("the edit did not apply")
			}
			if _, err := a.ParseWebhook(tt.topic, []byte(tt.body)); !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("error = %v, want ErrPayload", err)
			}
		})
	}
}

// Lines that do not add up to the transaction's or adjustment's totals
// are dropped, not the event: the order is credited on its subtotal, the
// refund spread as one without items.
func TestLinesThatDoNotAddUpAreDropped(t *testing.T) {
	sample := string(fixture(t, "transaction_completed.json"))
	refund := string(fixture(t, "adjustment_updated_approved.json"))
	a := New(Config{})
	order := strings.Replace(sample, `"totals": {"tax": "799", "total": "9799", "discount": "1000", "subtotal": "10000"}`,
		`"totals": {"tax": "799", "total": "9800", "discount": "1000", "subtotal": "10001"}`, 1)
	evs, err := a.ParseWebhook(TopicTransactionCompleted, []byte(order))
	if err != nil || len(evs) != 1 || evs[0].Order == nil || evs[0].Order.Lines != nil || evs[0].Order.Subtotal == 0 {
		t.Fatalf("lines above the totals: %+v, %v; want the order without lines", evs, err)
	}
	adj := strings.Replace(refund, `"subtotal": "9000"
        },`, `"subtotal": "8999"
        },`, 1)
	evs, err = a.ParseWebhook(TopicAdjustmentUpdated, []byte(adj))
	if err != nil || len(evs) != 1 || evs[0].Refund == nil || evs[0].Refund.Lines != nil || evs[0].Refund.Subtotal == 0 {
		t.Fatalf("refund items below the refund: %+v, %v; want the refund without lines", evs, err)
	}
}

func TestUnitPrice(t *testing.T) {
	tests := []struct {
		unit, line, qty   int64
		price, wantExcess int64
	}{
		{3000, 30000, 10, 3000, 0}, // Paddle's unit fits the line
		{833, 2500, 3, 834, 2},     // 3 × 833 = 2499 misses 2500: 834, 2 over
		{900, 2500, 3, 834, 2},     // a unit that does not fit is not used
		{0, 2400, 3, 800, 0},       // no unit: the line's, evenly
		{0, 0, 2, 0, 0},
	}
	for _, tt := range tests {
		price, excess := unitPrice(tt.unit, tt.line, tt.qty)
		if price != tt.price || excess != tt.wantExcess || price*tt.qty-excess != tt.line {
			t.Errorf("unitPrice(%d, %d, %d) = %d, %d; want %d, %d", tt.unit, tt.line, tt.qty, price, excess, tt.price, tt.wantExcess)
		}
	}
}

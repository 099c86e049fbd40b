package woocommerce_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// Order 727 refunded in full (order_refunded.json) with its refunds read
// from GET /orders/727/refunds (refunds_727.json), as the worker does: each
// refund gives back one line, the first with the shipping.
func TestRefundLinesFixture(t *testing.T) {
	got, err := newAdapter().ParseWebhook("order.updated", withRefunds(t, "order_refunded.json", "refunds_727.json"))
	if err != nil || len(got) != 3 {
		t.Fatalf("events %s %v", dump(got), err)
	}
	// 733: 15.81 = line 315's 5.40 and 0.41 of tax, and 10.00 of shipping:
	// all itemised, nothing spread; its goods are line 315's 2 units, 5.40.
	// 731: 11.61 = line 316's 10.80 and 0.81 of tax; goods 10.80.
	want := []struct {
		id    string
		sub   int64
		lines []platforms.RefundLine
	}{
		{"733", 540, []platforms.RefundLine{{LineID: "315", Quantity: 2, Subtotal: 540}}},
		{"731", 1080, []platforms.RefundLine{{LineID: "316", Quantity: 1, Subtotal: 1080}}},
	}
	for i, w := range want {
		r := got[i].Refund
		checkRefundLines(t, r)
		if r.ExternalID != w.id || r.Subtotal != w.sub || r.Note != "" || !reflect.DeepEqual(r.Lines, w.lines) {
			t.Errorf("refund %s: %+v", w.id, r)
		}
	}
	if r := got[2].Refund; !r.Full || len(r.Lines) != 0 {
		t.Errorf("the order refunded: %+v", r)
	}
}

// checkRefundLines fails unless a refund's lines name a line each, once,
// with no negative amount, and add up to its Subtotal.
func checkRefundLines(t testing.TB, r *platforms.Refund) {
	t.Helper()
	var sum int64
	seen := map[string]bool{}
	for _, l := range r.Lines {
		if l.LineID == "" || seen[l.LineID] || l.Quantity < 0 || l.Subtotal < 0 {
			t.Fatalf("refund %s: line %+v", r.ExternalID, l)
		}
		seen[l.LineID], sum = true, sum+l.Subtotal
	}
	if len(r.Lines) > 0 && sum != r.Subtotal {
		t.Fatalf("refund %s: lines' subtotal %d, refund's %d", r.ExternalID, sum, r.Subtotal)
	}
}

// refundLine is a refund's line item giving back qty of order line of
// (the value of _refunded_item_id, a JSON string or number).
func refundLine(id, qty int, total string, of any) string {
	b, _ := json.Marshal(map[string]any{"id": id, "name": "Item", "product_id": 51, "quantity": -qty,
		"subtotal": total, "subtotal_tax": "0.00", "total": total, "total_tax": "0.00", "taxes": []any{},
		"meta_data": []any{map[string]any{"id": id * 10, "key": "_refunded_item_id", "value": of}}})
	return string(b)
}

// refundObject is a refund as GET /orders/{id}/refunds lists it.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties
func refundObject(amount string, lines ...string) string {
	items := "["
	for i, l := range lines {
		if i > 0 {
			items += ","
		}
		items += l
	}
	return `{"id":30,"date_created_gmt":"2024-05-02T10:00:00","amount":"` + amount + `","reason":"","total":"-` + amount +
		`","line_items":` + items + `],"shipping_lines":[],"fee_lines":[]}`
}

// A refund's lines are its line items, by the order line they name; a
// refund whose goods are not exactly its lines keeps no lines.
func TestRefundLines(t *testing.T) {
	// Two lines of 10.00 (2 × 5.00) and 6.00, 16.00 paid in all.
	lines := "[" + line(1, 2, "10.00", "0", "10.00", "0") + "," + line(2, 1, "6.00", "0", "6.00", "0") + "]"
	tests := []struct {
		name   string
		refund string
		sub    int64
		want   []platforms.RefundLine
	}{
		{"one unit of a line", refundObject("5.00", refundLine(31, 1, "-5.00", "1")), 500,
			[]platforms.RefundLine{{LineID: "1", Quantity: 1, Subtotal: 500}}},
		// The same order line twice (two items of one refund) is one line: 1 + 1 units, 4.00 + 5.00.
		{"a line named twice", refundObject("15.00", refundLine(31, 1, "-4.00", "1"), refundLine(32, 1, "-5.00", 1),
			refundLine(33, 1, "-6.00", "2")), 1500,
			[]platforms.RefundLine{{LineID: "1", Quantity: 2, Subtotal: 900}, {LineID: "2", Quantity: 1, Subtotal: 600}}},
		// A line's money given back without its quantity.
		{"money without quantity", refundObject("2.00", refundLine(31, 0, "-2.00", "2")), 200,
			[]platforms.RefundLine{{LineID: "2", Quantity: 0, Subtotal: 200}}},
		// 8.00 given back, 5.00 of it itemised: the other 3.00 is spread,
		// 3.00 × 16 / 16 = 3.00, so the goods (8.00) are not the lines'.
		{"more than its lines", refundObject("8.00", refundLine(31, 1, "-5.00", "1")), 800, nil},
		// 20.00 of lines on 16.00 of goods: capped at the goods, not the lines'.
		{"more than the order's goods", refundObject("20.00", refundLine(31, 2, "-10.00", "1"), refundLine(32, 2, "-10.00", "2")),
			1600, nil},
		{"a line the order has not", refundObject("5.00", refundLine(31, 1, "-5.00", "7")), 500, nil},
		{"no line named", refundObject("5.00", refundLine(31, 1, "-5.00", "")), 500, nil},
		{"a line given back positive", refundObject("5.00", refundLine(31, 1, "5.00", "1")), 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := newAdapter().ParseWebhook("order.updated", orderBody(false, "16.00", lines, "["+tt.refund+"]"))
			if err != nil || len(events) != 2 {
				t.Fatalf("events %s %v", dump(events), err)
			}
			r := events[1].Refund
			checkRefundLines(t, r)
			if r.Subtotal != tt.sub || !reflect.DeepEqual(r.Lines, tt.want) {
				t.Fatalf("refund subtotal %d lines %+v, want %d %+v", r.Subtotal, r.Lines, tt.sub, tt.want)
			}
			if spread := r.Note == woocommerce.SpreadNote; spread != (tt.name == "more than its lines") {
				t.Fatalf("note %q", r.Note)
			}
		})
	}
}

package woocommerce_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// order727 is the paid order of order_created.json: 16.20 of items after
// the 10% coupon, before 1.22 tax and 10.00 shipping. Line 315 is 2 ×
// 3.00 (subtotal 6.00) less 0.60 of the coupon = 5.40, tax 0.41; line
// 316 is 1 × 12.00 less 1.20 = 10.80, tax 0.81: 5.40 + 10.80 = 16.20,
// 0.41 + 0.81 = 1.22. Its name's "&ndash;" is read as "–".
func order727() *platforms.Order {
	return &platforms.Order{ExternalID: "727", Number: "727", Codes: []string{"summer10"}, Currency: "USD",
		Subtotal: 1620, Discount: 180, Total: 2742, CustomerEmail: "john.doe@example.com",
		CustomerName: "John Doe", PlacedAt: at("2017-03-22T19:28:08Z"), Shipping: 1000, Tax: 122,
		Lines: []platforms.OrderLine{
			{ID: "315", ProductID: "93", Title: "Woo Single #1", Quantity: 2, UnitPrice: 300, Discount: 60, Tax: 41},
			{ID: "316", ProductID: "22", VariantID: "23", SKU: "Bar3", Title: "Ship Your Idea – Color: Black, Size: M Test",
				Quantity: 1, UnitPrice: 1200, Discount: 120, Tax: 81}}}
}

// Recorded order bodies become the events the engine books.
func TestParseOrderFixtures(t *testing.T) {
	paid := func(o *platforms.Order) platforms.Event {
		return platforms.Event{Kind: platforms.KindOrderPaid, Order: o}
	}
	// Every partial refund here is a bare refunds[] entry: spread, and said so.
	refund := func(kind, id, order string, sub int64, full bool, when string) platforms.Event {
		note := ""
		if !full {
			note = woocommerce.SpreadNote
		}
		return platforms.Event{Kind: kind, Refund: &platforms.Refund{ExternalID: id, OrderExternalID: order,
			Currency: "USD", Subtotal: sub, Full: full, CreatedAt: at(when), Note: note}}
	}
	// The docs' order 723: 9.00 + 20.00 of goods, no discount nor tax, 10.00 shipping.
	order723 := &platforms.Order{ExternalID: "723", Number: "723", Currency: "USD", Subtotal: 2900, Total: 3900,
		CustomerID: "26", CustomerEmail: "joao.silva@example.com", CustomerName: "João Silva", PlacedAt: at("2017-03-21T19:16:00Z"),
		Shipping: 1000, Lines: []platforms.OrderLine{{ID: "311", ProductID: "87", Title: "Woo Album #2", Quantity: 1, UnitPrice: 900},
			{ID: "313", ProductID: "34", Title: "Woo Ninja", Quantity: 1, UnitPrice: 2000}}}
	tests := []struct {
		file, topic string
		want        []platforms.Event
	}{
		{"order_created.json", "order.created", []platforms.Event{paid(order727())}},
		// A bare refunds[] entry (the worker first reads the refund objects,
		// see TestEnrichedRefunds) is spread over what was paid:
		// 11.61 × 16.20 / 27.42 = 6.859 → 6.86.
		{"order_updated_refund.json", "order.updated", []platforms.Event{paid(order727()),
			refund(platforms.KindOrderRefunded, "731", "727", 686, false, "2017-03-23T13:02:41Z")}},
		// Bare entries again: 10.00 × 29 / 39 = 7.44 and 9.00 × 29 / 39 = 6.69.
		{"order_completed_two_refunds.json", "order.updated", []platforms.Event{paid(order723),
			refund(platforms.KindOrderRefunded, "726", "723", 744, false, "2017-03-21T19:54:51Z"),
			refund(platforms.KindOrderRefunded, "724", "723", 669, false, "2017-03-21T19:54:51Z")}},
		{"order_cancelled.json", "order.updated", []platforms.Event{
			refund(platforms.KindOrderCancelled, "cancel:727", "727", 0, true, "2017-03-22T20:01:12Z")}},
		// Fully refunded: the bare refunds (15.81 × 16.20 / 27.42 = 9.34),
		// then a full refund that reverses whatever the estimates left.
		{"order_refunded.json", "order.updated", []platforms.Event{
			refund(platforms.KindOrderRefunded, "733", "727", 934, false, "2017-03-24T12:15:00Z"),
			refund(platforms.KindOrderRefunded, "731", "727", 686, false, "2017-03-24T12:15:00Z"),
			refund(platforms.KindOrderRefunded, "cancel:727", "727", 0, true, "2017-03-24T12:15:00Z")}},
	}
	a := newAdapter()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := a.ParseWebhook(tt.topic, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("events:\n got %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

// Amounts are converted exactly in each currency's minor unit.
func TestParseOrderCurrencies(t *testing.T) {
	// Shape: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
	body := func(currency, line1, line2 string) []byte {
		return []byte(`{"id":9,"status":"completed","currency":"` + currency + `","date_created_gmt":"2024-05-01T10:00:00",
			"total":"0","discount_total":"0","line_items":[{"total":"` + line1 + `","total_tax":"0"},{"total":"` + line2 + `","total_tax":"0"}],
			"coupon_lines":[{"code":"A"},{"code":"b"}],"refunds":[]}`)
	}
	tests := []struct {
		currency, l1, l2 string
		want             int64
	}{
		{"USD", "12.50", "0.05", 1255},
		{"JPY", "1500", "3000", 4500},
		{"KWD", "12.345", "0.005", 12350},
		{"usd", "10.005", "10.015", 2002}, // extra decimals round half to even: 1000 + 1002
		{"EUR", "-0.00", "7", 700},
	}
	a := newAdapter()
	for _, tt := range tests {
		events, err := a.ParseWebhook("order.updated", body(tt.currency, tt.l1, tt.l2))
		if err != nil || len(events) != 1 {
			t.Fatalf("%s: %v %v", tt.currency, events, err)
		}
		if o := events[0].Order; o.Subtotal != tt.want || !reflect.DeepEqual(o.Codes, []string{"A", "b"}) {
			t.Errorf("%s %s+%s: subtotal %d codes %v, want %d", tt.currency, tt.l1, tt.l2, o.Subtotal, o.Codes, tt.want)
		}
	}
}

// Bodies the engine cannot use are ErrPayload (the event goes dead, not retried).
func TestParseWebhookRejects(t *testing.T) {
	tests := []struct{ name, topic, body string }{
		{"not JSON", "order.created", "webhook_id=1"},
		{"no id", "order.created", `{"status":"processing","currency":"USD"}`},
		{"bad currency", "order.created", `{"id":1,"status":"processing","currency":"US"}`},
		{"bad amount", "order.created", `{"id":1,"status":"processing","currency":"USD","line_items":[{"total":"1,50"}]}`},
		{"refund without id", "order.updated", `{"id":1,"status":"processing","currency":"USD","refunds":[{"total":"-1.00"}]}`},
		{"coupon without id", "coupon.updated", `{"code":"X"}`},
	}
	a := newAdapter()
	for _, tt := range tests {
		if _, err := a.ParseWebhook(tt.topic, []byte(tt.body)); !errors.Is(err, platforms.ErrPayload) {
			t.Errorf("%s: err = %v, want ErrPayload", tt.name, err)
		}
	}
}

// Coupons name the coupon to read back; topics we do not act on give nothing.
func TestParseOtherTopics(t *testing.T) {
	a := newAdapter()
	tests := []struct {
		topic, file string
		want        []platforms.Event
	}{
		// Coupons are read back by the worker (currency, usability), so the change names the coupon only.
		{"coupon.created", "coupon_created.json", []platforms.Event{{Kind: platforms.KindCodeChanged, Code: &platforms.CodeChange{PlatformID: "719"}}}},
		{"coupon.updated", "coupon_updated.json", []platforms.Event{{Kind: platforms.KindCodeChanged, Code: &platforms.CodeChange{PlatformID: "719"}}}},
		{"coupon.deleted", "coupon_deleted.json", []platforms.Event{{Kind: platforms.KindCodeChanged, Code: &platforms.CodeChange{PlatformID: "719", Deleted: true}}}},
		{"product.created", "coupon_created.json", nil},
		{"order.deleted", "coupon_deleted.json", nil},
	}
	for _, tt := range tests {
		got, err := a.ParseWebhook(tt.topic, fixture(t, tt.file))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %s, %v; want %s", tt.topic, dump(got), err, dump(tt.want))
		}
	}
	// A pending order (not paid yet) books nothing.
	got, err := a.ParseWebhook("order.created", []byte(`{"id":5,"status":"pending","currency":"USD","refunds":[]}`))
	if err != nil || len(got) != 0 {
		t.Errorf("pending order: %s, %v", dump(got), err)
	}
}

// FuzzParseWebhook: the parser never panics, and what it returns is sane.
func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"order_created.json", "order_updated_refund.json", "order_completed_two_refunds.json",
		"order_cancelled.json", "order_refunded.json", "order_tax_inclusive.json", "coupon_created.json",
		"coupon_deleted.json", "ping.txt"} {
		f.Add("order.updated", fixture(f, name))
		f.Add("coupon.updated", fixture(f, name))
	}
	// Order 727 with its refund objects, so refund lines are exercised.
	f.Add("order.updated", withRefunds(f, "order_refunded.json", "refunds_727.json"))
	a := newAdapter()
	f.Fuzz(func(t *testing.T, topic string, body []byte) {
		events, err := a.ParseWebhook(topic, body)
		if err != nil && !errors.Is(err, platforms.ErrPayload) {
			t.Fatalf("error %v is not ErrPayload", err)
		}
		for _, e := range events {
			switch {
			case e.Order != nil && (e.Order.ExternalID == "" || len(e.Order.Currency) != 3):
				t.Fatalf("order without id or currency: %+v", e.Order)
			case e.Refund != nil && (e.Refund.ExternalID == "" || e.Refund.Subtotal < 0):
				t.Fatalf("bad refund: %+v", e.Refund)
			case e.Order != nil:
				checkInvariant(t, e.Order)
			case e.Refund != nil:
				checkRefundLines(t, e.Refund)
			}
		}
		_ = woocommerce.EventID(topic, body)
	})
}

// The docs' order 723 with its refunds read from GET /orders/723/refunds
// (refunds_723.json, verbatim from the docs): refund 724 gives back a line
// of 9.00, exact; refund 726 is an amount without lines (the docs' order
// had 10.00 shipping), spread over what was paid: 10.00 × 29 / 39 = 7.44.
func TestEnrichedRefunds(t *testing.T) {
	body := withRefunds(t, "order_completed_two_refunds.json", "refunds_723.json")
	got, err := newAdapter().ParseWebhook("order.updated", body)
	if err != nil || len(got) != 3 {
		t.Fatalf("events %s %v", dump(got), err)
	}
	if r := got[1].Refund; r.ExternalID != "726" || r.Subtotal != 744 || r.Note != woocommerce.SpreadNote {
		t.Errorf("refund without lines: %+v", r)
	}
	if r := got[1].Refund; len(r.Lines) != 0 {
		t.Errorf("refund without lines has lines: %+v", r.Lines)
	}
	// Refund 724's line 314 gives back order line 311 (its
	// _refunded_item_id): quantity -1 and total -9.00, read as 1 and 9.00.
	want := []platforms.RefundLine{{LineID: "311", Quantity: 1, Subtotal: 900}}
	if r := got[2].Refund; r.ExternalID != "724" || r.Subtotal != 900 || r.Note != "" || !reflect.DeepEqual(r.Lines, want) {
		t.Errorf("refund of a line: %+v", r)
	}
}

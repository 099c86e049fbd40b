package shopify

import (
	"errors"
	"testing"
	"time"

	"codecredit/platforms"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// The fixtures' sources are listed in testdata/README.md.
func TestParseWebhook(t *testing.T) {
	const orderID = "820982911946154508"
	bob := func(o platforms.Order) *platforms.Order {
		o.CustomerID, o.CustomerEmail, o.CustomerName = "706405506930370084", "bob@biller.com", "Bob Biller"
		o.Currency = "USD"
		return &o
	}
	// 227.02 USD, half the order, charged back on 2026-11-05 at 19:00 EST.
	taken := platforms.Event{Kind: platforms.KindOrderRefunded, Refund: &platforms.Refund{
		ExternalID: "dispute:285332461850805136", OrderExternalID: orderID, Currency: "USD", Amount: 22702, CreatedAt: at("2026-11-06T00:00:00Z")}}
	tests := []struct {
		name, topic, file string
		want              []platforms.Event
	}{
		// 2 × 199.00 − 39.80 + 25.50 − 2.55 + 3 × 10.00 = 411.15 USD; the
		// EUR presentment amounts, the tax and the shipping are left out.
		{"order paid with a code", TopicOrdersPaid, "orders_paid.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: bob(platforms.Order{
			ExternalID: orderID, Number: "#1001", Codes: []string{"SUMMER10"}, Subtotal: 41115, Discount: 4235, Total: 45404,
			PlacedAt: at("2026-11-02T15:15:01Z")})}}},
		// The shipping code's allocation sits on the shipping line: not a discount on goods.
		{"several codes, first one kept first", TopicOrdersPaid, "orders_paid_multi_code.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "820982911946154509", Number: "#1002", Codes: []string{"AliceTen", "FREESHIP"}, Currency: "USD",
			Subtotal: 35820, Discount: 3980, Total: 45404, CustomerEmail: "bob@biller.com", PlacedAt: at("2026-11-02T15:15:01Z")}}}},
		{"test order is flagged", TopicOrdersPaid, "orders_paid_test.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: bob(platforms.Order{
			ExternalID: "820982911946154510", Number: "#1003", Codes: []string{"SUMMER10"}, Subtotal: 41115, Discount: 4235, Total: 45404,
			Test: true, PlacedAt: at("2026-11-02T15:15:01Z")})}}},
		{"zero-value order", TopicOrdersPaid, "orders_paid_zero.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: bob(platforms.Order{
			ExternalID: "820982911946154511", Number: "#1004", Codes: []string{"FRIENDS100"}, Subtotal: 0, Discount: 2550, Total: 0,
			PlacedAt: at("2026-11-02T15:15:01Z")})}}},
		{"zero-decimal currency", TopicOrdersPaid, "orders_paid_jpy.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "820982911946154512", Number: "#1005", Codes: []string{"TOKYO20"}, Currency: "JPY", Subtotal: 2400, Discount: 600, Total: 2700,
			CustomerID: "706405506930370084", CustomerEmail: "bob@biller.com", CustomerName: "Bob Biller", PlacedAt: at("2026-11-02T15:15:01Z")}}}},
		// 119.00 − 11.90 = 107.10 including 17.10 VAT: 90.00 before tax.
		{"tax-inclusive prices", TopicOrdersPaid, "orders_paid_taxes_included.json", []platforms.Event{{Kind: platforms.KindOrderPaid, Order: &platforms.Order{
			ExternalID: "820982911946154513", Number: "#1006", Codes: []string{"BERLIN10"}, Currency: "EUR", Subtotal: 9000, Discount: 1190, Total: 10710,
			CustomerID: "706405506930370084", CustomerEmail: "bob@biller.com", CustomerName: "Bob Biller", PlacedAt: at("2026-11-02T15:15:01Z")}}}},
		{"partial refund", TopicRefundsCreate, "refunds_create_partial.json", []platforms.Event{{Kind: platforms.KindOrderRefunded, Refund: &platforms.Refund{
			ExternalID: "929361462", OrderExternalID: orderID, Currency: "USD", Subtotal: 17910, CreatedAt: at("2026-11-04T17:00:00Z")}}}},
		{"shipping-only refund reverses nothing", TopicRefundsCreate, "refunds_create_shipping_only.json", nil},
		{"cancellation is a full refund", TopicOrdersCancelled, "orders_cancelled.json", []platforms.Event{{Kind: platforms.KindOrderCancelled, Refund: &platforms.Refund{
			ExternalID: "cancel:" + orderID, OrderExternalID: orderID, Currency: "USD", Subtotal: 41115, Full: true, CreatedAt: at("2026-11-03T13:00:00Z")}}}},
		// Disputes (testdata/README.md): a chargeback of half the order takes
		// that money's share back under "dispute:<id>"; lost keeps it (the
		// same refund, booked once); won and charge_refunded give it back;
		// an inquiry takes nothing.
		{"chargeback opened", TopicDisputesCreate, "disputes_create_chargeback.json", []platforms.Event{taken}},
		{"inquiry takes nothing", TopicDisputesCreate, "disputes_create_inquiry.json", nil},
		{"chargeback lost keeps it", TopicDisputesUpdate, "disputes_update_lost.json", []platforms.Event{taken}},
		// Closed in the merchant's favour: the take-back is repeated (booked
		// once, should the opening come later) and undone.
		{"chargeback won gives it back", TopicDisputesUpdate, "disputes_update_won.json", []platforms.Event{taken, {Kind: platforms.KindRefundUndone, Refund: &platforms.Refund{
			ExternalID: "dispute:285332461850805136", OrderExternalID: orderID, Reason: "dispute won", CreatedAt: at("2026-12-20T16:00:00Z")}}}},
		{"charge refunded: the refund takes its own share", TopicDisputesUpdate, "disputes_update_charge_refunded.json", []platforms.Event{taken, {Kind: platforms.KindRefundUndone, Refund: &platforms.Refund{
			ExternalID: "dispute:285332461850805136", OrderExternalID: orderID, Reason: "dispute closed: the order was refunded instead", CreatedAt: at("2026-11-08T00:00:00Z")}}}},
		{"discount created", TopicDiscountsCreate, "discounts_create.json", []platforms.Event{{Kind: platforms.KindCodeChanged,
			Code: &platforms.CodeChange{PlatformID: "gid://shopify/DiscountCodeNode/1057371186"}}}},
		{"discount updated", TopicDiscountsUpdate, "discounts_update.json", []platforms.Event{{Kind: platforms.KindCodeChanged,
			Code: &platforms.CodeChange{PlatformID: "gid://shopify/DiscountCodeNode/1057371186"}}}},
		{"discount deleted", TopicDiscountsDelete, "discounts_delete.json", []platforms.Event{{Kind: platforms.KindCodeChanged,
			Code: &platforms.CodeChange{PlatformID: "gid://shopify/DiscountCodeNode/1057371186", Deleted: true}}}},
		{"automatic discount has no codes", TopicDiscountsCreate, "discounts_create_automatic.json", nil},
		{"app uninstalled", TopicAppUninstalled, "app_uninstalled.json", []platforms.Event{{Kind: platforms.KindAppUninstalled}}},
		{"customer data request", TopicCustomersDataRequest, "customers_data_request.json", []platforms.Event{{Kind: platforms.KindPrivacy,
			Privacy: &platforms.PrivacyRequest{Action: PrivacyDataRequest, CustomerID: "191167", CustomerEmail: "john@example.com",
				OrderIDs: []string{"299938", "280263", "220458"}}}}},
		{"customer redact", TopicCustomersRedact, "customers_redact.json", []platforms.Event{{Kind: platforms.KindPrivacy,
			Privacy: &platforms.PrivacyRequest{Action: PrivacyCustomerRedact, CustomerID: "191167", CustomerEmail: "john@example.com",
				OrderIDs: []string{"299938", "280263", "220458"}}}}},
		{"shop redact", TopicShopRedact, "shop_redact.json", []platforms.Event{{Kind: platforms.KindPrivacy,
			Privacy: &platforms.PrivacyRequest{Action: PrivacyShopRedact}}}},
	}
	a := New(Config{APIKey: "key", APISecret: testSecret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.ParseWebhook(tt.topic, readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			eventsEqual(t, withoutLines(got), tt.want)
		})
	}
}

// withoutLines drops what lines_test.go checks (lines, shipping, tax), so
// the table above keeps to the order's and refund's totals.
func withoutLines(evs []platforms.Event) []platforms.Event {
	if evs == nil {
		return nil
	}
	out := make([]platforms.Event, len(evs))
	for i, e := range evs {
		if e.Order != nil {
			o := *e.Order
			o.Lines, o.Shipping, o.Tax, o.TaxesIncluded = nil, 0, 0, false
			e.Order = &o
		}
		if e.Refund != nil {
			r := *e.Refund
			r.Lines = nil
			e.Refund = &r
		}
		out[i] = e
	}
	return out
}

func TestParseWebhookRejectsMalformed(t *testing.T) {
	tests := []struct {
		name, topic, body string
	}{
		{"not an object", TopicOrdersPaid, `[]`},
		{"not JSON", TopicOrdersPaid, `{"id":`},
		{"order without id", TopicOrdersPaid, `{"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00"}`},
		{"order without currency", TopicOrdersPaid, `{"id":1,"processed_at":"2026-11-02T10:15:01-05:00"}`},
		{"order without date", TopicOrdersPaid, `{"id":1,"currency":"USD"}`},
		{"price not a number", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","line_items":[{"id":2,"price":"abc","quantity":1}]}`},
		{"negative quantity", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","line_items":[{"id":2,"price":"1.00","quantity":-1}]}`},
		{"line without id", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","line_items":[{"price":"1.00","quantity":1}]}`},
		{"same line id twice", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","line_items":[{"id":2,"price":"1.00","quantity":1},{"id":2,"price":"2.00","quantity":1}]}`},
		{"discount larger than its line", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","line_items":[{"id":2,"price":"1.00","quantity":1,"discount_allocations":[{"amount":"1.01"}]}]}`},
		{"shipping price not a number", TopicOrdersPaid, `{"id":1,"currency":"USD","processed_at":"2026-11-02T10:15:01-05:00","shipping_lines":[{"price":"free"}]}`},
		{"refund line without line_item_id", TopicRefundsCreate, `{"id":5,"order_id":1,"created_at":"2026-11-04T12:00:00-05:00","refund_line_items":[{"quantity":1,"subtotal":"5.00"}]}`},
		{"refund line negative", TopicRefundsCreate, `{"id":5,"order_id":1,"created_at":"2026-11-04T12:00:00-05:00","refund_line_items":[{"line_item_id":2,"quantity":1,"subtotal":"-5.00"}]}`},
		{"refund without order", TopicRefundsCreate, `{"id":5,"created_at":"2026-11-04T12:00:00-05:00"}`},
		{"discount with a foreign id", TopicDiscountsCreate, `{"admin_graphql_api_id":"gid://shopify/Product/1"}`},
		{"redact without customer", TopicCustomersRedact, `{"shop_id":1,"shop_domain":"a.myshopify.com"}`},
		{"uninstall not JSON", TopicAppUninstalled, `nope`},
		{"dispute without id", TopicDisputesCreate, `{"order_id":1,"type":"chargeback","amount":"1.00","currency":"USD","status":"needs_response","initiated_at":"2026-11-05T19:00:00-05:00"}`},
		{"dispute amount not a number", TopicDisputesCreate, `{"id":2,"order_id":1,"type":"chargeback","amount":"lots","currency":"USD","status":"needs_response","initiated_at":"2026-11-05T19:00:00-05:00"}`},
		{"dispute amount negative", TopicDisputesCreate, `{"id":2,"order_id":1,"type":"chargeback","amount":"-1.00","currency":"USD","status":"needs_response","initiated_at":"2026-11-05T19:00:00-05:00"}`},
		{"chargeback without currency", TopicDisputesCreate, `{"id":2,"order_id":1,"type":"chargeback","amount":"1.00","status":"needs_response","initiated_at":"2026-11-05T19:00:00-05:00"}`},
		{"chargeback without date", TopicDisputesCreate, `{"id":2,"order_id":1,"type":"chargeback","amount":"1.00","currency":"USD","status":"needs_response"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseWebhook(tt.topic, []byte(tt.body)); !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("err = %v, want ErrPayload", err)
			}
		})
	}
}

// A dispute of a charge that names no order (order_id null) acts on
// nothing and is acknowledged.
func TestDisputeWithoutOrderIsIgnored(t *testing.T) {
	body := `{"id":2,"order_id":null,"type":"chargeback","amount":"1.00","currency":"USD","status":"needs_response","initiated_at":"2026-11-05T19:00:00-05:00"}`
	got, err := ParseWebhook(TopicDisputesCreate, []byte(body))
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want nothing", got, err)
	}
}

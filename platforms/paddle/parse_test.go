package paddle

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

func TestParseTransactionCompleted(t *testing.T) {
	// Samples shaped on https://developer.paddle.com/webhooks/transactions/transaction-completed
	tests := []struct {
		file string
		want platforms.Order
	}{
		{"transaction_completed.json", platforms.Order{
			ExternalID: "txn_01hv8wptq8987qeep44cyrewp9", Number: "325-10566",
			Codes: []string{"dsc_01gtgztp8fpchantd5g1wrksa3"}, Currency: "USD",
			Subtotal: 36000, Discount: 4000, Total: 39195, // 40000 less the 4000 discount; tax 3195 left out
			CustomerID: "ctm_01hv6y1jedq4p1n0yqn5ba3ky4", SubscriptionID: "sub_01hv8x29kz0t586xy6zn1a62ny",
			PlacedAt: time.Date(2024, 4, 12, 10, 18, 48, 294633000, time.UTC),
			Tax:      3195, // 2396 + 799
			Lines: []platforms.OrderLine{
				// 10 × 30.00 = 300.00, less 10% (30.00): 270.00
				{ID: "txnitm_01hv8wt98jahpbm1t1tzr06z6n", ProductID: "pro_01gsz4t5hdjse780zja8vvr7jg", VariantID: "pri_01gsz8x8sawmvhz1pv30nge1ke",
					Title: "AeroEdit Pro", Quantity: 10, UnitPrice: 3000, Discount: 3000, Tax: 2396},
				// 1 × 100.00, less 10.00: 90.00; 270.00 + 90.00 = 360.00, the subtotal
				{ID: "txnitm_01hv8wt98jahpbm1t1v1sd067y", ProductID: "pro_01h1vjes1y163xfj1rh1tkfb65", VariantID: "pri_01h1vjfevh5etwq3rb416a23h2",
					Title: "Analytics addon", Quantity: 1, UnitPrice: 10000, Discount: 1000, Tax: 799},
			},
		}},
		{"transaction_completed_renewal.json", platforms.Order{
			ExternalID: "txn_01hxc2ktr2v0tq2m9e4xmbjv7w", Number: "325-10789", Codes: []string{}, Currency: "USD",
			Subtotal: 40000, Discount: 0, Total: 43550,
			CustomerID: "ctm_01hv6y1jedq4p1n0yqn5ba3ky4", SubscriptionID: "sub_01hv8x29kz0t586xy6zn1a62ny",
			PlacedAt: time.Date(2024, 5, 12, 10, 18, 58, 102030000, time.UTC),
			Tax:      3550, // 2663 on the seats (not 10 × 266), 887 on the addon
			Lines: []platforms.OrderLine{
				{ID: "txnitm_01hxc2ktr5yy8tq5c8rrx3d3gs", ProductID: "pro_01gsz4t5hdjse780zja8vvr7jg", VariantID: "pri_01gsz8x8sawmvhz1pv30nge1ke",
					Title: "AeroEdit Pro", Quantity: 10, UnitPrice: 3000, Tax: 2663},
				{ID: "txnitm_01hxc2ktr5yy8tq5c8rt4q0v1a", ProductID: "pro_01h1vjes1y163xfj1rh1tkfb65", VariantID: "pri_01h1vjfevh5etwq3rb416a23h2",
					Title: "Analytics addon", Quantity: 1, UnitPrice: 10000, Tax: 887},
			},
		}},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			events, err := a.ParseWebhook(TopicTransactionCompleted, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 1 || events[0].Kind != platforms.KindOrderPaid || events[0].Order == nil {
				t.Fatalf("events = %+v, want one paid order", events)
			}
			if got := *events[0].Order; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("order =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseAdjustments(t *testing.T) {
	// Samples shaped on https://developer.paddle.com/webhooks/adjustments/adjustment-created
	// and https://developer.paddle.com/webhooks/adjustments/adjustment-updated
	approvedAt := time.Date(2024, 4, 15, 8, 54, 10, 646377000, time.UTC)
	const seats, addon = "txnitm_01hv8wt98jahpbm1t1tzr06z6n", "txnitm_01hv8wt98jahpbm1t1v1sd067y"
	whole := []platforms.RefundLine{{LineID: seats, Subtotal: 27000}, {LineID: addon, Subtotal: 9000}} // each line's net
	tests := []struct {
		name  string
		file  string
		topic string
		want  *platforms.Refund // nil: no event
	}{
		{"partial refund pending approval books nothing", "adjustment_created_pending.json", TopicAdjustmentCreated, nil},
		{"the same refund approved later is the refund", "adjustment_updated_approved.json", TopicAdjustmentUpdated,
			&platforms.Refund{ExternalID: "adj_01hvgf2s84dr6reszzg29zbvcm", OrderExternalID: "txn_01hv8wptq8987qeep44cyrewp9",
				Currency: "USD", Subtotal: 9000, CreatedAt: approvedAt, Lines: []platforms.RefundLine{{LineID: addon, Subtotal: 9000}}}},
		{"a rejected refund books nothing", "adjustment_updated_rejected.json", TopicAdjustmentUpdated, nil},
		{"a full refund approved at once", "adjustment_created_full_approved.json", TopicAdjustmentCreated,
			&platforms.Refund{ExternalID: "adj_01hvk3tpx8s3ef5z6y1v6k0n2m", OrderExternalID: "txn_01hv8wptq8987qeep44cyrewp9",
				Currency: "USD", Subtotal: 36000, Full: true, CreatedAt: time.Date(2024, 4, 16, 11, 2, 3, 0, time.UTC), Lines: whole}},
		{"a credit to the customer's balance is not a refund", "adjustment_created_credit.json", TopicAdjustmentCreated, nil},
		{"an approved chargeback takes the money back", "adjustment_created_chargeback.json", TopicAdjustmentCreated,
			&platforms.Refund{ExternalID: "chargeback:txn_01hv8wptq8987qeep44cyrewp9", OrderExternalID: "txn_01hv8wptq8987qeep44cyrewp9",
				Currency: "USD", Subtotal: 36000, Full: true, CreatedAt: time.Date(2024, 4, 28, 9, 15, 41, 0, time.UTC), Lines: whole}},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := a.ParseWebhook(tt.topic, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(events) != 0 {
					t.Fatalf("events = %+v, want none", events)
				}
				return
			}
			if len(events) != 1 || events[0].Kind != platforms.KindOrderRefunded || events[0].Refund == nil {
				t.Fatalf("events = %+v, want one refund", events)
			}
			if got := *events[0].Refund; !reflect.DeepEqual(got, *tt.want) {
				t.Errorf("refund = %+v, want %+v", got, *tt.want)
			}
		})
	}
}

// A chargeback reversed (the merchant won) undoes the transaction's chargeback.
func TestParseChargebackReverse(t *testing.T) {
	events, err := New(Config{}).ParseWebhook(TopicAdjustmentCreated, fixture(t, "adjustment_created_chargeback_reverse.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := platforms.Refund{ExternalID: "chargeback:txn_01hv8wptq8987qeep44cyrewp9", OrderExternalID: "txn_01hv8wptq8987qeep44cyrewp9",
		Currency: "USD", CreatedAt: time.Date(2024, 5, 20, 14, 2, 7, 0, time.UTC), Reason: "chargeback reversed (dispute won)"}
	if len(events) != 1 || events[0].Kind != platforms.KindRefundUndone || !reflect.DeepEqual(*events[0].Refund, want) {
		t.Fatalf("events %+v", events)
	}
	warning := strings.Replace(string(fixture(t, "adjustment_created_chargeback.json")), `"action": "chargeback"`, `"action": "chargeback_warning"`, 1)
	if events, err := New(Config{}).ParseWebhook(TopicAdjustmentCreated, []byte(warning)); err != nil || len(events) != 0 {
		t.Fatalf("a chargeback warning moves no money: %+v %v", events, err)
	}
}

func TestParseDiscounts(t *testing.T) {
	// Samples shaped on https://developer.paddle.com/webhooks/discounts/discount-created
	// and https://developer.paddle.com/webhooks/discounts/discount-updated
	tests := []struct {
		file  string
		topic string
		want  *platforms.CodeChange
	}{
		{"discount_created.json", TopicDiscountCreated, &platforms.CodeChange{PlatformID: "dsc_01hv9771gcs1fbm8bwy9zhn6n9",
			Code: "SUMMER15", DiscountType: "percentage", DiscountValue: 1500}},
		{"discount_updated_archived.json", TopicDiscountUpdated, &platforms.CodeChange{PlatformID: "dsc_01hv9771gcs1fbm8bwy9zhn6n9",
			Code: "SUMMER15", DiscountType: "percentage", DiscountValue: 1500, Deleted: true}},
		{"discount_created_automatic.json", TopicDiscountCreated, nil},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			events, err := a.ParseWebhook(tt.topic, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(events) != 0 {
					t.Fatalf("events = %+v, want none", events)
				}
				return
			}
			if len(events) != 1 || events[0].Kind != platforms.KindCodeChanged || *events[0].Code != *tt.want {
				t.Fatalf("events = %+v, want %+v", events, *tt.want)
			}
		})
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	sample := string(fixture(t, "transaction_completed.json"))
	tests := []struct {
		name  string
		topic string
		body  string
	}{
		{"not JSON", TopicTransactionCompleted, "{"},
		{"no data", TopicTransactionCompleted, `{"event_id":"evt_1","event_type":"transaction.completed"}`},
		{"decimal amount", TopicTransactionCompleted, strings.Replace(sample, `"subtotal": "40000"`, `"subtotal": "400.00"`, 1)},
		{"negative amount", TopicTransactionCompleted, strings.Replace(sample, `"discount": "4000"`, `"discount": "-4000"`, 1)},
		{"no currency", TopicTransactionCompleted, strings.ReplaceAll(sample, `"currency_code": "USD"`, `"currency_code": ""`)},
		{"bad time", TopicTransactionCompleted, strings.Replace(sample, `"billed_at": "2024-04-12T10:18:48.294633Z"`, `"billed_at": "yesterday"`, 1)},
		{"refund without amount", TopicAdjustmentUpdated, edit(t, "adjustment_updated_approved.json", "", "data", "totals", "subtotal")},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := a.ParseWebhook(tt.topic, []byte(tt.body)); !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("error = %v, want ErrPayload", err)
			}
		})
	}
}

func TestParseIgnores(t *testing.T) {
	sample := string(fixture(t, "transaction_completed.json"))
	tests := []struct {
		name  string
		topic string
		body  string
	}{
		{"a topic we do not act on", "customer.created", `{"event_id":"evt_1","event_type":"customer.created","data":{}}`},
		{"a card change is not a sale", TopicTransactionCompleted, strings.Replace(sample, `"origin": "web"`, `"origin": "subscription_payment_method_change"`, 1)},
		{"a tax-only refund", TopicAdjustmentUpdated, edit(t, "adjustment_updated_approved.json", "0", "data", "totals", "subtotal")},
	}
	a := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := a.ParseWebhook(tt.topic, []byte(tt.body))
			if err != nil || len(events) != 0 {
				t.Fatalf("events, err = %+v, %v; want none", events, err)
			}
		})
	}
}

// edit returns a sample with the field at path set to value.
func edit(t *testing.T, file string, value any, path ...string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fixture(t, file), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	m[path[len(path)-1]] = value
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPercentBasisPoints(t *testing.T) {
	tests := []struct {
		in   string
		bps  int64
		ok   bool
		back string
	}{
		{"10", 1000, true, "10"}, {"12.5", 1250, true, "12.5"}, {"12.50", 1250, true, "12.5"},
		{"0.01", 1, true, "0.01"}, {"100", 10000, true, "100"}, {"33.33", 3333, true, "33.33"},
		{"100.01", 0, false, ""}, {"12.345", 0, false, ""}, {"", 0, false, ""}, {"-5", 0, false, ""},
		{"1e2", 0, false, ""}, {"5.", 500, true, "5"},
	}
	for _, tt := range tests {
		bps, ok := percentToBasisPoints(tt.in)
		if ok != tt.ok || (ok && bps != tt.bps) {
			t.Errorf("percentToBasisPoints(%q) = %d, %v; want %d, %v", tt.in, bps, ok, tt.bps, tt.ok)
		}
		if ok && currency.BasisPointsToPercent(bps) != tt.back {
			t.Errorf("currency.BasisPointsToPercent(%d) = %q, want %q", bps, currency.BasisPointsToPercent(bps), tt.back)
		}
	}
}

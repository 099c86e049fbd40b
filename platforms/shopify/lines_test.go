package shopify

import (
	"reflect"
	"testing"

	"codecredit/platforms"
)

// The lines of the recorded orders (testdata/README.md gives their
// sources), every field worked out by hand from the payload's shop_money
// amounts; the presentment amounts never show.
func TestOrderLines(t *testing.T) {
	sweater := platforms.OrderLine{ID: "466157049", ProductID: "632910392", VariantID: "808950810", SKU: "SWEATER-M",
		Title: "Wool sweater - M", Quantity: 2, UnitPrice: 19900, Discount: 3980, Tax: 2866}
	tests := []struct {
		file          string
		lines         []platforms.OrderLine
		shipping, tax int64
		incl          bool
	}{
		// 2 × 199.00 − 39.80 = 358.20; 25.50 − 2.55 = 22.95; 3 × 10.00 = 30.00:
		// 411.15 in all. Tax 28.66 + 1.83 + 2.40 = 32.89; shipping 10.00 untaxed.
		{"orders_paid.json", []platforms.OrderLine{sweater,
			{ID: "518995019", ProductID: "632910393", VariantID: "808950811", SKU: "SOCKS", Title: "Cotton socks", Quantity: 1, UnitPrice: 2550, Discount: 255, Tax: 183},
			{ID: "703073504", ProductID: "632910394", VariantID: "808950812", SKU: "WRAP", Title: "Gift wrap", Quantity: 3, UnitPrice: 1000, Tax: 240}},
			1000, 3289, false},
		// FREESHIP's 10.00 is allocated to the shipping line: 10.00 − 10.00 = 0.
		{"orders_paid_multi_code.json", []platforms.OrderLine{sweater}, 0, 2866, false},
		// 100 % off: the line's discount is the whole line.
		{"orders_paid_zero.json", []platforms.OrderLine{{ID: "518995019", ProductID: "632910393", VariantID: "808950811",
			SKU: "SOCKS", Title: "Cotton socks", Quantity: 1, UnitPrice: 2550, Discount: 2550}}, 0, 0, false},
		// Yen have no minor unit: 2 × ¥1,500 − ¥600 = ¥2,400; shipping ¥300.
		{"orders_paid_jpy.json", []platforms.OrderLine{{ID: "466157049", ProductID: "632910392", VariantID: "808950810",
			SKU: "SWEATER-M", Title: "Wool sweater - M", Quantity: 2, UnitPrice: 1500, Discount: 600}}, 300, 0, false},
		// 119.00 − 11.90 = 107.10 including 17.10 VAT: net 90.00.
		{"orders_paid_taxes_included.json", []platforms.OrderLine{{ID: "466157049", ProductID: "632910392", VariantID: "808950810",
			SKU: "SWEATER-M", Title: "Wool sweater - M", Quantity: 1, UnitPrice: 11900, Discount: 1190, Tax: 1710}}, 0, 1710, true},
		// TENOFF's 10.00 across 119.00 and 11.90: 9.0909… and 0.9090…, the
		// spare cent to the larger remainder: 9.09 and 0.91. VAT included at
		// 19 %: (119.00 − 9.09) × 19/119 = 17.55 and (11.90 − 0.91) × 19/119
		// = 1.75. Nets 119.00 − 9.09 − 17.55 = 92.36 and 11.90 − 0.91 − 1.75
		// = 9.24: 101.60. Shipping 5.95 including 0.95 VAT: 5.00. The
		// engraving is a custom line: no product, variant or SKU.
		{"orders_paid_vat_shipping.json", []platforms.OrderLine{
			{ID: "466157050", ProductID: "632910395", VariantID: "808950815", SKU: "SHIRT-L", Title: "Linen shirt - L", Quantity: 2, UnitPrice: 5950, Discount: 909, Tax: 1755},
			{ID: "466157051", Title: "Engraving", Quantity: 1, UnitPrice: 1190, Discount: 91, Tax: 175}},
			500, 1930, true},
	}
	subtotals := map[string]int64{"orders_paid.json": 41115, "orders_paid_multi_code.json": 35820, "orders_paid_zero.json": 0,
		"orders_paid_jpy.json": 2400, "orders_paid_taxes_included.json": 9000, "orders_paid_vat_shipping.json": 10160}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			evs, err := ParseWebhook(TopicOrdersPaid, readFixture(t, tt.file))
			if err != nil || len(evs) != 1 {
				t.Fatalf("ParseWebhook = %v, %v", evs, err)
			}
			o := evs[0].Order
			if !reflect.DeepEqual(o.Lines, tt.lines) {
				t.Errorf("lines\n got %+v\nwant %+v", o.Lines, tt.lines)
			}
			if o.Shipping != tt.shipping || o.Tax != tt.tax || o.TaxesIncluded != tt.incl || o.Subtotal != subtotals[tt.file] {
				t.Errorf("shipping %d tax %d included %v subtotal %d; want %d %d %v %d",
					o.Shipping, o.Tax, o.TaxesIncluded, o.Subtotal, tt.shipping, tt.tax, tt.incl, subtotals[tt.file])
			}
			checkLines(t, o)
		})
	}
}

// The refund names the sweater line it gives one of back: 199.00 less its
// share of the 10 % code, 179.10.
func TestRefundLines(t *testing.T) {
	evs, err := ParseWebhook(TopicRefundsCreate, readFixture(t, "refunds_create_partial.json"))
	if err != nil || len(evs) != 1 {
		t.Fatalf("ParseWebhook = %v, %v", evs, err)
	}
	want := []platforms.RefundLine{{LineID: "466157049", Quantity: 1, Subtotal: 17910}}
	if r := evs[0].Refund; !reflect.DeepEqual(r.Lines, want) {
		t.Fatalf("refund lines %+v, want %+v", r.Lines, want)
	}
	checkRefundLines(t, evs[0].Refund)
}

// checkLines asserts what every order the adapter emits must meet: lines
// that pass CheckLines and whose nets add up to the subtotal.
func checkLines(t *testing.T, o *platforms.Order) {
	t.Helper()
	if len(o.Lines) == 0 {
		return
	}
	if err := platforms.CheckLines(o.Lines); err != nil {
		t.Fatalf("order %s: %v", o.ExternalID, err)
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.Net(o.TaxesIncluded)
	}
	if sum != o.Subtotal {
		t.Fatalf("order %s: lines' nets sum to %d, subtotal %d", o.ExternalID, sum, o.Subtotal)
	}
}

// checkRefundLines asserts that a refund's lines add up to its subtotal.
func checkRefundLines(t *testing.T, r *platforms.Refund) {
	t.Helper()
	if len(r.Lines) == 0 {
		return
	}
	var sum int64
	for _, l := range r.Lines {
		if l.LineID == "" || l.Subtotal < 0 {
			t.Fatalf("refund %s: malformed line %+v", r.ExternalID, l)
		}
		sum += l.Subtotal
	}
	if sum != r.Subtotal {
		t.Fatalf("refund %s: lines sum to %d, subtotal %d", r.ExternalID, sum, r.Subtotal)
	}
}

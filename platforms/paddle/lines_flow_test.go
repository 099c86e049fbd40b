package paddle_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/paddle/sandbox"
)

// basket is the sale's 3 seats at 29.99 and 10.00 setup, tax (10%) added
// on top, and 3 guides at 9.99 tax included.
var basket = append(slices.Clip(sale), sandbox.Item{Name: "Guide", UnitPrice: 999, Quantity: 3, TaxIncluded: true})

// A checkout with a 15% code on the whole basket, through the sandbox,
// its signed webhook and the adapter, then two refunds of one line each.
func TestOrderLinesAndLineRefundsFromPaddle(t *testing.T) {
	ctx := context.Background()
	f := newFlow(t, 0)
	c := f.connect()
	if _, err := f.adapter.CreateCode(ctx, c, platforms.NewCode{Code: "ALICE15", DiscountType: "percentage", DiscountValue: 1500}); err != nil {
		t.Fatal(err)
	}
	f.events("discount.created")
	txn, err := f.sb.CompleteTransaction(ctx, "ALICE15", basket, "USD", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	o := f.events("transaction.completed")[0].Order
	li := txn.Details.LineItems
	if len(li) != 3 {
		t.Fatalf("the transaction has %d line items, want 3", len(li))
	}
	want := []platforms.OrderLine{
		// 3 × 29.99 = 89.97; 15% = 13.4955 → 13.50; net 76.47; tax 7.647 → 7.65
		{ID: li[0].ID, ProductID: li[0].Product.ID, VariantID: li[0].PriceID, Title: "Pro seat",
			Quantity: 3, UnitPrice: 2999, Discount: 1350, Tax: 765},
		// 10.00 less 1.50: net 8.50; tax 0.85
		{ID: li[1].ID, ProductID: li[1].Product.ID, VariantID: li[1].PriceID, Title: "Setup",
			Quantity: 1, UnitPrice: 1000, Discount: 150, Tax: 85},
		// 3 × 9.99 = 29.97 with tax in: 29.97 / 1.1 = 27.245 → 27.25 before
		// tax, but one unit is 9.99 / 1.1 = 9.08 and 3 × 9.08 = 27.24. The
		// unit is 27.25 / 3 rounded up, 9.09 (3 × 9.09 = 27.27), the 0.02 over
		// counted as discount with the 15% (27.25 × 0.15 = 4.0875 → 4.09):
		// 4.11; net 27.27 − 4.11 = 23.16 = 27.25 − 4.09; tax 2.316 → 2.32
		{ID: li[2].ID, ProductID: li[2].Product.ID, VariantID: li[2].PriceID, Title: "Guide",
			Quantity: 3, UnitPrice: 909, Discount: 411, Tax: 232},
	}
	// subtotal 89.97 + 10.00 + 27.25 = 127.22, less 13.50 + 1.50 + 4.09 =
	// 19.09: 108.13 = 76.47 + 8.50 + 23.16; tax 7.65 + 0.85 + 2.32 = 10.82
	if !reflect.DeepEqual(o.Lines, want) {
		t.Fatalf("lines =\n%+v\nwant\n%+v", o.Lines, want)
	}
	if o.Subtotal != 10813 || o.Discount != 1909 || o.Tax != 1082 || o.Total != 11895 || o.Shipping != 0 || o.TaxesIncluded {
		t.Fatalf("order = %+v, want subtotal 10813, discount 1909, tax 1082, total 11895, no shipping, prices before tax", o)
	}
	var net int64
	for _, l := range o.Lines {
		net += l.Net(o.TaxesIncluded)
	}
	if net != o.Subtotal || platforms.CheckLines(o.Lines) != nil {
		t.Fatalf("lines come to %d, subtotal %d", net, o.Subtotal)
	}

	// 5.50 of the setup back, tax in: 5.50 / 1.1 = 5.00 of goods, 0.50 tax
	adj, err := f.sb.RefundItem(ctx, txn.ID, li[1].ID, 550, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(adj.Items) != 1 || adj.Items[0].Type != "partial" || *adj.Items[0].Amount != "550" || adj.Type != "partial" {
		t.Fatalf("adjustment = %+v, want one partial item of 550", adj)
	}
	r := f.events("adjustment.created")[0].Refund
	if r.Subtotal != 500 || r.Full || !reflect.DeepEqual(r.Lines, []platforms.RefundLine{{LineID: li[1].ID, Subtotal: 500}}) {
		t.Fatalf("refund = %+v, want 500 of the setup's line", r)
	}

	// all of the guides, awaiting approval: their net 23.16 and tax 2.32
	r = f.approved(f.sb.RefundItem(ctx, txn.ID, li[2].ID, 0, false))
	if r.Subtotal != 2316 || r.Full || !reflect.DeepEqual(r.Lines, []platforms.RefundLine{{LineID: li[2].ID, Subtotal: 2316}}) {
		t.Fatalf("refund = %+v, want the guides' 2316", r)
	}
	if _, err := f.sb.RefundItem(ctx, txn.ID, li[2].ID, 1, true); err == nil {
		t.Error("refunding a fully refunded line worked")
	}
}

// approved checks a refund pending approval gives no event, has the
// sandbox approve it, and returns the refund its adjustment.updated gives.
func (f *flow) approved(pending sandbox.Adjustment, err error) *platforms.Refund {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	if got := f.events("adjustment.created"); len(got) != 0 {
		f.t.Fatalf("a refund pending approval gave %+v", got)
	}
	if _, err := f.sb.ApproveAdjustment(context.Background(), pending.ID); err != nil {
		f.t.Fatal(err)
	}
	r := f.events("adjustment.updated")[0].Refund
	if r.ExternalID != pending.ID {
		f.t.Fatalf("approved refund %+v is not adjustment %s", r, pending.ID)
	}
	return r
}

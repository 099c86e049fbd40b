package sandbox_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"codecredit/platforms/paddle/sandbox"
)

// A price that includes tax is sold as Paddle sells it: tax_mode
// internal, its subtotal and a flat discount before tax, the unit and
// the line rounded each on its own.
func TestTaxIncludedPrices(t *testing.T) {
	sb := sandbox.New(sandbox.Options{TaxRate: 2000})
	sb.AddDiscount(sandbox.Discount{Status: "active", Description: "x", Type: "flat", Amount: "600", CurrencyCode: ptr("EUR"),
		Code: ptr("SIX"), EnabledForCheckout: true})
	items := []sandbox.Item{{Name: "in", UnitPrice: 1000, Quantity: 3, TaxIncluded: true}, {Name: "out", UnitPrice: 2500, Quantity: 1}}
	txn, err := sb.CompleteTransaction(context.Background(), "SIX", items, "EUR", "a@b.c")
	if err != nil {
		t.Fatal(err)
	}
	in, out := txn.Details.LineItems[0], txn.Details.LineItems[1]
	// 30.00 with 20% in: 25.00 before tax; one unit 10.00 / 1.2 = 8.33.
	// The 6.00 off spreads 3.00 / 3.00 over the two 25.00 lines; on the
	// first it includes tax: 3.00 / 1.2 = 2.50.
	if txn.Items[0].Price.TaxMode != "internal" || txn.Items[1].Price.TaxMode != "account_setting" ||
		in.Totals.Subtotal != "2500" || in.UnitTotals.Subtotal != "833" || in.Totals.Discount != "250" || in.Totals.Tax != "450" ||
		out.Totals.Subtotal != "2500" || out.Totals.Discount != "300" || out.Totals.Tax != "440" {
		t.Fatalf("line items = %+v\n%+v", in, out)
	}
	tot := txn.Details.Totals
	if tot.Subtotal != "5000" || tot.Discount != "550" || tot.Tax != "890" || tot.Total != "5340" {
		t.Errorf("totals = %+v, want 5000 − 550 + 890 = 5340", tot)
	}
}

// A refund of one line item adjusts that item alone.
func TestRefundItem(t *testing.T) {
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{}) // 10% tax
	items := []sandbox.Item{{Name: "a", UnitPrice: 1000, Quantity: 2}, {Name: "b", UnitPrice: 500, Quantity: 1}}
	txn, err := sb.CompleteTransaction(ctx, "", items, "USD", "a@b.c") // a: 2000 + 200, b: 500 + 50
	if err != nil {
		t.Fatal(err)
	}
	b := txn.Details.LineItems[1].ID
	part, err := sb.RefundItem(ctx, txn.ID, b, 220, true) // 200 + 20 tax
	if err != nil || part.Type != "partial" || len(part.Items) != 1 || part.Items[0].ItemID != b || part.Items[0].Type != "partial" ||
		part.Items[0].Totals.Subtotal != "200" || part.Totals.Subtotal != "200" || part.Totals.Tax != "20" {
		t.Fatalf("partial refund of b = %+v, %v", part, err)
	}
	rest, err := sb.RefundItem(ctx, txn.ID, b, 0, true)
	if err != nil || len(rest.Items) != 1 || rest.Items[0].Type != "full" || rest.Totals.Subtotal != "300" || rest.Type != "partial" {
		t.Fatalf("the rest of b = %+v, %v", rest, err)
	}
	if _, err := sb.RefundItem(ctx, txn.ID, b, 1, true); err == nil {
		t.Error("refunding a fully refunded item worked")
	}
	if _, err := sb.RefundItem(ctx, txn.ID, "txnitm_nope", 1, true); !errors.Is(err, sandbox.ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	a := txn.Details.LineItems[0].ID
	status, _, body := call(t, srv, "POST", "/__sandbox/transactions/"+txn.ID+"/refund", bearer, `{"amount":1100,"approve":true,"item_id":"`+a+`"}`)
	items0, _ := body["data"].(map[string]any)["items"].([]any)
	if status != 200 || len(items0) != 1 || items0[0].(map[string]any)["item_id"] != a {
		t.Fatalf("refund of an item through the control API: %d %v", status, body)
	}
}

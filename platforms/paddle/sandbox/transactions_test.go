package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strconv"
	"testing"

	"codecredit/platforms/paddle/sandbox"
)

func n(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("amount %q is not a whole number", s)
	}
	return v
}

func TestTransactionTotals(t *testing.T) {
	items := []sandbox.Item{{Name: "a", UnitPrice: 999, Quantity: 3}, {Name: "b", UnitPrice: 1001, Quantity: 1}}
	tests := []struct {
		name     string
		discount *sandbox.Discount
		wantDisc int64
	}{
		{"no code", nil, 0},
		{"percentage", &sandbox.Discount{Type: "percentage", Amount: "12.5"}, 375 + 125}, // 374.625 → 375, 125.125 → 125
		{"flat, spread over lines", &sandbox.Discount{Type: "flat", Amount: "1000", CurrencyCode: ptr("USD")}, 1000},
		{"flat over the subtotal", &sandbox.Discount{Type: "flat", Amount: "999999", CurrencyCode: ptr("USD")}, 3998},
		{"flat per seat", &sandbox.Discount{Type: "flat_per_seat", Amount: "100", CurrencyCode: ptr("USD")}, 400},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := sandbox.New(sandbox.Options{TaxRate: 2000})
			code := ""
			if tt.discount != nil {
				code = "CODE" + strconv.Itoa(i)
				d := *tt.discount
				d.Status, d.Description, d.EnabledForCheckout, d.Code = "active", "x", true, &code
				if _, err := sb.AddDiscount(d); err != nil {
					t.Fatal(err)
				}
			}
			txn, err := sb.CompleteTransaction(context.Background(), code, items, "USD", "a@b.c")
			if err != nil {
				t.Fatal(err)
			}
			tot := txn.Details.Totals
			sub, disc, tax, total := n(t, tot.Subtotal), n(t, tot.Discount), n(t, tot.Tax), n(t, tot.Total)
			if sub != 3998 || disc != tt.wantDisc || total != sub-disc+tax || n(t, tot.GrandTotal) != total {
				t.Errorf("totals = %+v, want subtotal 3998, discount %d, total = subtotal − discount + tax", tot, tt.wantDisc)
			}
			var lineSub, lineDisc, lineTax int64
			for _, li := range txn.Details.LineItems {
				lineSub, lineDisc, lineTax = lineSub+n(t, li.Totals.Subtotal), lineDisc+n(t, li.Totals.Discount), lineTax+n(t, li.Totals.Tax)
			}
			if lineSub != sub || lineDisc != disc || lineTax != tax {
				t.Errorf("line items sum to %d/%d/%d, totals say %d/%d/%d", lineSub, lineDisc, lineTax, sub, disc, tax)
			}
		})
	}
}

func TestCheckoutRefusesUnusableCodes(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	sb.AddDiscount(sandbox.Discount{Status: "archived", Description: "x", Type: "percentage", Amount: "5", Code: ptr("OLD"), EnabledForCheckout: true})
	sb.AddDiscount(sandbox.Discount{Status: "active", Description: "x", Type: "flat", Amount: "5", CurrencyCode: ptr("EUR"), Code: ptr("EURO"), EnabledForCheckout: true})
	items := []sandbox.Item{{Name: "a", UnitPrice: 999, Quantity: 1}}
	for _, code := range []string{"OLD", "EURO", "NOPE"} {
		if _, err := sb.CompleteTransaction(context.Background(), code, items, "USD", "a@b.c"); err == nil {
			t.Errorf("checkout with %s worked", code)
		}
	}
}

func TestRefunds(t *testing.T) {
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{}) // 10% tax
	items := []sandbox.Item{{Name: "a", UnitPrice: 1000, Quantity: 2}, {Name: "b", UnitPrice: 500, Quantity: 1}}
	txn, err := sb.CompleteTransaction(ctx, "", items, "USD", "a@b.c") // 2500 + 250 tax = 2750
	if err != nil {
		t.Fatal(err)
	}
	pending, err := sb.Refund(ctx, txn.ID, 1100, false)
	if err != nil || pending.Status != "pending_approval" || pending.Type != "partial" || pending.Totals.Subtotal != "1000" || pending.Totals.Tax != "100" {
		t.Fatalf("pending refund = %+v, %v", pending, err)
	}
	if _, err := sb.RejectAdjustment(ctx, pending.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.ApproveAdjustment(ctx, pending.ID); err == nil {
		t.Error("approving a rejected refund worked")
	}
	full, err := sb.Refund(ctx, txn.ID, 0, true) // the rejected amount is refundable again
	if err != nil || full.Type != "full" || full.Status != "approved" || full.Totals.Subtotal != "2500" || full.Totals.Total != "2750" {
		t.Fatalf("full refund = %+v, %v", full, err)
	}
	if _, err := sb.Refund(ctx, txn.ID, 1, true); err == nil {
		t.Error("refunding a fully refunded transaction worked")
	}
	if _, err := sb.Refund(ctx, "txn_nope", 1, true); !errors.Is(err, sandbox.ErrNotFound) {
		t.Errorf("unknown transaction: %v", err)
	}
}

func TestPartialRefundsAddUpToTheTransaction(t *testing.T) {
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{TaxRate: 875})
	txn, err := sb.CompleteTransaction(ctx, "", []sandbox.Item{{Name: "a", UnitPrice: 3333, Quantity: 3}, {Name: "b", UnitPrice: 777, Quantity: 1}}, "USD", "a@b.c")
	if err != nil {
		t.Fatal(err)
	}
	var sub, tax int64
	for _, amount := range []int64{1234, 999, 5000, 1, 0} {
		adj, err := sb.Refund(ctx, txn.ID, amount, true)
		if err != nil {
			t.Fatal(err)
		}
		if amount > 0 && n(t, adj.Totals.Total) != amount {
			t.Errorf("refund of %d came to %s", amount, adj.Totals.Total)
		}
		sub, tax = sub+n(t, adj.Totals.Subtotal), tax+n(t, adj.Totals.Tax)
	}
	tot := txn.Details.Totals
	if sub != n(t, tot.Subtotal)-n(t, tot.Discount) || tax != n(t, tot.Tax) {
		t.Errorf("refunds sum to %d + %d tax, transaction was %s + %s tax", sub, tax, tot.Subtotal, tot.Tax)
	}
}

func TestRenewalKeepsRecurringDiscountsOnly(t *testing.T) {
	ctx := context.Background()
	for _, recur := range []bool{true, false} {
		sb := sandbox.New(sandbox.Options{})
		sb.AddDiscount(sandbox.Discount{Status: "active", Description: "x", Type: "percentage", Amount: "50", Code: ptr("HALF"), EnabledForCheckout: true, Recur: recur})
		txn, err := sb.CompleteTransaction(ctx, "HALF", []sandbox.Item{{Name: "plan", UnitPrice: 2000, Quantity: 1, Recurring: true}, {Name: "setup", UnitPrice: 500, Quantity: 1}}, "USD", "a@b.c")
		if err != nil || txn.SubscriptionID == nil || txn.Origin != "web" {
			t.Fatalf("first payment = %+v, %v", txn, err)
		}
		renewal, err := sb.Renew(ctx, *txn.SubscriptionID)
		if err != nil {
			t.Fatal(err)
		}
		discounted := renewal.DiscountID != nil && renewal.Details.Totals.Discount == "1000"
		if renewal.Origin != "subscription_recurring" || renewal.Details.Totals.Subtotal != "2000" || discounted != recur {
			t.Errorf("recur=%v: renewal origin %s, totals %+v, discount %v", recur, renewal.Origin, renewal.Details.Totals, renewal.DiscountID)
		}
	}
	if _, err := sandbox.New(sandbox.Options{}).Renew(ctx, "sub_nope"); !errors.Is(err, sandbox.ErrNotFound) {
		t.Errorf("unknown subscription: %v", err)
	}
}

func TestControlAPI(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	status, _, body := call(t, srv, "POST", "/__sandbox/discounts/seed", bearer, `{"count":3}`)
	if status != 201 || len(body["data"].([]any)) != 3 {
		t.Fatalf("seed: %d %v", status, body)
	}
	status, _, body = call(t, srv, "POST", "/__sandbox/transactions", bearer,
		`{"code":"seed0001","items":[{"name":"x","unit_price":1000,"quantity":1,"recurring":true}],"currency":"USD","email":"a@b.c"}`)
	if status != 200 {
		t.Fatalf("transaction: %d %v", status, body)
	}
	var txn sandbox.Transaction
	raw, _ := json.Marshal(body["data"])
	json.Unmarshal(raw, &txn)
	if txn.DiscountID == nil || txn.SubscriptionID == nil {
		t.Fatalf("transaction = %+v", txn)
	}
	status, _, body = call(t, srv, "POST", "/__sandbox/transactions/"+txn.ID+"/refund", bearer, `{"amount":500,"approve":false}`)
	adjID, _ := body["data"].(map[string]any)["id"].(string)
	if status != 200 || adjID == "" {
		t.Fatalf("refund: %d %v", status, body)
	}
	if status, _, body = call(t, srv, "POST", "/__sandbox/adjustments/"+adjID+"/approve", bearer, ""); status != 200 ||
		body["data"].(map[string]any)["status"] != "approved" {
		t.Fatalf("approve: %d %v", status, body)
	}
	if status, _, _ = call(t, srv, "POST", "/__sandbox/subscriptions/"+*txn.SubscriptionID+"/renew", bearer, ""); status != 200 {
		t.Fatalf("renew: %d", status)
	}
	if status, _, body = call(t, srv, "POST", "/__sandbox/subscriptions/sub_nope/renew", bearer, ""); status != 404 || errorCode(t, body) != "not_found" {
		t.Fatalf("renew unknown: %d %v", status, body)
	}
	if status, _, _ = call(t, srv, "POST", "/__sandbox/transactions", "", `{}`); status != 403 {
		t.Fatalf("control API without a key: %d", status)
	}
}

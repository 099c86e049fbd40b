package stripe_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// enriched parses a delivery as the worker does: through EnrichWebhook
// with the connection, then ParseWebhook.
func (a *app) enriched(c *platforms.Conn, r received) []platforms.Event {
	a.t.Helper()
	body, err := a.adapter.EnrichWebhook(context.Background(), c, r.webhook.Topic, r.body)
	if err != nil {
		a.t.Fatalf("enrich %s: %v", r.webhook.Topic, err)
	}
	events, err := a.adapter.ParseWebhook(r.webhook.Topic, body)
	if err != nil {
		a.t.Fatalf("parse %s: %v", r.webhook.Topic, err)
	}
	return events
}

// taxedShop is an account connected with its key, charging 10% tax, with
// a percentage code created through the adapter.
func taxedShop(t *testing.T, code string, bps int64) (*app, *platforms.Conn) {
	a := newApp(t)
	conn, _ := a.connectKey(0)
	if _, err := a.adapter.CreateCode(context.Background(), conn, platforms.NewCode{Code: code,
		DiscountType: "percentage", DiscountValue: bps}); err != nil {
		t.Fatal(err)
	}
	a.sb.SetTax(conn.ExternalID, 1000)
	return a, conn
}

// checkInvariant fails unless the order's lines pass CheckLines and their
// nets add up to its Subtotal.
func checkInvariant(t *testing.T, o *platforms.Order) {
	t.Helper()
	if err := platforms.CheckLines(o.Lines); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.Net(o.TaxesIncluded)
	}
	if sum != o.Subtotal {
		t.Fatalf("lines' nets add up to %d, subtotal %d", sum, o.Subtotal)
	}
}

// A checkout of three products: the session's line items are read
// through the API (they are never in the webhook), with the code's
// discount spread over them and each line's tax; a plain refund of the
// payment names no line.
func TestCheckoutLinesFlow(t *testing.T) {
	a, conn := taxedShop(t, "ALICE15", 1500)
	a.sb.SetShipping(conn.ExternalID, 500)
	pay, err := a.sb.CheckoutItems(conn.ExternalID, "ALICE15", []sandbox.Item{
		{Product: "prod_mug", Title: "Mug", UnitAmount: 1111, Quantity: 3},
		{Product: "prod_tee", Title: "Tee", UnitAmount: 2500, Quantity: 1},
		{Product: "prod_pin", Title: "Pin", UnitAmount: 777, Quantity: 2},
	}, "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	got := a.since(0)
	if len(got) != 1 || len(got[0].events) != 1 || len(got[0].events[0].Order.Lines) != 0 {
		t.Fatalf("the webhook alone has no lines: %+v", got)
	}
	evs := a.enriched(conn, got[0])
	if len(evs) != 1 || evs[0].Order == nil {
		t.Fatalf("events %+v", evs)
	}
	o := evs[0].Order
	// Goods 33.33 + 25.00 + 15.54 = 73.87; 15% off: 11.08 (1108.05 rounded).
	// Spread by amount: 1108×3333/7387 = 499.93, ×2500/7387 = 374.98,
	// ×1554/7387 = 233.09: 1106 floored, the 2 left to the largest
	// fractions (tee .98, mug .93): 500, 375, 233.
	// Tax 10% of each net, half up: 2833 → 283, 2125 → 213 (212.5), 1321 → 132.
	// Subtotal 2833 + 2125 + 1321 = 6279; tax 628; shipping 5.00;
	// total 7387 − 1108 + 628 + 500 = 7407.
	if o.ExternalID != pay.PaymentIntentID || o.Subtotal != 6279 || o.Discount != 1108 || o.Tax != 628 ||
		o.Shipping != 500 || o.Total != 7407 || o.TaxesIncluded {
		t.Fatalf("order %+v", o)
	}
	want := []platforms.OrderLine{
		{ProductID: "prod_mug", Title: "Mug", Quantity: 3, UnitPrice: 1111, Discount: 500, Tax: 283},
		{ProductID: "prod_tee", Title: "Tee", Quantity: 1, UnitPrice: 2500, Discount: 375, Tax: 213},
		{ProductID: "prod_pin", Title: "Pin", Quantity: 2, UnitPrice: 777, Discount: 233, Tax: 132},
	}
	if len(o.Lines) != len(want) {
		t.Fatalf("lines %+v", o.Lines)
	}
	for i, l := range o.Lines {
		if l.ID == "" || l.ID[:3] != "li_" {
			t.Fatalf("line %d id %q, want the line item's li_...", i, l.ID)
		}
		want[i].ID = l.ID
	}
	if !reflect.DeepEqual(o.Lines, want) {
		t.Fatalf("lines\n got %+v\nwant %+v", o.Lines, want)
	}
	checkInvariant(t, o)

	n := a.count()
	if _, err := a.sb.Refund(pay.PaymentIntentID, 2000); err != nil {
		t.Fatal(err)
	}
	refunds := eventsOf(a.since(n))
	if len(refunds) != 1 || refunds[0].Refund.Amount != 2000 || len(refunds[0].Refund.Lines) != 0 {
		t.Fatalf("a refund of an amount names no line: %+v", refunds)
	}
}

// A subscription of two items: its invoice.paid lists the lines; a credit
// note of one seat gives back that line's share, itemised, and its refund
// names the payment, not the invoice, so it is not counted again.
func TestSubscriptionLinesAndCreditNoteFlow(t *testing.T) {
	a, conn := taxedShop(t, "SUBS20", 2000)
	sub, err := a.sb.SubscribeItems(conn.ExternalID, "SUBS20", []sandbox.Item{
		{Product: "prod_seat", Title: "Seat", UnitAmount: 1200, Quantity: 3},
		{Product: "prod_addon", Title: "Add-on", UnitAmount: 999, Quantity: 1},
	}, "usd")
	if err != nil {
		t.Fatal(err)
	}
	got := a.since(0)
	if len(got) != 2 || got[0].webhook.Topic != "invoice.paid" {
		t.Fatalf("deliveries %+v", got)
	}
	inv, session := a.enriched(conn, got[0])[0].Order, a.enriched(conn, got[1])[0].Order
	// Goods 36.00 + 9.99 = 45.99; 20% off: 9.20 (919.8 rounded). Spread:
	// 920×3600/4599 = 720.16, ×999/4599 = 199.84: 919 floored, the 1 left
	// to the add-on: 720, 200. Tax 10%: 2880 → 288, 799 → 80 (79.9).
	// Subtotal 2880 + 799 = 3679, tax 368, total 4047.
	if inv.ExternalID != sub.InvoiceID || inv.Subtotal != 3679 || inv.Discount != 920 || inv.Tax != 368 ||
		inv.Shipping != 0 || inv.Total != 4047 || len(inv.Codes) != 1 {
		t.Fatalf("invoice order %+v", inv)
	}
	want := []platforms.OrderLine{
		{ID: sub.LineIDs[0], ProductID: "prod_seat", Title: "3 × Seat (at 12.00 / month)", Quantity: 3,
			UnitPrice: 1200, Discount: 720, Tax: 288},
		{ID: sub.LineIDs[1], ProductID: "prod_addon", Title: "1 × Add-on (at 9.99 / month)", Quantity: 1,
			UnitPrice: 999, Discount: 200, Tax: 80},
	}
	if !reflect.DeepEqual(inv.Lines, want) {
		t.Fatalf("lines\n got %+v\nwant %+v", inv.Lines, want)
	}
	checkInvariant(t, inv)
	if session.ExternalID != sub.InvoiceID || len(session.Lines) != 0 || session.Subtotal != 3679 {
		t.Fatalf("the session names the invoice, whose lines invoice.paid carries: %+v", session)
	}

	n := a.count()
	cn, err := a.sb.CreditNote(sub.InvoiceID, sub.LineIDs[0], 1)
	if err != nil {
		t.Fatal(err)
	}
	// One seat of three: 12.00, a third of 7.20 off (2.40), a third of
	// 2.88 tax (0.96): 9.60 of goods, 10.56 refunded.
	evs := eventsOf(a.since(n))
	if cn.Total != 1056 || len(evs) != 2 {
		t.Fatalf("credit note %+v: events %s", cn, dumpEvents(evs))
	}
	r := evs[0].Refund
	wantRefund := &platforms.Refund{ExternalID: cn.ID, OrderExternalID: sub.InvoiceID, Currency: "USD", Subtotal: 960,
		CreatedAt: r.CreatedAt, Lines: []platforms.RefundLine{{LineID: sub.LineIDs[0], Quantity: 1, Subtotal: 960}}}
	if !reflect.DeepEqual(r, wantRefund) {
		t.Fatalf("credit note refund\n got %+v\nwant %+v", r, wantRefund)
	}
	// Its money, refunded to the card: refund.created names the payment
	// intent, under which no order of the invoice is booked;
	// charge.refunded (partial) gives nothing.
	if m := evs[1].Refund; m.ExternalID != cn.RefundID || m.OrderExternalID != sub.PaymentIntentID || m.Amount != 1056 {
		t.Fatalf("refund %+v", m)
	}
}

func dumpEvents(evs []platforms.Event) string {
	out := ""
	for _, e := range evs {
		out += e.Kind + " "
		if e.Refund != nil {
			out += e.Refund.ExternalID + " "
		}
	}
	return out
}

// An invoice of more lines than it carries (Stripe gives the first
// handful, has_more set) is credited without lines until the worker has
// listed them all; then every line is there and they add up.
func TestInvoiceWithManyLinesFlow(t *testing.T) {
	a, conn := taxedShop(t, "MANY10", 1000)
	var items []sandbox.Item
	for i := range 12 {
		items = append(items, sandbox.Item{Product: fmt.Sprintf("prod_%02d", i), Title: "Item", UnitAmount: int64(100 + i),
			Quantity: int64(1 + i%3)})
	}
	sub, err := a.sb.SubscribeItems(conn.ExternalID, "MANY10", items, "usd")
	if err != nil {
		t.Fatal(err)
	}
	got := a.since(0)
	if o := got[0].events[0].Order; len(o.Lines) != 0 || o.Subtotal == 0 {
		t.Fatalf("the webhook carries 10 of 12 lines: no lines yet, %+v", o)
	}
	o := a.enriched(conn, got[0])[0].Order
	if len(o.Lines) != 12 || o.Lines[11].ID != sub.LineIDs[11] || o.Lines[11].ProductID != "prod_11" ||
		o.Lines[11].Quantity != 3 || o.Lines[11].UnitPrice != 111 {
		t.Fatalf("lines %+v", o.Lines)
	}
	// 10% off the goods, spread over the lines; 10% tax on each line's net.
	var discount, tax int64
	for _, l := range o.Lines {
		discount += l.Discount
		tax += l.Tax
	}
	if discount != o.Discount || tax != o.Tax || o.Discount == 0 {
		t.Fatalf("lines' discount %d and tax %d, order's %d and %d", discount, tax, o.Discount, o.Tax)
	}
	checkInvariant(t, o)
}

// A key not allowed to list the lines (403) leaves the event as it came:
// the order is credited on its subtotal, and nothing asks for a reinstall.
func TestLinesNotAllowed(t *testing.T) {
	a, conn := taxedShop(t, "ALICE15", 1500)
	if _, err := a.sb.CheckoutItems(conn.ExternalID, "", []sandbox.Item{{Title: "Mug", UnitAmount: 1000, Quantity: 2}},
		"usd", "buyer@example.com"); err != nil {
		t.Fatal(err)
	}
	got := a.since(0)
	// The platform's key on an account that never authorised it: 403.
	other := &platforms.Conn{ExternalID: conn.ExternalID,
		Credentials: map[string]string{stripe.CredMode: stripe.ModeConnect, stripe.CredStripeUserID: conn.ExternalID}}
	body, err := a.adapter.EnrichWebhook(context.Background(), other, got[0].webhook.Topic, got[0].body)
	if err != nil || string(body) != string(got[0].body) {
		t.Fatalf("err %v; body changed: %v", err, string(body) != string(got[0].body))
	}
	if full := a.enriched(conn, got[0]); len(full[0].Order.Lines) != 1 {
		t.Fatalf("with the account's own key the line is read: %+v", full[0].Order)
	}
}

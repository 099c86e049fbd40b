package stripe_test

import (
	"context"
	"testing"

	"codecredit/platforms"
)

// eventsOf flattens the normalised events of deliveries.
func eventsOf(rs []received) []platforms.Event {
	var out []platforms.Event
	for _, r := range rs {
		out = append(out, r.events...)
	}
	return out
}

func TestCheckoutAndRefundFlow(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(0)
	code, err := a.adapter.CreateCode(context.Background(), conn, platforms.NewCode{Code: "ALICE15",
		DiscountType: "percentage", DiscountValue: 1500})
	if err != nil {
		t.Fatal(err)
	}
	a.sb.SetTax(conn.ExternalID, 1000)
	a.sb.SetShipping(conn.ExternalID, 500)
	// 100.00 of goods, 15% off, 10% tax on 85.00, 5.00 shipping: 98.50 charged.
	pay, err := a.sb.Checkout(conn.ExternalID, "alice15", 10000, "usd", "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	evs := eventsOf(a.since(0))
	if len(evs) != 1 || evs[0].Kind != platforms.KindOrderPaid {
		t.Fatalf("events %+v", evs)
	}
	o := evs[0].Order
	if o.ExternalID != pay.PaymentIntentID || o.Subtotal != 8500 || o.Discount != 1500 || o.Total != 9850 ||
		o.Currency != "USD" || len(o.Codes) != 1 || o.Codes[0] != code.PlatformCodeID || o.Test ||
		o.CustomerEmail != "buyer@example.com" {
		t.Fatalf("order %+v (code %s)", o, code.PlatformCodeID)
	}
	n := a.count()
	if _, err := a.sb.Refund(pay.PaymentIntentID, 4000); err != nil {
		t.Fatal(err)
	}
	evs = eventsOf(a.since(n))
	if len(evs) != 1 || evs[0].Refund == nil {
		t.Fatalf("a partial refund gives one refund (refund.created), got %+v", evs)
	}
	r := evs[0].Refund
	if r.OrderExternalID != pay.PaymentIntentID || r.Amount != 4000 || r.Full || r.Currency != "USD" {
		t.Fatalf("partial refund %+v", r)
	}
	n = a.count()
	if _, err := a.sb.Refund(pay.PaymentIntentID, pay.Total-4000); err != nil {
		t.Fatal(err)
	}
	evs = eventsOf(a.since(n))
	if len(evs) != 2 || evs[0].Refund.Amount != pay.Total-4000 || !evs[1].Refund.Full ||
		evs[1].Refund.OrderExternalID != pay.PaymentIntentID {
		t.Fatalf("the rest: refund.created then the full charge.refunded, got %+v %+v", evs[0].Refund, evs[len(evs)-1].Refund)
	}
	// A redelivery repeats the event id, so the app stores it once.
	n = a.count()
	if err := a.sb.Redeliver(pay.EventID); err != nil {
		t.Fatal(err)
	}
	if got := a.since(n); len(got) != 1 || got[0].webhook.EventID != a.since(0)[0].webhook.EventID {
		t.Fatalf("redelivery %+v", got)
	}
}

func TestSubscriptionFlow(t *testing.T) {
	a := newApp(t)
	conn, _ := a.connectKey(0)
	code, err := a.adapter.CreateCode(context.Background(), conn, platforms.NewCode{Code: "SUBS20",
		DiscountType: "percentage", DiscountValue: 2000})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.sb.Subscribe(conn.ExternalID, "SUBS20", 2500, "usd")
	if err != nil {
		t.Fatal(err)
	}
	evs := eventsOf(a.since(0))
	if len(evs) != 2 {
		t.Fatalf("first payment: %+v", evs)
	}
	invoice, session := evs[0].Order, evs[1].Order
	if invoice.ExternalID != sub.InvoiceID || session.ExternalID != sub.InvoiceID {
		t.Fatalf("both events name the first invoice: %s, %s", invoice.ExternalID, session.ExternalID)
	}
	if len(invoice.Codes) != 0 || len(session.Codes) != 1 || session.Codes[0] != code.PlatformCodeID {
		t.Fatalf("the session carries the code: invoice %v, session %v", invoice.Codes, session.Codes)
	}
	for _, o := range []*platforms.Order{invoice, session} {
		if o.Subtotal != 2000 || o.Discount != 500 || o.SubscriptionID != sub.SubscriptionID {
			t.Fatalf("first payment %+v", o)
		}
	}
	first := invoice.PlacedAt
	for month := 1; month <= 3; month++ {
		n := a.count()
		inv, err := a.sb.Renew(sub.SubscriptionID)
		if err != nil {
			t.Fatal(err)
		}
		evs := eventsOf(a.since(n))
		if len(evs) != 1 {
			t.Fatalf("renewal %d: %+v", month, evs)
		}
		o := evs[0].Order
		// The coupon applied once: renewals pay the full price.
		if o.ExternalID != inv.InvoiceID || o.SubscriptionID != sub.SubscriptionID || o.Subtotal != 2500 ||
			o.Discount != 0 || len(o.Codes) != 0 || !o.PlacedAt.Equal(first.AddDate(0, month, 0)) {
			t.Fatalf("renewal %d: %+v", month, o)
		}
	}
}

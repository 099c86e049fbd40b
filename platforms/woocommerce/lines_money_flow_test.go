package woocommerce_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
	"codecredit/platforms/woocommerce/sandbox"
)

// The order every case places, in a store selling in USD without tax in
// its prices, at 10% tax, with 5.00 shipping (0.50 of tax on it), paid
// with DANA15, a 15.00 cart coupon. The coupon is spread over the lines in
// proportion to their 97.47 (the last line takes the rounding):
//
//	line       listed          coupon                        net    tax
//	tee (201)  3 × 19.99=59.97 15.00×59.97/97.47=9.229→9.23  50.74  5.074→5.07
//	mug (301)  12.50           15.00×12.50/97.47=1.924→1.92  10.58  1.058→1.06
//	gift (401) 25.00           15.00−9.23−1.92=3.85          21.15  2.115→2.12 (half to even)
//
// Subtotal 50.74 + 10.58 + 21.15 = 82.47, tax 8.25; total 82.47 + 8.25 +
// 5.00 + 0.50 = 96.22. The tees earn 15% (a product rule), the gift card
// nothing (excluded), the mug the program default, 10%.
var moneyLines = []sandbox.Line{
	{Name: "Tee", Quantity: 3, Price: 1999, ProductID: 201, VariationID: 202, SKU: "TEE-M"},
	{Name: "Mug", Quantity: 1, Price: 1250, ProductID: 301, SKU: "MUG"},
	{Name: "Gift card", Quantity: 1, Price: 2500, ProductID: 401, SKU: "GIFT"},
}

// lineMoney is what one booked line must show; line is its index in the
// order, shipping's 3 (after the order's lines).
type lineMoney struct {
	line                   int
	net, base, commission  int64
	why                    string
	refunded, reversedPart int64 // after one tee came back
}

const (
	whyTee     = "Product rule (Tee): 15%"
	whyDefault = "Program default: 10%"
	whyGift    = "Excluded: Gift card earns nothing"
)

// One tee of three comes back: the store refunds 50.74 / 3 = 16.913 →
// 16.91 of its goods (1.69 of tax), and the tee line gives back that
// share of its 7.61: 7.61 × 16.91 / 50.74 = 2.536 → 2.54, whatever the
// base, as the other lines' commission stays.
func TestLinesMoneyFromWooCommerce(t *testing.T) {
	tests := []struct {
		name       string
		base       commission.Base
		commission int64
		why        string
		lines      []lineMoney
	}{
		// Tees 15% × 50.74 = 7.611 → 7.61; mug 10% × 10.58 = 1.058 → 1.06:
		// 8.67.
		{name: "default base", commission: 867, why: whyTee + "; " + whyDefault + "; " + whyGift,
			lines: []lineMoney{{0, 5074, 5074, 761, whyTee, 1691, 254}, {1, 1058, 1058, 106, whyDefault, 0, 0},
				{2, 2115, 2115, 0, whyGift, 0, 0}}},
		// Shipping is a line under the order's rule, sharing its rounding
		// with the mug: 10% × (10.58 + 5.00) = 1.558 → 1.56, split 10.58 :
		// 5.00 as 1.0594 and 0.5006, floors 1.05 and 0.50, the cent left to
		// the larger remainder, the mug's: 1.06 and 0.50. 7.61 + 1.06 +
		// 0.50 = 9.17.
		{name: "shipping in the base", base: commission.Base{Shipping: true}, commission: 917,
			why: whyTee + "; " + whyDefault + "; " + whyGift,
			lines: []lineMoney{{0, 5074, 5074, 761, whyTee, 1691, 254}, {1, 1058, 1058, 106, whyDefault, 0, 0},
				{2, 2115, 2115, 0, whyGift, 0, 0}, {3, 0, 500, 50, whyDefault, 0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Both(t, func(t *testing.T, s *models.Store) {
				w := newWooMoney(t, s, tc.base)
				placed, events := w.placeOrder()
				conv := w.checkBooked(placed, events, tc.commission, tc.why, tc.lines)
				w.refundOneTee(placed, conv, tc.commission, tc.lines)
				w.cancel(placed, conv, tc.commission)
			})
		})
	}
}

// wooMoney is a sandbox store connected to an account of ours with Dana's
// code, the product rules, and the adapter and app the orders go through.
type wooMoney struct {
	t      *testing.T
	s      *models.Store
	ad     *woocommerce.Adapter
	ap     *app
	store  *sandbox.Store
	conn   *platforms.Conn
	mconn  *models.Connection
	acct   *models.Account
	affID  uint64
	lineID []string // the placed order's line ids, then "shipping"
}

func newWooMoney(t *testing.T, s *models.Store, base commission.Base) *wooMoney {
	t.Helper()
	ctx := context.Background()
	_, ts, store := newSandbox(t, sandbox.StoreConfig{URL: "/shop", Currency: "USD", TaxRate: 1000, Shipping: 500})
	ap := newApp(t)
	w := &wooMoney{t: t, s: s, ad: woocommerce.New(woocommerce.Config{AppURL: ap.URL, Allow: []string{ts.URL}}), ap: ap, store: store}
	w.conn = connect(t, w.ad, ap, store)
	code, err := w.ad.CreateCode(ctx, w.conn, platforms.NewCode{Code: "DANA15", Title: "Dana", DiscountType: "fixed_amount",
		DiscountValue: 1500, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	w.acct, w.mconn = testdb.ConnectedAccount(t, s, "Woo shop", "owner@example.com", models.Install{Platform: platforms.WooCommerce,
		ExternalID: w.conn.ExternalID, Credentials: w.conn.Credentials, Currency: "USD"}, []platforms.DiscountCode{code})
	w.affID = testdb.AffiliateWithCode(t, s, w.acct.ID, "Dana", "dana@example.com", "DANA15")
	testdb.SetRules(t, s, w.acct.ID, base, []models.ConditionRule{
		{Scope: models.ScopeProduct, ConnectionID: w.mconn.ID, Target: "201", Label: "Tee", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, ConnectionID: w.mconn.ID, Target: "401", Label: "Gift card", Kind: commission.Exclude},
	})
	return w
}

// book books what a delivery says, as the worker does: a paid order is
// attributed, a refund or cancellation reversed. It returns the order's
// conversion when the delivery has the order.
func (w *wooMoney) book(events []platforms.Event) *models.Conversion {
	w.t.Helper()
	ctx := context.Background()
	var conv *models.Conversion
	for _, e := range events {
		var err error
		switch e.Kind {
		case platforms.KindOrderPaid:
			conv, err = w.s.AttributeOrder(ctx, w.mconn.ID, *e.Order)
		case platforms.KindOrderRefunded, platforms.KindOrderCancelled:
			err = w.s.ReverseRefund(ctx, w.mconn.ID, *e.Refund)
		}
		if err != nil {
			w.t.Fatal(err)
		}
	}
	return conv
}

// placeOrder places the order through the sandbox and checks what the
// signed order.created gives: the totals and each line's coupon share
// and tax worked out above.
func (w *wooMoney) placeOrder() (sandbox.Order, []platforms.Event) {
	w.t.Helper()
	placed, err := w.store.PlaceOrder([]string{"DANA15"}, moneyLines, "", "erin.cole@example.com")
	if err != nil {
		w.t.Fatal(err)
	}
	events := verifyAndParse(w.t, w.ad, w.conn, w.ap.last(w.t, "order.created"))
	if len(events) != 1 || events[0].Kind != platforms.KindOrderPaid {
		w.t.Fatalf("order events: %s", dump(events))
	}
	o := events[0].Order
	if o.Subtotal != 8247 || o.Tax != 825 || o.Shipping != 500 || o.Discount != 1500 || o.Total != 9622 || len(o.Lines) != 3 {
		w.t.Fatalf("order %+v, want subtotal 8247, tax 825, shipping 500, discount 1500, total 9622, 3 lines", *o)
	}
	checkInvariant(w.t, o)
	for i, want := range [][3]int64{{1999, 923, 507}, {1250, 192, 106}, {2500, 385, 212}} {
		if l := o.Lines[i]; l.UnitPrice != want[0] || l.Discount != want[1] || l.Tax != want[2] {
			w.t.Errorf("line %d = %+v, want unit %d, discount %d, tax %d", i, l, want[0], want[1], want[2])
		}
		w.lineID = append(w.lineID, strconv.FormatInt(placed.Lines[i].ID, 10))
	}
	w.lineID = append(w.lineID, commission.ShippingLineID)
	return placed, events
}

// checkBooked books the order's events and checks its commission, each
// line's and the affiliate's pending balance.
func (w *wooMoney) checkBooked(placed sandbox.Order, events []platforms.Event, want int64, why string, lines []lineMoney) *models.Conversion {
	w.t.Helper()
	conv := w.book(events)
	testdb.CheckConversion(w.t, conv, w.affID, 8247, want, why, strconv.FormatInt(placed.ID, 10))
	booked := make([]testdb.BookedLine, len(lines))
	for i, wl := range lines {
		booked[i] = testdb.BookedLine{ID: w.lineID[wl.line], Net: wl.net, Base: wl.base, Commission: wl.commission, Why: wl.why}
	}
	testdb.CheckBooked(w.t, w.s, w.acct.ID, w.affID, conv.ID, "USD", want, booked)
	return conv
}

// refundOneTee refunds one tee in the store: the refund's one line, as
// the worker reads it (the delivery enriched with the refund objects), and
// its reversal of that line's share only.
func (w *wooMoney) refundOneTee(placed sandbox.Order, conv *models.Conversion, earned int64, lines []lineMoney) {
	w.t.Helper()
	if _, err := w.store.Refund(placed.ID, sandbox.RefundSpec{Lines: map[int]int{0: 1}, Reason: "Too small"}); err != nil {
		w.t.Fatal(err)
	}
	events := verifyEnrichAndParse(w.t, w.ad, w.conn, w.ap.last(w.t, "order.updated"))
	want := []platforms.RefundLine{{LineID: w.lineID[0], Quantity: 1, Subtotal: 1691}}
	if len(events) != 2 || events[1].Refund.Subtotal != 1691 || !reflect.DeepEqual(events[1].Refund.Lines, want) {
		w.t.Fatalf("refund events: %s, want one tee's 1691 on its line", dump(events))
	}
	w.book(events)
	d := w.detail(conv.ID, earned-254)
	for i, wl := range lines {
		if got := d.Lines[i]; got.RefundedNet != wl.refunded || got.ReversedCommission != wl.reversedPart {
			w.t.Errorf("line %s refunded %d reversed %d, want %d and %d", got.LineID, got.RefundedNet,
				got.ReversedCommission, wl.refunded, wl.reversedPart)
		}
	}
	if d.ReversedCommission != 254 || d.RefundedSubtotal != 1691 {
		w.t.Errorf("conversion reversed %d of refunded %d, want 254 of 1691", d.ReversedCommission, d.RefundedSubtotal)
	}
}

// cancel cancels the order in the store: every line's commission comes
// back, shipping's included, and Dana keeps nothing of it.
func (w *wooMoney) cancel(placed sandbox.Order, conv *models.Conversion, earned int64) {
	w.t.Helper()
	if err := w.store.Cancel(placed.ID); err != nil {
		w.t.Fatal(err)
	}
	events := verifyEnrichAndParse(w.t, w.ad, w.conn, w.ap.last(w.t, "order.updated"))
	if last := events[len(events)-1]; last.Kind != platforms.KindOrderCancelled || !last.Refund.Full {
		w.t.Fatalf("cancel events: %s", dump(events))
	}
	w.book(events)
	testdb.CheckCancelled(w.t, w.detail(conv.ID, 0), earned)
}

// detail is the conversion's detail, once Dana's ledger is checked:
// pending in USD, nothing approved or paid (the 30 days' hold has not run).
func (w *wooMoney) detail(convID uint64, pending int64) *models.ConversionDetail {
	w.t.Helper()
	return testdb.Detail(w.t, w.s, w.acct.ID, w.affID, convID, "USD", pending)
}

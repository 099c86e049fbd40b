package stripe_test

import (
	"context"
	"reflect"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/stripe/sandbox"
)

// What Erin buys, on a Stripe account charging 10% tax, with ERIN20, a
// 20% coupon: 20% of 38.97 + 9.99 + 25.00 = 73.96 is 14.792 → 14.79
// (half up), which Stripe spreads over the lines by their amounts, the
// cents left to the largest fractions:
//
//	line          amount           discount                       net    tax 10%
//	seats         3 × 12.99=38.97  14.79×38.97/73.96=7.7929→7.79  31.18  3.118→3.12
//	add-on        9.99             14.79×9.99/73.96=1.9977→2.00   7.99   0.799→0.80
//	gift card     25.00            14.79×25/73.96=4.9993→5.00     20.00  2.00
//
// (floors 7.79 + 1.99 + 4.99 = 14.77, the two cents to the gift card's
// .93 and the add-on's .77). Subtotal 59.17, tax 5.92. The seats earn
// 15% (a product rule), the gift card nothing (excluded), the add-on the
// program default, 10%: seats 15% × 31.18 = 4.677 → 4.68, add-on 10% ×
// 7.99 = 0.799 → 0.80: 5.48.
var moneyItems = []sandbox.Item{
	{Product: "prod_seat", Title: "Seat", UnitAmount: 1299, Quantity: 3},
	{Product: "prod_addon", Title: "Add-on", UnitAmount: 999, Quantity: 1},
	{Product: "prod_gift", Title: "Gift card", UnitAmount: 2500, Quantity: 1},
}

const (
	whySeat    = "Product rule (Seat): 15%"
	whyDefault = "Program default: 10%"
	whyGift    = "Excluded: Gift card earns nothing"
)

// A subscription's first invoice is booked line by line; a credit note of
// one seat gives back the seats' share only; credit notes of everything
// left give back the rest. With shipping in the base the invoice earns the
// same (an invoice has no shipping), and a checkout of the same items with
// 5.00 of shipping earns on its shipping too, until refunded in full.
func TestLinesMoneyFromStripe(t *testing.T) {
	for _, base := range []commission.Base{{}, {Shipping: true}} {
		name := "default base"
		if base.Shipping {
			name = "shipping in the base"
		}
		t.Run(name, func(t *testing.T) {
			testdb.Both(t, func(t *testing.T, s *models.Store) {
				m := newStripeMoney(t, s, base)
				inv, conv := m.subscribe()
				m.creditOneSeat(inv, conv)
				m.creditTheRest(inv, conv)
				if base.Shipping {
					m.checkoutWithShipping()
				}
			})
		})
	}
}

// stripeMoney is a Stripe account connected with its key to an account
// of ours, with Erin's code imported and assigned and the rules set.
type stripeMoney struct {
	*app
	s     *models.Store
	pc    *platforms.Conn
	conn  *models.Connection
	acct  *models.Account
	affID uint64
}

func newStripeMoney(t *testing.T, s *models.Store, base commission.Base) *stripeMoney {
	t.Helper()
	a, pc := taxedShop(t, "ERIN20", 2000)
	m := &stripeMoney{app: a, s: s, pc: pc}
	codes, _ := a.importAll(pc)
	m.acct, m.conn = testdb.ConnectedAccount(t, s, "Sunny Shop", "owner@sunny.example", models.Install{Platform: platforms.Stripe,
		ExternalID: pc.ExternalID, Credentials: pc.Credentials, Currency: "USD"}, codes)
	m.affID = testdb.AffiliateWithCode(t, s, m.acct.ID, "Erin", "erin@example.com", "ERIN20")
	testdb.SetRules(t, s, m.acct.ID, base, []models.ConditionRule{
		{Scope: models.ScopeProduct, ConnectionID: m.conn.ID, Target: "prod_seat", Label: "Seat", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, ConnectionID: m.conn.ID, Target: "prod_gift", Label: "Gift card", Kind: commission.Exclude},
	})
	return m
}

// book passes what arrived after the first n deliveries through the
// adapter as the worker does (enriched, then parsed) and books it: an
// order attributed, a refund reversed. It returns the conversions booked.
func (m *stripeMoney) book(n int) []*models.Conversion {
	m.t.Helper()
	ctx := context.Background()
	var out []*models.Conversion
	for _, r := range m.since(n) {
		for _, e := range m.enriched(m.pc, r) {
			switch {
			case e.Order != nil:
				conv, err := m.s.AttributeOrder(ctx, m.conn.ID, *e.Order)
				if err != nil {
					m.t.Fatal(err)
				}
				out = append(out, conv)
			case e.Refund != nil:
				if err := m.s.ReverseRefund(ctx, m.conn.ID, *e.Refund); err != nil {
					m.t.Fatal(err)
				}
			}
		}
	}
	return out
}

// subscribe has Erin's customer subscribe to the items with ERIN20 and
// books the first invoice (invoice.paid, then the session naming it): its
// lines as worked out above, whatever the base.
func (m *stripeMoney) subscribe() (sandbox.Invoice, *models.Conversion) {
	m.t.Helper()
	inv, err := m.sb.SubscribeItems(m.pc.ExternalID, "ERIN20", moneyItems, "usd")
	if err != nil {
		m.t.Fatal(err)
	}
	o := m.enriched(m.pc, m.since(0)[0])[0].Order
	if o.ExternalID != inv.InvoiceID || o.Subtotal != 5917 || o.Discount != 1479 || o.Tax != 592 || o.Shipping != 0 || len(o.Lines) != 3 {
		m.t.Fatalf("invoice order %+v, want subtotal 5917, discount 1479, tax 592, no shipping, 3 lines", o)
	}
	for i, want := range [][3]int64{{1299, 779, 312}, {999, 200, 80}, {2500, 500, 200}} {
		if l := o.Lines[i]; l.ID != inv.LineIDs[i] || l.UnitPrice != want[0] || l.Discount != want[1] || l.Tax != want[2] {
			m.t.Errorf("line %d = %+v, want unit %d, discount %d, tax %d", i, l, want[0], want[1], want[2])
		}
	}
	checkInvariant(m.t, o)
	convs := m.book(0)
	conv := convs[0]
	why := whySeat + "; " + whyDefault + "; " + whyGift
	if len(convs) != 2 || convs[1].ID != conv.ID || conv.AffiliateID == nil || *conv.AffiliateID != m.affID ||
		conv.Subtotal != 5917 || conv.Commission != 548 || conv.Why != why {
		m.t.Fatalf("conversions %+v, want Erin's invoice, 548 on 5917, why %q, booked once", convs, why)
	}
	testdb.CheckBooked(m.t, m.s, m.acct.ID, m.affID, conv.ID, "USD", 548, []testdb.BookedLine{
		{ID: inv.LineIDs[0], Net: 3118, Base: 3118, Commission: 468, Why: whySeat},
		{ID: inv.LineIDs[1], Net: 799, Base: 799, Commission: 80, Why: whyDefault},
		{ID: inv.LineIDs[2], Net: 2000, Base: 2000, Commission: 0, Why: whyGift},
	})
	return inv, conv
}

// creditOneSeat credits one seat of three: a third of the seats' 7.79
// off, 2.5967 → 2.60 (half up), so 12.99 − 2.60 = 10.39 of goods (and
// 1.04 of tax, 11.43 refunded), and the seats give back that share of
// their 4.68: 4.68 × 10.39 / 31.18 = 1.5595 → 1.56.
func (m *stripeMoney) creditOneSeat(inv sandbox.Invoice, conv *models.Conversion) {
	m.t.Helper()
	n := m.count()
	cn, err := m.sb.CreditNote(inv.InvoiceID, inv.LineIDs[0], 1)
	if err != nil {
		m.t.Fatal(err)
	}
	r := m.enriched(m.pc, m.since(n)[0])[0].Refund
	if cn.Total != 1143 || r.ExternalID != cn.ID || r.OrderExternalID != inv.InvoiceID || r.Subtotal != 1039 ||
		!reflect.DeepEqual(r.Lines, []platforms.RefundLine{{LineID: inv.LineIDs[0], Quantity: 1, Subtotal: 1039}}) {
		m.t.Fatalf("credit note %+v: refund %+v, want 1039 of the seats' line", cn, r)
	}
	m.book(n)
	d := m.detail(conv.ID, 548-156)
	for i, want := range [][2]int64{{1039, 156}, {0, 0}, {0, 0}} {
		if l := d.Lines[i]; l.RefundedNet != want[0] || l.ReversedCommission != want[1] {
			m.t.Errorf("line %s refunded %d reversed %d, want %d and %d", l.LineID, l.RefundedNet, l.ReversedCommission, want[0], want[1])
		}
	}
	if d.ReversedCommission != 156 || d.RefundedSubtotal != 1039 {
		m.t.Errorf("conversion reversed %d of refunded %d, want 156 of 1039", d.ReversedCommission, d.RefundedSubtotal)
	}
}

// creditTheRest credits everything left, line by line: two seats (20.79
// of goods: 25.98 less 7.79 × 2/3 = 5.1933 → 5.19), the add-on (7.99) and
// the gift card (20.00), 48.78 with the 10.39 before: the whole 59.17.
// Every line gives back all it earned.
func (m *stripeMoney) creditTheRest(inv sandbox.Invoice, conv *models.Conversion) {
	m.t.Helper()
	n := m.count()
	for i, qty := range []int64{2, 1, 1} {
		if _, err := m.sb.CreditNote(inv.InvoiceID, inv.LineIDs[i], qty); err != nil {
			m.t.Fatal(err)
		}
	}
	m.book(n)
	d := m.detail(conv.ID, 0)
	for _, l := range d.Lines {
		if l.RefundedNet != l.Net || l.ReversedCommission != l.Commission {
			m.t.Errorf("line %s refunded %d of %d, reversed %d of %d", l.LineID, l.RefundedNet, l.Net, l.ReversedCommission, l.Commission)
		}
	}
	if d.ReversedCommission != 548 || d.RefundedSubtotal != 5917 || d.Status != models.ConversionReversed {
		m.t.Errorf("after crediting the rest: reversed %d of 548, refunded %d of 5917, status %s", d.ReversedCommission,
			d.RefundedSubtotal, d.Status)
	}
}

// checkoutWithShipping pays for the same items in Checkout with 5.00 of
// shipping (the lines as on the invoice). Shipping is a line under the
// order's rule, sharing its rounding with the add-on: 10% × (7.99 +
// 5.00) = 1.299 → 1.30, split 7.99 : 5.00 as 0.7996 and 0.5004, floors
// 0.79 and 0.50, the cent to the add-on's larger remainder: 0.80 and
// 0.50. 4.68 + 0.80 + 0.50 = 5.98, all of it back when the payment is
// refunded in full.
func (m *stripeMoney) checkoutWithShipping() {
	m.t.Helper()
	m.sb.SetShipping(m.pc.ExternalID, 500)
	n := m.count()
	pay, err := m.sb.CheckoutItems(m.pc.ExternalID, "ERIN20", moneyItems, "usd", "buyer@example.com")
	if err != nil {
		m.t.Fatal(err)
	}
	convs := m.book(n)
	if len(convs) != 1 || convs[0].ExternalOrderID != pay.PaymentIntentID || convs[0].Subtotal != 5917 || convs[0].Commission != 598 {
		m.t.Fatalf("checkout conversions %+v, want 598 on 5917", convs)
	}
	conv := convs[0]
	d := m.detail(conv.ID, 598)
	// The session's line ids are Stripe's, whatever they are; shipping's is ours.
	want := []testdb.BookedLine{
		{Net: 3118, Base: 3118, Commission: 468, Why: whySeat},
		{Net: 799, Base: 799, Commission: 80, Why: whyDefault},
		{Net: 2000, Base: 2000, Commission: 0, Why: whyGift},
		{ID: commission.ShippingLineID, Net: 0, Base: 500, Commission: 50, Why: whyDefault},
	}
	for i := range want {
		if want[i].ID == "" && i < len(d.Lines) {
			want[i].ID = d.Lines[i].LineID
		}
	}
	testdb.CheckBooked(m.t, m.s, m.acct.ID, m.affID, conv.ID, "USD", 598, want)
	n = m.count()
	if _, err := m.sb.Refund(pay.PaymentIntentID, pay.Total); err != nil {
		m.t.Fatal(err)
	}
	m.book(n)
	if d := m.detail(conv.ID, 0); d.ReversedCommission != 598 || d.Status != models.ConversionReversed {
		m.t.Errorf("after the full refund: reversed %d of 598, status %s", d.ReversedCommission, d.Status)
	}
}

// detail is the conversion's detail, once Erin's ledger is checked:
// pending in USD, nothing approved or paid.
func (m *stripeMoney) detail(convID uint64, pending int64) *models.ConversionDetail {
	m.t.Helper()
	return testdb.Detail(m.t, m.s, m.acct.ID, m.affID, convID, "USD", pending)
}

package shopify_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// The order every case places, in the sandbox shop's seeded catalog (USD,
// prices without tax), at 8% tax and 6.95 of untaxed shipping, paid with
// DANA15, a 15.00 code. Shopify spreads the code over the lines it may
// discount (not the gift card) by their price, 212.00, the cents left to
// the largest remainders:
//
//	line             listed          code                            net    tax 8%
//	shirt (Summer)   2 × 49.00=98.00 15.00×98/212=6.933→6.93         91.07  7.2856→7.29
//	hat (Summer,     25.00           15.00×25/212=1.768→1.76, +0.01  23.23  1.8584→1.86
//	  Accessories)                   (remainder .886)=1.77
//	sweater          89.00           15.00×89/212=6.297→6.29, +0.01  82.70  6.616→6.62
//	                                 (remainder .716)=6.30
//	gift card        50.00           none                            50.00  none
//
// Subtotal 247.00, tax 15.77, discount 15.00. The shirt earns 15% (its
// product rule), the hat 20% (the Summer collection's: it has no rule of
// its own; the shirt is in Summer too, but its product rule comes
// first), the sweater the program default, 10%, the gift card nothing.
var (
	moneyOrder      = []string{"Linen shirt", "Straw hat", "Wool sweater", "Gift card"}
	moneyQuantities = []int{2, 1, 1, 1}
)

const (
	whyShirt   = "Product rule (Linen shirt): 15%"
	whyHat     = "Product rule (collection Summer): 20%"
	whyDefault = "Program default: 10%"
	whyGift    = "Excluded: Gift card earns nothing"
)

// booked is what one stored line must show; line is its index in the
// order (shipping's 4, after the order's lines).
type booked struct {
	line                  int
	net, base, commission int64
	why                   string
}

// One shirt of two comes back: half of 91.07 is 45.535, half to even
// 45.54, and the shirt's line gives back that share of its 13.66: 13.66 ×
// 45.54 / 91.07 = 6.8308 → 6.83, whatever the base.
func TestLinesMoneyFromShopify(t *testing.T) {
	tests := []struct {
		name       string
		base       commission.Base
		commission int64
		lines      []booked
	}{
		// Shirt 15% × 91.07 = 13.6605 → 13.66; hat 20% × 23.23 = 4.646 →
		// 4.65; sweater 10% × 82.70 = 8.27: 26.58.
		{name: "default base", commission: 2658, lines: []booked{{0, 9107, 9107, 1366, whyShirt},
			{1, 2323, 2323, 465, whyHat}, {2, 8270, 8270, 827, whyDefault}, {3, 5000, 5000, 0, whyGift}}},
		// Shipping is a line under the order's rule, sharing its rounding
		// with the sweater: 10% × (82.70 + 6.95) = 8.965 → 8.96 (half to
		// even), split 82.70 : 6.95 as 8.2653 and 0.6946, floors 8.26 and
		// 0.69, the cent left to the larger remainder, the sweater's:
		// 8.27 and 0.69. 13.66 + 4.65 + 8.27 + 0.69 = 27.27.
		{name: "shipping in the base", base: commission.Base{Shipping: true}, commission: 2727,
			lines: []booked{{0, 9107, 9107, 1366, whyShirt}, {1, 2323, 2323, 465, whyHat},
				{2, 8270, 8270, 827, whyDefault}, {3, 5000, 5000, 0, whyGift}, {4, 0, 695, 69, whyDefault}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Both(t, func(t *testing.T, s *models.Store) {
				m := newShopifyMoney(t, s, tc.base)
				o := m.placeOrder()
				conv := m.checkBooked(o, tc.commission, tc.lines)
				m.refundOneShirt(conv, tc.commission)
				m.cancel(conv, tc.commission)
			})
		})
	}
}

// shopifyMoney is the sandbox shop installed on an account of ours, its
// catalog read, with Dana's code and the rules.
type shopifyMoney struct {
	t        *testing.T
	s        *models.Store
	r        *rig
	rc       *receiver
	conn     *models.Connection
	acct     *models.Account
	affID    uint64
	products map[string]sandbox.ProductView // the seeded catalog by title
	orderID  int64
	lineID   []string // the placed order's line ids, then "shipping"
}

func newShopifyMoney(t *testing.T, s *models.Store, base commission.Base) *shopifyMoney {
	t.Helper()
	ctx := context.Background()
	m := &shopifyMoney{t: t, s: s, r: newRig(t, "USD"), products: map[string]sandbox.ProductView{}}
	m.rc = m.r.listen(t)
	pc := m.r.install(t)
	code, err := m.r.a.CreateCode(ctx, pc, platforms.NewCode{Code: "DANA15", Title: "Dana", DiscountType: "fixed_amount",
		DiscountValue: 1500, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	m.acct, m.conn = testdb.ConnectedAccount(t, s, "Alice's goods", "owner@example.com", models.Install{Platform: platforms.Shopify,
		ExternalID: shopName, Credentials: pc.Credentials, Currency: "USD"}, []platforms.DiscountCode{code})
	m.affID = testdb.AffiliateWithCode(t, s, m.acct.ID, "Dana", "dana@example.com", "DANA15")
	summer := m.syncCatalog(pc)
	m.rules(summer, base)
	return m
}

// syncCatalog reads the shop's catalog through the adapter and saves it
// whole, as the catalog job does, and returns the Summer collection's id.
func (m *shopifyMoney) syncCatalog(pc *platforms.Conn) string {
	m.t.Helper()
	byID, collections, _ := readCatalog(m.t, m.r.a, pc)
	var products []platforms.Product
	for _, p := range byID {
		products = append(products, p)
	}
	var cols []platforms.Collection
	summer := ""
	for id, title := range collections {
		cols = append(cols, platforms.Collection{ID: id, Title: title})
		if title == "Summer" {
			summer = id
		}
	}
	if err := m.s.SaveCatalog(context.Background(), m.conn.ID, products, cols, true); err != nil {
		m.t.Fatal(err)
	}
	seeded, err := m.r.sb.Products(shopName)
	if err != nil {
		m.t.Fatal(err)
	}
	for _, p := range seeded {
		m.products[p.Title] = p
	}
	if summer == "" || len(m.products) != 5 {
		m.t.Fatalf("catalog: collections %v, products %v", collections, m.products)
	}
	return summer
}

// rules makes the shirt earn 15%, the Summer collection 20% and the gift
// card nothing, on this shop, and sets the base.
func (m *shopifyMoney) rules(summer string, base commission.Base) {
	m.t.Helper()
	id := func(title string) string { return strconv.FormatInt(m.products[title].ID, 10) }
	testdb.SetRules(m.t, m.s, m.acct.ID, base, []models.ConditionRule{
		{Scope: models.ScopeProduct, ConnectionID: m.conn.ID, Target: id("Linen shirt"), Label: "Linen shirt", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeCollection, ConnectionID: m.conn.ID, Target: summer, Label: "Summer", Kind: commission.Percent, BasisPoints: 2000},
		{Scope: models.ScopeProduct, ConnectionID: m.conn.ID, Target: id("Gift card"), Label: "Gift card", Kind: commission.Exclude},
	})
}

// placeOrder places the order at the sandbox's checkout and checks what
// the signed orders/paid gives: the totals and each line's share of the
// code and tax worked out above.
func (m *shopifyMoney) placeOrder() *platforms.Order {
	m.t.Helper()
	var lines []sandbox.Line
	for i, title := range moneyOrder {
		lines = append(lines, sandbox.Line{ProductID: m.products[title].ID, Quantity: moneyQuantities[i]})
	}
	var err error
	if m.orderID, err = m.r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Codes: []string{"DANA15"}, Shipping: "6.95",
		TaxRate: 800, Email: "erin.cole@example.com", Lines: lines}); err != nil {
		m.t.Fatal(err)
	}
	m.r.sb.Wait()
	o := m.rc.only(m.t, shopify.TopicOrdersPaid).Order
	if o.Subtotal != 24700 || o.Tax != 1577 || o.Shipping != 695 || o.Discount != 1500 || o.TaxesIncluded || len(o.Lines) != 4 {
		m.t.Fatalf("order %+v, want subtotal 24700, tax 1577, shipping 695, discount 1500, 4 lines", *o)
	}
	var sum int64
	for i, want := range [][4]int64{{2, 4900, 693, 729}, {1, 2500, 177, 186}, {1, 8900, 630, 662}, {1, 5000, 0, 0}} {
		l := o.Lines[i]
		if l.Quantity != want[0] || l.UnitPrice != want[1] || l.Discount != want[2] || l.Tax != want[3] ||
			l.ProductID != strconv.FormatInt(m.products[moneyOrder[i]].ID, 10) {
			m.t.Errorf("line %d = %+v, want %s: quantity %d, unit %d, discount %d, tax %d", i, l, moneyOrder[i], want[0], want[1], want[2], want[3])
		}
		sum += l.Net(o.TaxesIncluded)
		m.lineID = append(m.lineID, l.ID)
	}
	if err := platforms.CheckLines(o.Lines); err != nil || sum != o.Subtotal {
		m.t.Fatalf("CheckLines: %v; nets sum to %d, subtotal %d", err, sum, o.Subtotal)
	}
	m.lineID = append(m.lineID, commission.ShippingLineID)
	return o
}

// checkBooked books the order as the worker does and checks its
// commission, each stored line's and Dana's pending balance.
func (m *shopifyMoney) checkBooked(o *platforms.Order, want int64, lines []booked) *models.Conversion {
	m.t.Helper()
	conv, err := m.s.AttributeOrder(context.Background(), m.conn.ID, *o)
	if err != nil {
		m.t.Fatal(err)
	}
	why := whyShirt + "; " + whyHat + "; " + whyDefault + "; " + whyGift
	testdb.CheckConversion(m.t, conv, m.affID, 24700, want, why, strconv.FormatInt(m.orderID, 10))
	wantLines := make([]testdb.BookedLine, len(lines))
	for i, w := range lines {
		wantLines[i] = testdb.BookedLine{ID: m.lineID[w.line], Net: w.net, Base: w.base, Commission: w.commission, Why: w.why}
	}
	testdb.CheckBooked(m.t, m.s, m.acct.ID, m.affID, conv.ID, "USD", want, wantLines)
	return conv
}

// refundOneShirt refunds one of the two shirts in the shop (refunds/create
// with its refund_line_items): the refund names the shirt's line, and
// only the shirt's commission comes back.
func (m *shopifyMoney) refundOneShirt(conv *models.Conversion, earned int64) {
	m.t.Helper()
	if _, err := m.r.sb.Refund(shopName, m.orderID, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Index: 0, Quantity: 1}}}); err != nil {
		m.t.Fatal(err)
	}
	m.r.sb.Wait()
	rf := m.rc.only(m.t, shopify.TopicRefundsCreate).Refund
	if want := []platforms.RefundLine{{LineID: m.lineID[0], Quantity: 1, Subtotal: 4554}}; rf.Subtotal != 4554 || !reflect.DeepEqual(rf.Lines, want) {
		m.t.Fatalf("refund %+v, want one shirt's 4554 on its line", rf)
	}
	if err := m.s.ReverseRefund(context.Background(), m.conn.ID, *rf); err != nil {
		m.t.Fatal(err)
	}
	d := m.detail(conv.ID, earned-683)
	for i, l := range d.Lines {
		want := [2]int64{}
		if i == 0 {
			want = [2]int64{4554, 683}
		}
		if l.RefundedNet != want[0] || l.ReversedCommission != want[1] {
			m.t.Errorf("line %s refunded %d reversed %d, want %d and %d", l.LineID, l.RefundedNet, l.ReversedCommission, want[0], want[1])
		}
	}
	if d.ReversedCommission != 683 || d.RefundedSubtotal != 4554 {
		m.t.Errorf("conversion reversed %d of refunded %d, want 683 of 4554", d.ReversedCommission, d.RefundedSubtotal)
	}
}

// cancel cancels the order in the shop: what is left is refunded
// (refunds/create), then orders/cancelled; every line gives back all it
// earned, shipping's included, and Dana keeps nothing.
func (m *shopifyMoney) cancel(conv *models.Conversion, earned int64) {
	m.t.Helper()
	if err := m.r.sb.Cancel(shopName, m.orderID); err != nil {
		m.t.Fatal(err)
	}
	m.r.sb.Wait()
	m.rc.mu.Lock()
	refunds := m.rc.events[shopify.TopicRefundsCreate]
	m.rc.mu.Unlock()
	cancelled := m.rc.only(m.t, shopify.TopicOrdersCancelled)
	if len(refunds) != 2 || refunds[1].Refund.Subtotal != 24700-4554 || !cancelled.Refund.Full {
		m.t.Fatalf("cancelling: refunds %+v, cancellation %+v; want the 20146 left, then a full cancellation", refunds, cancelled.Refund)
	}
	for _, rf := range []*platforms.Refund{refunds[1].Refund, cancelled.Refund} {
		if err := m.s.ReverseRefund(context.Background(), m.conn.ID, *rf); err != nil {
			m.t.Fatal(err)
		}
	}
	testdb.CheckCancelled(m.t, m.detail(conv.ID, 0), earned)
}

// detail is the conversion's detail, once Dana's ledger is checked:
// pending in USD, nothing approved or paid.
func (m *shopifyMoney) detail(convID uint64, pending int64) *models.ConversionDetail {
	m.t.Helper()
	return testdb.Detail(m.t, m.s, m.acct.ID, m.affID, convID, "USD", pending)
}

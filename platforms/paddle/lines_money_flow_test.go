package paddle_test

import (
	"context"
	"reflect"
	"testing"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/paddle/sandbox"
)

// The basket (3 seats at 29.99 and 10.00 setup, 10% tax added; 3 guides
// at 9.99 with tax in) paid with BEN12, a flat 12.00 USD discount, which
// Paddle spreads over the lines by their subtotal before tax (the last
// line takes the rounding), the guides' share then taken out of its tax:
//
//	line   subtotal                  discount                        net    tax
//	seats  89.97                     12.00×89.97/127.22=8.487→8.49   81.48  8.148→8.15
//	setup  10.00                     12.00×10.00/127.22=0.943→0.94    9.06  0.906→0.91
//	guides 29.97−2.72 (tax in)=27.25 12.00−8.49−0.94=2.57, 2.57−0.23  24.91  2.491→2.49
//	                                 (its tax)=2.34
//
// Subtotal 81.48 + 9.06 + 24.91 = 115.45, discount 8.49 + 0.94 + 2.34 =
// 11.77, tax 11.55, no shipping. A guide's unit before tax is 9.08, which
// three times misses 27.25: the line is listed at 27.25 / 3 rounded up,
// 9.09, the 0.02 over counted as discount (2.36). The
// seats earn 15% (a product rule), the guides nothing (excluded), the
// setup the program default, 10%.
//
// Then 30.00 (tax in) of the seats' line comes back: 30.00 × 0.1 / 1.1 =
// 2.727 → 2.73 of tax, 27.27 of goods, and the seats give back that share
// of their commission; then everything left, awaiting Paddle's approval.
func TestLinesMoneyFromPaddle(t *testing.T) {
	tests := []paddleMoneyCase{
		// Seats 15% × 81.48 = 12.222 → 12.22; setup 10% × 9.06 = 0.906 →
		// 0.91: 13.13. Back: 12.22 × 27.27 / 81.48 = 4.0898 → 4.09.
		{name: "default base", seats: 1222, setup: 91, seatsBack: 409, seatsBase: 8148, setupBase: 906, guidesBase: 2491},
		// With tax: seats 15% × (81.48 + 8.15) = 13.4445 → 13.44; setup
		// 10% × (9.06 + 0.91) = 0.997 → 1.00: 14.44. Back, by the goods
		// refunded: 13.44 × 27.27 / 81.48 = 4.498 → 4.50.
		{name: "tax in the base", base: commission.Base{Tax: true}, seats: 1344, setup: 100, seatsBack: 450,
			seatsBase: 8963, setupBase: 997, guidesBase: 2740},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Both(t, func(t *testing.T, s *models.Store) {
				p := newPaddleMoney(t, s)
				txn, o := p.checkout()
				li := txn.Details.LineItems
				p.rules(li[0].Product.ID, li[2].Product.ID, tc.base)
				conv := p.checkBooked(tc, o, li)
				p.refundSeats(tc, conv, txn.ID, li[0].ID)
				p.refundRest(tc, conv, txn.ID)
			})
		})
	}
}

// paddleMoneyCase is a commission base and what the order earns under it.
type paddleMoneyCase struct {
	name       string
	base       commission.Base
	seats      int64 // the seats' commission
	setup      int64
	seatsBack  int64 // taken back when 27.27 of the seats' 81.48 come back
	seatsBase  int64
	setupBase  int64
	guidesBase int64
}

// checkBooked books the order and checks its commission, each line's and
// Ben's pending balance.
func (p *paddleMoney) checkBooked(tc paddleMoneyCase, o *platforms.Order, li []sandbox.LineItem) *models.Conversion {
	p.t.Helper()
	conv, err := p.s.AttributeOrder(context.Background(), p.conn.ID, *o)
	if err != nil {
		p.t.Fatal(err)
	}
	earned := tc.seats + tc.setup
	why := "Product rule (Pro seat): 15%; Program default: 10%; Excluded: Guide earns nothing"
	testdb.CheckConversion(p.t, conv, p.affID, 11545, earned, why, "")
	testdb.CheckBooked(p.t, p.s, p.acct.ID, p.affID, conv.ID, "USD", earned, []testdb.BookedLine{
		{ID: li[0].ID, Net: 8148, Base: tc.seatsBase, Commission: tc.seats, Why: "Product rule (Pro seat): 15%"},
		{ID: li[1].ID, Net: 906, Base: tc.setupBase, Commission: tc.setup, Why: "Program default: 10%"},
		{ID: li[2].ID, Net: 2491, Base: tc.guidesBase, Commission: 0, Why: "Excluded: Guide earns nothing"},
	})
	return conv
}

// refundSeats refunds 30.00 of the seats' line in Paddle: one refund line,
// whose reversal takes back the seats' share only.
func (p *paddleMoney) refundSeats(tc paddleMoneyCase, conv *models.Conversion, txnID, seatsID string) {
	p.t.Helper()
	ctx := context.Background()
	if _, err := p.sb.RefundItem(ctx, txnID, seatsID, 3000, true); err != nil {
		p.t.Fatal(err)
	}
	r := p.events("adjustment.created")[0].Refund
	if r.Subtotal != 2727 || r.Full || !reflect.DeepEqual(r.Lines, []platforms.RefundLine{{LineID: seatsID, Subtotal: 2727}}) {
		p.t.Fatalf("refund %+v, want 2727 of the seats' line", r)
	}
	if err := p.s.ReverseRefund(ctx, p.conn.ID, *r); err != nil {
		p.t.Fatal(err)
	}
	d := p.detail(conv.ID, tc.seats+tc.setup-tc.seatsBack)
	for i, want := range [][2]int64{{2727, tc.seatsBack}, {0, 0}, {0, 0}} {
		if l := d.Lines[i]; l.RefundedNet != want[0] || l.ReversedCommission != want[1] {
			p.t.Errorf("line %s refunded %d reversed %d, want %d and %d", l.LineID, l.RefundedNet, l.ReversedCommission, want[0], want[1])
		}
	}
	if d.ReversedCommission != tc.seatsBack {
		p.t.Errorf("conversion reversed %d, want the seats' %d", d.ReversedCommission, tc.seatsBack)
	}
}

// refundRest refunds everything left, awaiting Paddle's approval: 54.21
// of the seats, the setup and the guides, 88.18 of goods, with the 27.27
// before the whole 115.45. Every line gives back all it earned.
func (p *paddleMoney) refundRest(tc paddleMoneyCase, conv *models.Conversion, txnID string) {
	p.t.Helper()
	r := p.approved(p.sb.Refund(context.Background(), txnID, 0, false))
	if r.Subtotal != 8818 || len(r.Lines) != 3 {
		p.t.Fatalf("refund of the rest %+v, want 8818 on the 3 lines", r)
	}
	if err := p.s.ReverseRefund(context.Background(), p.conn.ID, *r); err != nil {
		p.t.Fatal(err)
	}
	d := p.detail(conv.ID, 0)
	for _, l := range d.Lines {
		if l.RefundedNet != l.Net || l.ReversedCommission != l.Commission {
			p.t.Errorf("line %s refunded %d of %d, reversed %d of %d", l.LineID, l.RefundedNet, l.Net, l.ReversedCommission, l.Commission)
		}
	}
	if earned := tc.seats + tc.setup; d.ReversedCommission != earned || d.Status != models.ConversionReversed {
		p.t.Errorf("after the rest came back: reversed %d of %d, status %s", d.ReversedCommission, earned, d.Status)
	}
}

// paddleMoney is a sandbox Paddle account connected to an account of
// ours, with Ben's code imported and assigned.
type paddleMoney struct {
	*flow
	s     *models.Store
	conn  *models.Connection
	acct  *models.Account
	affID uint64
}

func newPaddleMoney(t *testing.T, s *models.Store) *paddleMoney {
	t.Helper()
	ctx := context.Background()
	p := &paddleMoney{flow: newFlow(t, 0), s: s}
	pc := p.connect()
	if _, err := p.adapter.CreateCode(ctx, pc, platforms.NewCode{Code: "BEN12", DiscountType: "fixed_amount", DiscountValue: 1200, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	p.app.take()
	imported, _ := p.importAll(pc)
	p.acct, p.conn = testdb.ConnectedAccount(t, s, "Paddle shop", "owner@example.com", models.Install{Platform: platforms.Paddle,
		ExternalID: pc.ExternalID, Credentials: pc.Credentials, Currency: "USD"}, imported)
	p.affID = testdb.AffiliateWithCode(t, s, p.acct.ID, "Ben", "ben@example.com", "BEN12")
	return p
}

// checkout pays for the basket with BEN12 and checks the order the signed
// transaction.completed gives: the totals and lines worked out above.
func (p *paddleMoney) checkout() (sandbox.Transaction, *platforms.Order) {
	p.t.Helper()
	txn, err := p.sb.CompleteTransaction(context.Background(), "BEN12", basket, "USD", "buyer@example.com")
	if err != nil {
		p.t.Fatal(err)
	}
	o := p.events("transaction.completed")[0].Order
	if o.Subtotal != 11545 || o.Discount != 1177 || o.Tax != 1155 || o.Shipping != 0 || len(o.Lines) != 3 {
		p.t.Fatalf("order %+v, want subtotal 11545, discount 1177, tax 1155, 3 lines", *o)
	}
	for i, want := range [][3]int64{{2999, 849, 815}, {1000, 94, 91}, {909, 236, 249}} {
		if l := o.Lines[i]; l.UnitPrice != want[0] || l.Discount != want[1] || l.Tax != want[2] || l.ProductID != txn.Details.LineItems[i].Product.ID {
			p.t.Errorf("line %d = %+v, want unit %d, discount %d, tax %d", i, l, want[0], want[1], want[2])
		}
	}
	return txn, o
}

// rules makes the seats (product seats) earn 15% and the guides (product
// guides) nothing, on this store, and sets the base.
func (p *paddleMoney) rules(seats, guides string, base commission.Base) {
	p.t.Helper()
	testdb.SetRules(p.t, p.s, p.acct.ID, base, []models.ConditionRule{
		{Scope: models.ScopeProduct, ConnectionID: p.conn.ID, Target: seats, Label: "Pro seat", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, ConnectionID: p.conn.ID, Target: guides, Label: "Guide", Kind: commission.Exclude},
	})
}

// detail is the conversion's detail, once Ben's ledger is checked: pending
// in USD, nothing approved or paid (the 30 days' hold has not run).
func (p *paddleMoney) detail(convID uint64, pending int64) *models.ConversionDetail {
	p.t.Helper()
	return testdb.Detail(p.t, p.s, p.acct.ID, p.affID, convID, "USD", pending)
}

package sandbox

import (
	"errors"
	"fmt"
	"time"

	"codecredit/platforms/currency"
)

// RefundSpec is what the merchant refunds: quantities of lines (their
// share of the subtotal after discounts, and of the tax), optionally the
// shipping, and optionally an extra amount not tied to a line.
type RefundSpec struct {
	Lines    []RefundLine `json:"lines,omitempty"`
	Shipping bool         `json:"shipping,omitempty"` // refund what is left of the shipping
	Amount   string       `json:"amount,omitempty"`   // an extra amount in the shop currency, e.g. "5.00"
	Note     string       `json:"note,omitempty"`
}

// RefundLine is a quantity of one order line to refund. LineItemID is the
// line's id from the order payload; zero picks the line at Index.
type RefundLine struct {
	LineItemID int64 `json:"line_item_id,omitempty"`
	Index      int   `json:"index,omitempty"`
	Quantity   int   `json:"quantity"`
}

type refund struct {
	ID, TxID, ParentTxID int64
	CreatedAt            time.Time
	Note                 string
	Lines                []refundLine
	Shipping, Extra      int64
	ShipAdjID, ExtraAdj  int64
	ShipLineID           int64
}

type refundLine struct {
	ID   int64
	Line *orderLine
	Qty  int
	// Subtotal and Tax are this refund's share; cumulative rounding keeps
	// the shares of all refunds of a line summing to the whole line.
	Subtotal, Tax int64
}

// amount is the money the refund gives back.
func (r *refund) amount() int64 {
	n := r.Shipping + r.Extra
	for _, l := range r.Lines {
		n += l.Subtotal + l.Tax
	}
	return n
}

// Refund refunds part of an order and delivers refunds/create.
func (s *Sandbox) Refund(shop string, orderID int64, spec RefundSpec) (int64, error) {
	s.mu.Lock()
	id, err := s.refund(shop, orderID, spec)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.flush(true)
	return id, nil
}

func (s *Sandbox) refund(shop string, orderID int64, spec RefundSpec) (int64, error) {
	sh, o, err := s.findOrder(shop, orderID)
	if err != nil {
		return 0, err
	}
	r, err := s.buildRefund(o, spec)
	if err != nil {
		return 0, err
	}
	s.commitRefund(sh, o, r)
	return r.ID, nil
}

func (s *Sandbox) buildRefund(o *order, spec RefundSpec) (*refund, error) {
	r := &refund{ID: s.id(), TxID: s.id(), CreatedAt: s.now(), Note: spec.Note}
	pending := map[*orderLine]int{}
	for _, rl := range spec.Lines {
		l := o.line(rl)
		if l == nil {
			return nil, fmt.Errorf("%w: line %d of order %d", ErrNotFound, rl.LineItemID, o.ID)
		}
		if rl.Quantity <= 0 || l.Refunded+pending[l]+rl.Quantity > l.Qty {
			return nil, fmt.Errorf("sandbox: cannot refund %d of line %d: %d left", rl.Quantity, l.ID, l.Qty-l.Refunded-pending[l])
		}
		done := l.Refunded + pending[l]
		pending[l] += rl.Quantity
		r.Lines = append(r.Lines, refundLine{ID: s.id(), Line: l, Qty: rl.Quantity,
			Subtotal: share(l.net(), done, rl.Quantity, l.Qty), Tax: share(l.Tax, done, rl.Quantity, l.Qty)})
	}
	if spec.Shipping {
		if r.Shipping = o.Shipping - o.shippingDiscount() - o.shippingRefunded(); r.Shipping > 0 {
			r.ShipAdjID, r.ShipLineID = s.id(), s.id()
		}
	}
	if spec.Amount != "" {
		extra, err := parseMoney(spec.Amount, o.Currency)
		if err != nil || extra < 0 {
			return nil, fmt.Errorf("sandbox: refund amount %q: %v", spec.Amount, err)
		}
		r.Extra, r.ExtraAdj = extra, s.id()
	}
	if r.amount() == 0 && len(r.Lines) == 0 {
		return nil, errors.New("sandbox: nothing to refund")
	}
	return r, nil
}

// commitRefund records r on the order and queues refunds/create; call with
// mu held.
func (s *Sandbox) commitRefund(sh *Shop, o *order, r *refund) {
	for _, rl := range r.Lines {
		rl.Line.Refunded += rl.Qty
	}
	o.Refunds = append(o.Refunds, r)
	o.UpdatedAt = r.CreatedAt
	s.emit(sh, "refunds/create", o.refundPayload(r))
}

// share is the part of whole owed for qty more units after done units, out
// of n: round(whole×(done+qty)/n) − round(whole×done/n).
func share(whole int64, done, qty, n int) int64 {
	return currency.MulDiv(whole, int64(done+qty), int64(n)) - currency.MulDiv(whole, int64(done), int64(n))
}

func (o *order) line(rl RefundLine) *orderLine {
	for i, l := range o.Lines {
		if (rl.LineItemID != 0 && l.ID == rl.LineItemID) || (rl.LineItemID == 0 && i == rl.Index) {
			return l
		}
	}
	return nil
}

func (o *order) shippingRefunded() int64 {
	n := int64(0)
	for _, r := range o.Refunds {
		n += r.Shipping
	}
	return n
}

// Cancel cancels an order the way the admin does by default: what is left
// of it is refunded (refunds/create), then orders/cancelled is delivered.
func (s *Sandbox) Cancel(shop string, orderID int64) error {
	s.mu.Lock()
	err := s.cancelOrder(shop, orderID)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(true)
	return nil
}

func (s *Sandbox) cancelOrder(shop string, orderID int64) error {
	sh, o, err := s.findOrder(shop, orderID)
	if err != nil {
		return err
	}
	if !o.CancelledAt.IsZero() {
		return fmt.Errorf("sandbox: order %d is already cancelled", orderID)
	}
	spec := RefundSpec{Shipping: true, Note: "Order cancelled"}
	for _, l := range o.Lines {
		if left := l.Qty - l.Refunded; left > 0 {
			spec.Lines = append(spec.Lines, RefundLine{LineItemID: l.ID, Quantity: left})
		}
	}
	if r, err := s.buildRefund(o, spec); err == nil {
		s.commitRefund(sh, o, r)
	}
	o.CancelledAt, o.UpdatedAt = s.now(), s.now()
	s.emitOrder(sh, "orders/cancelled", o)
	return nil
}

func (s *Sandbox) findOrder(shop string, id int64) (*Shop, *order, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return nil, nil, err
	}
	o, ok := sh.orders[id]
	if !ok {
		return nil, nil, fmt.Errorf("%w: order %d", ErrNotFound, id)
	}
	return sh, o, nil
}

func (o *order) refundPayload(r *refund) *RefundPayload {
	p := &RefundPayload{ID: r.ID, OrderID: o.ID, CreatedAt: timestamp(r.CreatedAt),
		ProcessedAt: timestamp(r.CreatedAt), Duties: []any{}, TotalDutiesSet: o.moneySet(0),
		AdminGraphqlAPIID: gid("Refund", r.ID), RefundLineItems: []RefundLineItem{},
		OrderAdjustments: []OrderAdjustment{}, RefundShipping: []RefundedShipping{}}
	if r.Note != "" {
		p.Note = &r.Note
	}
	for _, rl := range r.Lines {
		p.RefundLineItems = append(p.RefundLineItems, RefundLineItem{ID: rl.ID, LineItemID: rl.Line.ID,
			Quantity: rl.Qty, RestockType: "no_restock", Subtotal: moneyNumber(rl.Subtotal, o.Currency),
			SubtotalSet: o.moneySet(rl.Subtotal), TotalTax: moneyNumber(rl.Tax, o.Currency),
			TotalTaxSet: o.moneySet(rl.Tax), LineItem: o.lineItem(rl.Line)})
	}
	if r.ShipAdjID != 0 {
		p.OrderAdjustments = append(p.OrderAdjustments, o.adjustment(r, r.ShipAdjID, r.Shipping, "shipping_refund", "Shipping refund"))
		p.RefundShipping = append(p.RefundShipping, RefundedShipping{ID: r.ShipLineID,
			ShippingLineID: o.ShippingID, SubtotalAmount: o.moneySet(r.Shipping)})
	}
	if r.ExtraAdj != 0 {
		p.OrderAdjustments = append(p.OrderAdjustments, o.adjustment(r, r.ExtraAdj, r.Extra, "refund_discrepancy", "Refund discrepancy"))
	}
	p.Transactions = []Transaction{{ID: r.TxID, OrderID: o.ID, Kind: "refund", Gateway: "bogus",
		Status: "success", Message: "Bogus Gateway: Forced success", CreatedAt: timestamp(r.CreatedAt),
		Test: o.Test, ProcessedAt: timestamp(r.CreatedAt), SourceName: "web",
		Amount: money(r.amount(), o.Currency), Currency: o.Currency,
		AdminGraphqlAPIID: gid("OrderTransaction", r.TxID)}}
	return p
}

func (o *order) adjustment(r *refund, id, amount int64, kind, reason string) OrderAdjustment {
	return OrderAdjustment{ID: id, OrderID: o.ID, RefundID: r.ID, Amount: money(-amount, o.Currency),
		TaxAmount: money(0, o.Currency), Kind: kind, Reason: reason, AmountSet: o.moneySet(-amount),
		TaxAmountSet: o.moneySet(0)}
}

package sandbox

import (
	"context"
	"errors"
	"fmt"

	"codecredit/platforms/currency"
)

// adjState is an adjustment with the line amounts it holds back.
type adjState struct {
	a     Adjustment
	parts []part
}

// part is what an adjustment refunds of one line.
type part struct {
	l        *line
	net, tax int64
}

// Refund plays the merchant refunding amount (minor units, tax included,
// as Paddle's adjustment items are) of a transaction; amount <= 0, or at
// least what is left, refunds everything left. Lines are refunded in
// order. approve says whether Paddle approves it at once (approved) or it
// waits for review (pending_approval); pending amounts stay reserved.
// adjustment.created is delivered.
func (s *Server) Refund(ctx context.Context, transactionID string, amount int64, approve bool) (Adjustment, error) {
	return s.refund(ctx, transactionID, "", amount, approve)
}

// RefundItem is Refund of one line item of the transaction (itemID, its
// txnitm_ id), as an adjustment with one item: a partial item for part of
// what is left of the line, a full one for all of it.
func (s *Server) RefundItem(ctx context.Context, transactionID, itemID string, amount int64, approve bool) (Adjustment, error) {
	if itemID == "" {
		return Adjustment{}, errors.New("sandbox: a refund of an item needs the item id")
	}
	return s.refund(ctx, transactionID, itemID, amount, approve)
}

// refund refunds amount of a transaction's line itemID, or of its lines
// in order when itemID is "".
func (s *Server) refund(ctx context.Context, transactionID, itemID string, amount int64, approve bool) (Adjustment, error) {
	s.mu.Lock()
	t, ok := s.txns[transactionID]
	if !ok {
		s.mu.Unlock()
		return Adjustment{}, fmt.Errorf("%w: transaction %s", ErrNotFound, transactionID)
	}
	adj, err := s.newAdjustment(t, itemID, amount, approve)
	s.mu.Unlock()
	if err != nil {
		return Adjustment{}, err
	}
	return adj, s.emit(ctx, "adjustment.created", adj)
}

// newAdjustment reserves the refunded amounts of the line itemID (every
// line when "") and stores the adjustment. It is of type full when it
// takes everything of a transaction nothing was refunded of.
func (s *Server) newAdjustment(t *txn, itemID string, amount int64, approve bool) (Adjustment, error) {
	var left, leftAll int64
	untouched, found := true, itemID == ""
	for _, l := range t.lines {
		rest := l.net + l.tax - l.refundNet - l.refundTx
		leftAll += rest
		if itemID == "" || l.id == itemID {
			left, found = left+rest, true
		}
		untouched = untouched && l.refundNet == 0 && l.refundTx == 0
	}
	switch {
	case !found:
		return Adjustment{}, fmt.Errorf("%w: item %s of transaction %s", ErrNotFound, itemID, t.t.ID)
	case left <= 0 && itemID != "":
		return Adjustment{}, fmt.Errorf("sandbox: item %s of transaction %s is fully refunded", itemID, t.t.ID)
	case left <= 0:
		return Adjustment{}, fmt.Errorf("sandbox: transaction %s is fully refunded", t.t.ID)
	}
	if amount <= 0 || amount > left {
		amount = left
	}
	st := &adjState{a: Adjustment{ID: newID("adj"), Action: "refund", Type: "partial", TransactionID: t.t.ID,
		SubscriptionID: t.t.SubscriptionID, CustomerID: *t.t.CustomerID, Reason: "requested_by_customer",
		CurrencyCode: t.t.CurrencyCode, Status: "pending_approval", Items: []AdjustmentItem{},
		CreatedAt: s.now(), UpdatedAt: s.now()}}
	if amount == leftAll && untouched {
		st.a.Type = "full"
	}
	if approve {
		st.a.Status = "approved"
	}
	var net, tax int64
	for _, l := range t.lines {
		if itemID != "" && l.id != itemID {
			continue
		}
		p, item, ok := s.refundLine(l, &amount)
		if ok {
			st.parts, st.a.Items = append(st.parts, p), append(st.a.Items, item)
			net, tax = net+p.net, tax+p.tax
		}
	}
	fee := currency.MulDivHalfUp(net+tax, 500, 10000)
	st.a.Totals = AdjustmentTotals{Subtotal: itoa(net), Tax: itoa(tax), Total: itoa(net + tax), Fee: itoa(fee),
		Earnings: itoa(net - fee), RetainedFee: "0", CurrencyCode: t.t.CurrencyCode}
	st.a.PayoutTotals = AdjustmentPayout{AdjustmentTotals: st.a.Totals, ChargebackFee: ChargebackFee{Amount: "0"}}
	s.adjs[st.a.ID] = st
	return st.a, nil
}

// refundLine takes up to *amount (tax included) from a line, reserving
// it. Whatever is left of a line is refunded exactly; a part of it is
// split into subtotal and tax at the sandbox's tax rate.
func (s *Server) refundLine(l *line, amount *int64) (part, AdjustmentItem, bool) {
	leftNet, leftTax := l.net-l.refundNet, l.tax-l.refundTx
	take := min(*amount, leftNet+leftTax)
	if take <= 0 {
		return part{}, AdjustmentItem{}, false
	}
	p := part{l: l, net: leftNet, tax: leftTax}
	typ := "full"
	if take < leftNet+leftTax {
		p.tax = min(currency.MulDivHalfUp(take, s.opts.TaxRate, 10000+s.opts.TaxRate), leftTax)
		p.net, typ = take-p.tax, "partial"
	}
	l.refundNet, l.refundTx, *amount = l.refundNet+p.net, l.refundTx+p.tax, *amount-take
	item := AdjustmentItem{ID: newID("adjitm"), ItemID: l.id, Type: typ, Amount: ptr(itoa(take)),
		Totals: AdjustmentTotals{Subtotal: itoa(p.net), Tax: itoa(p.tax), Total: itoa(take)}}
	return p, item, true
}

// ApproveAdjustment plays Paddle approving a pending refund and delivers
// adjustment.updated.
func (s *Server) ApproveAdjustment(ctx context.Context, id string) (Adjustment, error) {
	return s.review(ctx, id, "approved")
}

// RejectAdjustment plays Paddle rejecting a pending refund: its amounts
// can be refunded again. adjustment.updated is delivered.
func (s *Server) RejectAdjustment(ctx context.Context, id string) (Adjustment, error) {
	return s.review(ctx, id, "rejected")
}

// review moves a pending adjustment to status.
func (s *Server) review(ctx context.Context, id, status string) (Adjustment, error) {
	s.mu.Lock()
	st, ok := s.adjs[id]
	switch {
	case !ok:
		s.mu.Unlock()
		return Adjustment{}, fmt.Errorf("%w: adjustment %s", ErrNotFound, id)
	case st.a.Status != "pending_approval":
		s.mu.Unlock()
		return Adjustment{}, fmt.Errorf("sandbox: adjustment %s is %s, not pending approval", id, st.a.Status)
	}
	st.a.Status, st.a.UpdatedAt = status, s.now()
	if status == "rejected" {
		for _, p := range st.parts {
			p.l.refundNet, p.l.refundTx = p.l.refundNet-p.net, p.l.refundTx-p.tax
		}
	}
	adj := st.a
	s.mu.Unlock()
	return adj, s.emit(ctx, "adjustment.updated", adj)
}

// Adjustment returns a stored adjustment.
func (s *Server) Adjustment(id string) (Adjustment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.adjs[id]
	if !ok {
		return Adjustment{}, false
	}
	return st.a, true
}

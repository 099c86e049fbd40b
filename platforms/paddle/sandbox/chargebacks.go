package sandbox

import (
	"context"
	"fmt"
)

// Chargeback plays the customer's bank taking back everything left of a
// transaction: Paddle records an approved adjustment with action
// chargeback, type full, and a chargeback fee, and delivers
// adjustment.created.
// https://developer.paddle.com/api-reference/adjustments/overview
func (s *Server) Chargeback(ctx context.Context, transactionID string) (Adjustment, error) {
	s.mu.Lock()
	t, ok := s.txns[transactionID]
	if !ok {
		s.mu.Unlock()
		return Adjustment{}, fmt.Errorf("%w: transaction %s", ErrNotFound, transactionID)
	}
	adj, err := s.newAdjustment(t, "", 0, true)
	if err == nil {
		st := s.adjs[adj.ID]
		st.a.Action, st.a.Type, st.a.Reason = "chargeback", "full", "fraudulent"
		st.a.PayoutTotals.ChargebackFee = ChargebackFee{Amount: "1500"}
		adj = st.a
	}
	s.mu.Unlock()
	if err != nil {
		return Adjustment{}, err
	}
	return adj, s.emit(ctx, "adjustment.created", adj)
}

// ReverseChargeback plays the merchant winning the dispute: the money
// comes back, as an approved adjustment with action chargeback_reverse
// mirroring the chargeback, and adjustment.created is delivered.
func (s *Server) ReverseChargeback(ctx context.Context, chargebackID string) (Adjustment, error) {
	s.mu.Lock()
	st, ok := s.adjs[chargebackID]
	if !ok || st.a.Action != "chargeback" {
		s.mu.Unlock()
		return Adjustment{}, fmt.Errorf("%w: chargeback %s", ErrNotFound, chargebackID)
	}
	for _, p := range st.parts {
		p.l.refundNet, p.l.refundTx = p.l.refundNet-p.net, p.l.refundTx-p.tax
	}
	rev := &adjState{a: st.a}
	rev.a.ID, rev.a.Action, rev.a.Reason = newID("adj"), "chargeback_reverse", "chargeback_reversed"
	rev.a.PayoutTotals.ChargebackFee = ChargebackFee{Amount: "0"}
	rev.a.CreatedAt, rev.a.UpdatedAt = s.now(), s.now()
	s.adjs[rev.a.ID] = rev
	adj := rev.a
	s.mu.Unlock()
	return adj, s.emit(ctx, "adjustment.created", adj)
}

package sandbox

import "fmt"

// sbRefund is a refund whose status the sandbox can still move.
type sbRefund struct {
	id      string
	p       *payment
	amount  int64
	status  string
	created int64
}

// sbDispute is a dispute of a charge.
type sbDispute struct {
	id      string
	p       *payment
	status  string
	created int64
}

// RefundPending refunds amount of a payment intent as a refund still on
// its way (status pending, as bank transfers and some cards report) and
// delivers refund.created, then charge.refunded. SettleRefund moves it on.
// https://docs.stripe.com/refunds#refund-statuses
func (s *Server) RefundPending(paymentIntentID string, amount int64) (string, error) {
	return s.refund(paymentIntentID, amount, "pending")
}

// SettleRefund moves a pending (or succeeded) refund to status:
// succeeded, failed or canceled; a refund that fails or is canceled gives
// its amount back to the charge. refund.updated is delivered.
func (s *Server) SettleRefund(refundID, status string) error {
	s.mu.Lock()
	r := s.refunds[refundID]
	if r == nil || r.status == "failed" || r.status == "canceled" {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: no refund %s whose status can change", refundID)
	}
	if status == "failed" || status == "canceled" {
		r.p.refunded -= r.amount
	}
	r.status = status
	ev := s.event(r.p.account, "refund.updated", r.json())
	s.mu.Unlock()
	return s.send(ev)
}

func (r *sbRefund) json() map[string]any {
	out := refundJSON(r.id, r.p, r.amount, r.created)
	out["status"] = r.status
	if r.status == "failed" {
		out["failure_reason"] = "expired_or_canceled_card"
	}
	return out
}

// Dispute plays the cardholder disputing the whole charge of a payment
// intent (a chargeback, status needs_response) and delivers
// charge.dispute.created.
func (s *Server) Dispute(paymentIntentID string) (string, error) {
	s.mu.Lock()
	p := s.payments[paymentIntentID]
	if p == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("sandbox: no payment intent %s", paymentIntentID)
	}
	d := &sbDispute{id: newID("dp_"), p: p, status: "needs_response", created: s.opts.Now().Unix()}
	s.disputes[d.id] = d
	ev := s.event(p.account, "charge.dispute.created", d.json())
	s.mu.Unlock()
	return d.id, s.send(ev)
}

// CloseDispute closes a dispute, won or lost by the merchant, and
// delivers charge.dispute.closed.
func (s *Server) CloseDispute(disputeID string, won bool) error {
	s.mu.Lock()
	d := s.disputes[disputeID]
	if d == nil || d.status == "won" || d.status == "lost" {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: no open dispute %s", disputeID)
	}
	d.status = "lost"
	if won {
		d.status = "won"
	}
	ev := s.event(d.p.account, "charge.dispute.closed", d.json())
	s.mu.Unlock()
	return s.send(ev)
}

// json is a Dispute (https://docs.stripe.com/api/disputes/object), shaped
// on the dispute of Stripe's OpenAPI fixtures (openapi/fixtures3.json).
func (d *sbDispute) json() map[string]any {
	evidence := map[string]any{}
	for _, k := range []string{"billing_address", "customer_email_address", "customer_name", "product_description",
		"receipt", "refund_policy", "service_date", "shipping_address", "uncategorized_text"} {
		evidence[k] = nil
	}
	return map[string]any{
		"id": d.id, "object": "dispute", "amount": d.p.amount, "balance_transactions": []any{},
		"charge": d.p.charge, "created": d.created, "currency": d.p.currency, "evidence": evidence,
		"evidence_details": map[string]any{"due_by": d.created + 21*86400, "has_evidence": false,
			"past_due": false, "submission_count": 0},
		"is_charge_refundable": false, "livemode": true, "metadata": map[string]string{},
		"payment_intent": d.p.intent, "reason": "fraudulent", "status": d.status,
		"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"brand": "visa",
			"case_type": "chargeback", "network_reason_code": "10.4"}},
	}
}

package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Shopify Payments disputes: a cardholder disputes an order's charge
// (disputes/create), the dispute moves through its statuses until the
// merchant wins or loses it (disputes/update on each change). The payload
// is the Dispute resource of
// https://shopify.dev/docs/api/admin-rest/2023-07/resources/dispute.

// DisputeScope is the access scope the dispute topics need; subscribing
// to them without it is refused with ACCESS_DENIED.
const DisputeScope = "read_shopify_payments_disputes"

// disputeTopics are the topics gated by DisputeScope.
var disputeTopics = []string{"disputes/create", "disputes/update"}

// DisputeSpec opens a dispute: Type "chargeback" (the default) or
// "inquiry", Amount in the shop currency (default: the order's total
// price), Reason (default "fraudulent").
type DisputeSpec struct {
	Type   string `json:"type,omitempty"`
	Amount string `json:"amount,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// DisputeUpdate moves a dispute: a new Status (under_review, won, lost,
// accepted, charge_refunded, prevented) and/or Type (an inquiry turned
// chargeback).
type DisputeUpdate struct {
	Status string `json:"status,omitempty"`
	Type   string `json:"type,omitempty"`
}

// DisputePayload is the body of disputes/create and disputes/update.
type DisputePayload struct {
	ID                int64   `json:"id"`
	OrderID           int64   `json:"order_id"`
	Type              string  `json:"type"`
	Amount            string  `json:"amount"`
	Currency          string  `json:"currency"`
	Reason            string  `json:"reason"`
	NetworkReasonCode string  `json:"network_reason_code"`
	Status            string  `json:"status"`
	EvidenceDueBy     string  `json:"evidence_due_by"`
	EvidenceSentOn    *string `json:"evidence_sent_on"`
	FinalizedOn       *string `json:"finalized_on"`
	InitiatedAt       string  `json:"initiated_at"`
}

type dispute struct {
	ID                   int64
	Order                *order
	Type, Status, Reason string
	Amount               int64
	InitiatedAt          time.Time
	FinalizedOn          time.Time
}

var (
	disputeTypes    = []string{"chargeback", "inquiry"}
	disputeStatuses = []string{"needs_response", "under_review", "won", "lost", "accepted", "charge_refunded", "prevented"}
	disputeFinal    = []string{"won", "lost", "accepted", "charge_refunded", "prevented"}
)

// OpenDispute has the cardholder dispute an order's charge and delivers
// disputes/create (status needs_response).
func (s *Sandbox) OpenDispute(shop string, orderID int64, spec DisputeSpec) (int64, error) {
	s.mu.Lock()
	id, err := s.openDispute(shop, orderID, spec)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.flush(true)
	return id, nil
}

func (s *Sandbox) openDispute(shop string, orderID int64, spec DisputeSpec) (int64, error) {
	sh, o, err := s.findOrder(shop, orderID)
	if err != nil {
		return 0, err
	}
	d := &dispute{ID: s.id(), Order: o, Type: orDefaultString(spec.Type, "chargeback"),
		Status: "needs_response", Reason: orDefaultString(spec.Reason, "fraudulent"), InitiatedAt: s.now()}
	if !slices.Contains(disputeTypes, d.Type) {
		return 0, fmt.Errorf("sandbox: dispute type %q is not chargeback or inquiry", d.Type)
	}
	d.Amount = o.totals().price
	if spec.Amount != "" {
		if d.Amount, err = parseMoney(spec.Amount, o.Currency); err != nil || d.Amount <= 0 {
			return 0, fmt.Errorf("sandbox: dispute amount %q is not a positive amount", spec.Amount)
		}
	}
	o.Disputes = append(o.Disputes, d)
	s.emit(sh, "disputes/create", d.payload())
	return d.ID, nil
}

// UpdateDispute changes a dispute's status or type and delivers
// disputes/update. A finalized dispute (won, lost, accepted,
// charge_refunded, prevented) changes no more.
func (s *Sandbox) UpdateDispute(shop string, disputeID int64, up DisputeUpdate) error {
	s.mu.Lock()
	err := s.updateDispute(shop, disputeID, up)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(true)
	return nil
}

func (s *Sandbox) updateDispute(shop string, disputeID int64, up DisputeUpdate) error {
	sh, d, err := s.findDispute(shop, disputeID)
	if err != nil {
		return err
	}
	switch {
	case slices.Contains(disputeFinal, d.Status):
		return fmt.Errorf("sandbox: dispute %d is already %s", d.ID, d.Status)
	case up.Status == "" && up.Type == "":
		return fmt.Errorf("sandbox: nothing to change on dispute %d", d.ID)
	case up.Status != "" && !slices.Contains(disputeStatuses, up.Status):
		return fmt.Errorf("sandbox: dispute status %q is not one of %v", up.Status, disputeStatuses)
	case up.Type != "" && !slices.Contains(disputeTypes, up.Type):
		return fmt.Errorf("sandbox: dispute type %q is not chargeback or inquiry", up.Type)
	}
	d.Status, d.Type = orDefaultString(up.Status, d.Status), orDefaultString(up.Type, d.Type)
	if slices.Contains(disputeFinal, d.Status) {
		d.FinalizedOn = s.now()
	}
	s.emit(sh, "disputes/update", d.payload())
	return nil
}

func (s *Sandbox) findDispute(shop string, id int64) (*Shop, *dispute, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range sh.orders {
		for _, d := range o.Disputes {
			if d.ID == id {
				return sh, d, nil
			}
		}
	}
	return nil, nil, fmt.Errorf("%w: dispute %d", ErrNotFound, id)
}

func (d *dispute) payload() *DisputePayload {
	p := &DisputePayload{ID: d.ID, OrderID: d.Order.ID, Type: d.Type, Amount: money(d.Amount, d.Order.Currency),
		Currency: d.Order.Currency, Reason: d.Reason, NetworkReasonCode: "4837", Status: d.Status,
		EvidenceDueBy: timestamp(d.InitiatedAt.AddDate(0, 0, 21)), InitiatedAt: timestamp(d.InitiatedAt)}
	if !d.FinalizedOn.IsZero() {
		f := timestamp(d.FinalizedOn)
		p.FinalizedOn = &f
	}
	return p
}

func orDefaultString(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (s *Sandbox) ctlOpenDispute(r *http.Request) (int, any, error) {
	var spec DisputeSpec
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &spec)
	}
	if err != nil {
		return 0, nil, err
	}
	did, err := s.OpenDispute(r.PathValue("shop"), id, spec)
	return http.StatusCreated, map[string]int64{"dispute_id": did}, err
}

func (s *Sandbox) ctlUpdateDispute(r *http.Request) (int, any, error) {
	var up DisputeUpdate
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &up)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"dispute_id": strconv.FormatInt(id, 10), "status": up.Status},
		s.UpdateDispute(r.PathValue("shop"), id, up)
}

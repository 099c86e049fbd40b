package models_test

import (
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// simOrder is an order an oracle booked: its affiliate, subtotal,
// commission and what its refunds gave back.
type simOrder struct {
	aff                 uint64
	month               time.Time // the tier period it counts in
	sub, refunded, comm int64
	full                bool // refunded in full
}

// simOrders are an oracle's booked orders and refunds: each refund once,
// one that comes before its order held until the order is booked.
type simOrders struct {
	orders map[string]*simOrder
	held   map[string][]platforms.Refund
	seen   map[string]bool
}

func newSimOrders() simOrders {
	return simOrders{orders: map[string]*simOrder{}, held: map[string][]platforms.Refund{}, seen: map[string]bool{}}
}

// booked books o as order id and applies the refunds held for it.
func (m *simOrders) booked(id string, o *simOrder) {
	m.orders[id] = o
	for _, r := range m.held[id] {
		o.apply(r)
	}
}

func (m *simOrders) refund(r platforms.Refund) {
	if m.seen[r.ExternalID] {
		return
	}
	m.seen[r.ExternalID] = true
	if o, ok := m.orders[r.OrderExternalID]; ok {
		o.apply(r)
		return
	}
	m.held[r.OrderExternalID] = append(m.held[r.OrderExternalID], r)
}

func (o *simOrder) apply(r platforms.Refund) {
	o.refunded = min(o.refunded+r.Subtotal, o.sub)
	o.full = o.full || r.Full || o.refunded == o.sub
	if r.Full {
		o.refunded = o.sub
	}
}

// net is what each affiliate nets: commission less its refunded share.
func (m *simOrders) net() map[uint64]int64 {
	out := map[uint64]int64{}
	for _, o := range m.orders {
		rev := o.comm
		if o.sub > 0 {
			rev = oracleRound(o.comm, o.refunded, o.sub)
		}
		out[o.aff] += o.comm - rev
	}
	return out
}

// simDelivery is one delivery of an oracle's stream and the affiliate
// whose code its order carries (0: none).
type simDelivery struct {
	ev  any
	aff uint64
}

// replay books d in an oracle: its order with order, its refund in refunds.
func replay(d simDelivery, order func(platforms.Order, uint64), refunds *simOrders) {
	switch e := d.ev.(type) {
	case platforms.Order:
		order(e, d.aff)
	case platforms.Refund:
		refunds.refund(e)
	}
}

// deliverAll delivers each delivery to the store, one after the other, and
// replays it in the oracle.
func deliverAll(t *testing.T, f *fixture, all []simDelivery, order func(platforms.Order, uint64), refunds *simOrders) {
	for _, d := range all {
		f.deliver(t, d.ev)
		replay(d, order, refunds)
	}
}

// checkNets fails t unless each affiliate nets, in USD, what the oracle
// says.
func checkNets(t *testing.T, f *fixture, affs []models.Affiliate, want map[uint64]int64) {
	t.Helper()
	for _, aff := range affs {
		if b := net(t, f, aff.ID, "USD"); b.Pending+b.Approved+b.Paid != want[aff.ID] {
			t.Errorf("affiliate %d nets %d, the oracle %d", aff.ID, b.Pending+b.Approved+b.Paid, want[aff.ID])
		}
	}
}

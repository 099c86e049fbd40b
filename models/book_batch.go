package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"codecredit/platforms"
)

// EventRoute is what a stored delivery asks for, as its platform's parser
// reads it: Order, when the delivery's only effect is that paid order,
// which a batch can book; otherwise the delivery goes the one-by-one way
// and OrderRef names the order it concerns ("" for none), so that later
// deliveries of that order wait for it.
type EventRoute struct {
	Order    *platforms.Order
	OrderRef string
}

// BookedEvent is a delivery booked and marked processed by a batch.
type BookedEvent struct {
	EventID      uint64
	ConnectionID uint64
	ReceivedAt   time.Time
	OrderID      string
	// Conversion is the order's conversion (an existing one for a repeated
	// order); nil when the order was not attributed.
	Conversion *Conversion
}

// EventBatch is what BookEventBatch did with the deliveries it claimed.
type EventBatch struct {
	// Claimed is how many deliveries the batch took.
	Claimed int
	// Booked were booked and marked processed in the batch's transaction.
	Booked []BookedEvent
	// Left were claimed but not booked: the caller books each one by one,
	// in this order (oldest first), once the batch is committed. Deliveries
	// of an order that another transaction was booking are in neither list
	// and stay for a later batch.
	Left []WebhookEvent
}

// batchItem is a claimed delivery of a paid order.
type batchItem struct {
	ev    *WebhookEvent
	order platforms.Order
	key   orderKey
	conn  *Connection
	left  bool // booked one by one instead
	done  bool // marked processed in the batch
	conv  *Conversion
}

// BookEventBatch claims up to limit deliveries nobody has tried yet (oldest
// first; on PostgreSQL skipping those another batch holds) and books in
// one transaction, with one statement per step for the whole batch, those
// whose only effect is a paid order (route tells which): the orders'
// connections, order locks, existing conversions and held refunds, codes,
// affiliates, then the conversions and accruals inserted as sets, and one
// UPDATE marking them processed. The bookings are those of AttributeOrder.
// What needs more (a subscription, refunds waiting for the order, an order
// already refunded, an invalid order, a missing connection, any other
// event, and what follows such a delivery of the same order) is left to
// the caller, in EventBatch.Left.
func (s *Store) BookEventBatch(ctx context.Context, limit int, route func(*WebhookEvent) EventRoute) (EventBatch, error) {
	var out EventBatch
	err := s.tx(ctx, func(tx *gorm.DB) error {
		out = EventBatch{} // a retried transaction starts over
		if s.IsPostgres() {
			// The batch's lookups (WHERE key IN (…200 values)) keep the same
			// text from batch to batch, so PostgreSQL would switch to a
			// generic plan after five, costed on the statistics of a table
			// that was small when first analysed: one that reads every
			// conversion of the store and filters the 200 afterwards, 1–3 s
			// a batch past 300,000 orders. Plans made for the values at
			// hand use the (connection, order) index: about a millisecond.
			if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
				return err
			}
		}
		evs, err := s.claimEvents(tx, limit)
		if err != nil || len(evs) == 0 {
			return err
		}
		out.Claimed = len(evs)
		b := &eventBatch{s: s, tx: tx, hooks: hookTargets{}}
		return b.book(evs, route, &out)
	})
	if err != nil {
		return EventBatch{}, fmt.Errorf("models: book event batch: %w", err)
	}
	return out, nil
}

// eventBatch is one batch being booked in tx.
type eventBatch struct {
	s     *Store
	tx    *gorm.DB
	items []*batchItem
	hooks hookTargets // the accounts' webhook endpoints, looked up once per batch
}

func (b *eventBatch) book(evs []WebhookEvent, route func(*WebhookEvent) EventRoute, out *EventBatch) error {
	tainted := map[orderKey]bool{} // orders with a delivery booked one by one
	left := map[uint64]bool{}
	for i := range evs {
		ev := &evs[i]
		r := route(ev)
		if r.Order == nil {
			left[ev.ID] = true
			if r.OrderRef != "" {
				tainted[orderKey{ev.ConnectionID, r.OrderRef}] = true
			}
			continue
		}
		it := &batchItem{ev: ev, order: *r.Order, key: orderKey{ev.ConnectionID, r.Order.ExternalID}}
		if tainted[it.key] {
			it.left = true
		}
		b.items = append(b.items, it)
	}
	if err := b.screen(tainted); err != nil {
		return err
	}
	busy, err := b.s.tryLockOrders(b.tx, b.keysToBook())
	if err != nil {
		return err
	}
	if err := b.checkOrders(busy); err != nil {
		return err
	}
	if err := b.attribute(); err != nil {
		return err
	}
	var marked []uint64
	for _, it := range b.items {
		switch {
		case it.left:
			left[it.ev.ID] = true
		case it.done:
			marked = append(marked, it.ev.ID)
			out.Booked = append(out.Booked, BookedEvent{EventID: it.ev.ID, ConnectionID: it.ev.ConnectionID,
				ReceivedAt: it.ev.ReceivedAt, OrderID: it.order.ExternalID, Conversion: it.conv})
		}
	}
	var taken []uint64
	for _, ev := range evs {
		if left[ev.ID] {
			out.Left = append(out.Left, ev)
			taken = append(taken, ev.ID)
		}
	}
	if err := b.s.markEventsTaken(b.tx, taken); err != nil {
		return err
	}
	return b.s.markEventsProcessed(b.tx, marked)
}

// screen settles what needs no lookup of the order: test orders (booked:
// nothing to do), invalid orders, subscriptions, missing connections and
// later deliveries of an order booked one by one (left), inactive
// connections (booked: nothing to do).
func (b *eventBatch) screen(tainted map[orderKey]bool) error {
	conns, err := b.connections()
	if err != nil {
		return err
	}
	for _, it := range b.items {
		if it.left {
			continue
		}
		o := &it.order
		switch {
		case o.Test:
			it.done = true
		case validateOrder(o) != nil || o.SubscriptionID != "" || conns[it.key.conn] == nil:
			it.left = true
		case conns[it.key.conn].Status != ConnectionActive:
			it.done = true
		default:
			it.conn = conns[it.key.conn]
			if o.PlacedAt.IsZero() {
				o.PlacedAt = b.s.now()
			}
		}
		if it.left {
			tainted[it.key] = true
		}
	}
	for _, it := range b.items { // a later delivery of an order left follows it
		if !it.done && tainted[it.key] {
			it.left = true
		}
	}
	return nil
}

// connections loads the batch's connections by id.
func (b *eventBatch) connections() (map[uint64]*Connection, error) {
	ids := map[uint64]bool{}
	for _, it := range b.items {
		ids[it.key.conn] = true
	}
	var rows []Connection
	if err := b.tx.Where("id IN ?", setKeys(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]*Connection, len(rows))
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// pending are the items still to book.
func (b *eventBatch) pending() []*batchItem {
	var out []*batchItem
	for _, it := range b.items {
		if !it.left && !it.done && it.conn != nil {
			out = append(out, it)
		}
	}
	return out
}

func (b *eventBatch) keysToBook() []orderKey {
	var keys []orderKey
	for _, it := range b.pending() {
		keys = append(keys, it.key)
	}
	return keys
}

// checkOrders drops the orders another transaction is booking (they stay
// unprocessed for a later batch), books repeated orders as their existing
// conversion, and leaves orders already refunded or with refunds waiting.
func (b *eventBatch) checkOrders(busy map[orderKey]bool) error {
	var pend []*batchItem
	for _, it := range b.pending() {
		if busy[it.key] {
			it.conn = nil // neither booked nor left
			continue
		}
		pend = append(pend, it)
	}
	if len(pend) == 0 {
		return nil
	}
	conns, orders := map[uint64]bool{}, map[string]bool{}
	for _, it := range pend {
		conns[it.key.conn], orders[it.key.id] = true, true
	}
	var existing []Conversion
	if err := b.tx.Where("connection_id IN ? AND external_order_id IN ?", setKeys(conns), setKeys(orders)).
		Find(&existing).Error; err != nil {
		return err
	}
	var held []Refund
	if err := b.tx.Select("connection_id", "external_order_id").
		Where("connection_id IN ? AND external_order_id IN ? AND applied_at IS NULL AND fail_reason = ''", setKeys(conns), setKeys(orders)).
		Find(&held).Error; err != nil {
		return err
	}
	byKey := map[orderKey]*Conversion{}
	for i := range existing {
		byKey[orderKey{existing[i].ConnectionID, existing[i].ExternalOrderID}] = &existing[i]
	}
	waiting := map[orderKey]bool{}
	for _, r := range held {
		waiting[orderKey{r.ConnectionID, r.ExternalOrderID}] = true
	}
	for _, it := range pend {
		conv := byKey[it.key]
		switch {
		case waiting[it.key] || (conv != nil && conv.RefundedSubtotal > 0):
			it.left = true
		case conv != nil:
			it.done, it.conv = true, conv
		}
	}
	return nil
}

// setKeys lists a set's members.
func setKeys[K comparable](set map[K]bool) []K {
	out := make([]K, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}

package models

import "context"

// ListEventBookings is ListEvents with what became of each delivery
// (state, conversion_id, refund_id, reason), as EventBookingOf tells it
// for one.
func (s *Store) ListEventBookings(ctx context.Context, accountID uint64, f EventFilter, parse EventParser) ([]EventBooking, int64, error) {
	rows, total, err := s.ListEvents(ctx, accountID, f)
	if err != nil {
		return nil, 0, err
	}
	bodies, err := s.processedBodies(ctx, accountID, rows)
	if err != nil {
		return nil, 0, wrapErr("list event bookings", err)
	}
	out := make([]EventBooking, 0, len(rows))
	for i := range rows {
		rows[i].Body = bodies[rows[i].ID]
		b, err := s.bookingOf(ctx, &rows[i], parse)
		if err != nil {
			return nil, 0, wrapErr("list event bookings", err)
		}
		out = append(out, *b)
	}
	return out, total, nil
}

// processedBodies loads the bodies of the processed deliveries among rows,
// by id: only those are read again to tell what they booked.
func (s *Store) processedBodies(ctx context.Context, accountID uint64, rows []WebhookEvent) (map[uint64][]byte, error) {
	var ids []uint64
	for _, ev := range rows {
		if ev.Status == EventProcessed {
			ids = append(ids, ev.ID)
		}
	}
	out := make(map[uint64][]byte, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var got []WebhookEvent
	err := s.db.WithContext(ctx).Select("id", "body").Where("account_id = ? AND id IN ?", accountID, ids).Find(&got).Error
	for _, ev := range got {
		out[ev.ID] = ev.Body
	}
	return out, err
}

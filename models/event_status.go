package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"codecredit/platforms"
)

// BookingState says what became of a reported order or refund, as its
// sender reads it (EventBooking.State).
type BookingState string

// Booking states of a stored delivery.
const (
	BookingQueued  BookingState = "queued"            // stored, not booked yet (an attempt may have failed: it is retried)
	BookingBooked  BookingState = "booked"            // its effects are booked; an order or refund names its conversion
	BookingWaiting BookingState = "waiting_for_order" // a refund kept until its order is reported
	BookingFailed  BookingState = "failed"            // failed for good, with the reason; only a retry revives it
	BookingIgnored BookingState = "ignored"           // processed, but it changed nothing: the reason says why
)

// EventBooking is a stored delivery with what became of it.
type EventBooking struct {
	*WebhookEvent
	State BookingState `json:"state"`
	// ConversionID is the order's conversion, or the one a refund applies to.
	ConversionID *uint64 `json:"conversion_id,omitempty"`
	// RefundID is the refund recorded from a refund delivery.
	RefundID *uint64 `json:"refund_id,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

// EventParser turns a stored delivery's body into normalised events (the
// platform adapter's ParseWebhook).
type EventParser func(ev *WebhookEvent) ([]platforms.Event, error)

// EventBookingOf loads one of the account's deliveries and says what became
// of it; another account's is ErrNotFound.
func (s *Store) EventBookingOf(ctx context.Context, accountID, id uint64, parse EventParser) (*EventBooking, error) {
	var ev WebhookEvent
	if err := first(s.db.WithContext(ctx), &ev, "event", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("event booking", err)
	}
	b, err := s.bookingOf(ctx, &ev, parse)
	return b, wrapErr("event booking", err)
}

// bookingOf says what became of a delivery loaded with its body (which it
// then drops).
func (s *Store) bookingOf(ctx context.Context, ev *WebhookEvent, parse EventParser) (*EventBooking, error) {
	ev.Status = eventStatus(ev)
	b := &EventBooking{WebhookEvent: ev}
	switch ev.Status {
	case EventFailed:
		b.State, b.Reason = BookingFailed, ev.LastError
	case EventPending, EventRetrying:
		b.State, b.Reason = BookingQueued, ev.LastError
	default:
		if err := s.processedBooking(ctx, b, parse); err != nil {
			return nil, err
		}
	}
	ev.Body = nil
	return b, nil
}

// processedBooking fills in what a processed delivery booked.
func (s *Store) processedBooking(ctx context.Context, b *EventBooking, parse EventParser) error {
	b.State = BookingBooked
	if parse == nil {
		return nil
	}
	events, err := parse(b.WebhookEvent)
	if err != nil {
		b.State, b.Reason = BookingIgnored, "its body cannot be read: "+err.Error()
		return nil
	}
	for _, e := range events {
		switch {
		case e.Order != nil:
			return s.orderBooking(ctx, b, e.Order)
		case e.Refund != nil && e.Kind != platforms.KindRefundUndone:
			return s.refundBooking(ctx, b, e.Refund)
		}
	}
	if len(events) == 0 {
		b.State, b.Reason = BookingIgnored, fmt.Sprintf("topic %q is not acted on", b.Topic)
	}
	return nil
}

// orderBooking: booked with its conversion, or ignored with the reason.
func (s *Store) orderBooking(ctx context.Context, b *EventBooking, o *platforms.Order) error {
	var conv Conversion
	err := s.db.WithContext(ctx).Select("id").
		Where("connection_id = ? AND external_order_id = ?", b.ConnectionID, o.ExternalID).Take(&conv).Error
	switch {
	case err == nil:
		b.ConversionID = &conv.ID
		return nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return err
	}
	b.State = BookingIgnored
	switch {
	case o.Test:
		b.Reason = "a test order: test orders are not credited"
	case len(o.Codes) == 0:
		b.Reason = "the order carries no discount code, and no subscription or returning customer credits it"
	default:
		b.Reason = fmt.Sprintf("no code of this account matched the order's codes (%s)", strings.Join(o.Codes, ", "))
	}
	return nil
}

// refundBooking: booked against its conversion, waiting for its order, or
// ignored with the reason (a currency other than the order's).
func (s *Store) refundBooking(ctx context.Context, b *EventBooking, r *platforms.Refund) error {
	var ref Refund
	err := s.db.WithContext(ctx).Select("id", "conversion_id", "applied_at", "fail_reason").
		Where("connection_id = ? AND external_order_id = ? AND external_refund_id = ?", b.ConnectionID, r.OrderExternalID, r.ExternalID).
		Take(&ref).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		b.State, b.Reason = BookingIgnored, "the refund was not recorded"
		return nil
	} else if err != nil {
		return err
	}
	b.RefundID, b.ConversionID = &ref.ID, ref.ConversionID
	switch {
	case ref.FailReason != "":
		b.State, b.Reason = BookingIgnored, ref.FailReason
	case ref.ConversionID == nil:
		b.State = BookingWaiting
		b.Reason = fmt.Sprintf("no credited order %q has been reported; the refund is applied when it is", r.OrderExternalID)
	}
	return nil
}

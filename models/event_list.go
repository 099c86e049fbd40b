package models

import (
	"context"

	"gorm.io/gorm"
)

// EventStatus is where a stored delivery stands, as the merchant sees it
// (WebhookEvent.Status); derived from its columns, never stored.
type EventStatus string

// Statuses of a stored delivery, as the merchant sees them.
const (
	EventProcessed EventStatus = "processed" // its effects are booked
	EventPending   EventStatus = "pending"   // waiting for the worker
	EventRetrying  EventStatus = "retrying"  // an attempt failed; the worker tries again
	EventFailed    EventStatus = "failed"    // failed for good (dead-lettered), with its error
)

// EventFilter narrows ListEvents: Status is one of the Event* statuses or
// empty for all.
type EventFilter struct {
	Status        EventStatus
	Page, PerPage int
}

// ListEvents lists the account's stored deliveries, newest first, with
// their status; ?status=failed are the orders and refunds that could not
// be booked, each with its error and the platform's order id.
func (s *Store) ListEvents(ctx context.Context, accountID uint64, f EventFilter) ([]WebhookEvent, int64, error) {
	q := eventStatusScope(s.db.WithContext(ctx).Model(&WebhookEvent{}).Where("account_id = ?", accountID), f.Status)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list events", err)
	}
	page, per := ClampPaging(f.Page, f.PerPage)
	var out []WebhookEvent
	err := q.Omit("body").Order("received_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&out).Error
	for i := range out {
		out[i].Status = eventStatus(&out[i])
	}
	return out, total, wrapErr("list events", err)
}

// GetAccountEvent loads one of the account's deliveries; another
// account's is ErrNotFound.
func (s *Store) GetAccountEvent(ctx context.Context, accountID, id uint64) (*WebhookEvent, error) {
	var ev WebhookEvent
	if err := first(s.db.WithContext(ctx).Omit("body"), &ev, "event", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get account event", err)
	}
	ev.Status = eventStatus(&ev)
	return &ev, nil
}

func eventStatusScope(q *gorm.DB, status EventStatus) *gorm.DB {
	switch status {
	case EventProcessed:
		return q.Where("processed_at IS NOT NULL")
	case EventFailed:
		return q.Where("processed_at IS NULL AND dead_at IS NOT NULL")
	case EventRetrying:
		return q.Where("processed_at IS NULL AND dead_at IS NULL AND last_error <> ''")
	case EventPending:
		return q.Where("processed_at IS NULL AND dead_at IS NULL AND (last_error = '' OR last_error IS NULL)")
	}
	return q
}

func eventStatus(ev *WebhookEvent) EventStatus {
	switch {
	case ev.ProcessedAt != nil:
		return EventProcessed
	case ev.DeadAt != nil:
		return EventFailed
	case ev.LastError != "":
		return EventRetrying
	}
	return EventPending
}

// Webhook events: the raw deliveries, stored once per (connection, event
// id) before any work, and their processing state.

package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// WebhookEvent is a verified platform delivery, stored raw before anything
// else happens, so a lost job never loses an order.
type WebhookEvent struct {
	ID              uint64     `gorm:"primaryKey" json:"id"`
	AccountID       uint64     `gorm:"not null;index" json:"account_id"`
	ConnectionID    uint64     `gorm:"not null;uniqueIndex:idx_webhook_dedup" json:"connection_id"`
	Platform        string     `gorm:"size:32;not null" json:"platform"`
	Topic           string     `gorm:"size:64;not null" json:"topic"`
	ExternalEventID string     `gorm:"not null;uniqueIndex:idx_webhook_dedup" json:"event_id"`
	Body            []byte     `gorm:"not null" json:"-"`
	ReceivedAt      time.Time  `gorm:"not null" json:"received_at"`
	ProcessedAt     *time.Time `gorm:"index" json:"processed_at,omitempty"`
	Attempts        int        `gorm:"not null;default:0" json:"attempts"`
	DeadAt          *time.Time `json:"dead_at,omitempty"` // failed for good; only an operator's retry revives it
	LastError       string     `json:"last_error,omitempty"`
	// TakenAt is when a drain, or the delivery's own task, took it to book
	// it one by one: from then on no other drain claims it, and a task
	// finding it taken waits for that booking's verdict.
	TakenAt *time.Time `json:"-"`
	// OrderRef is the platform's id of the order the delivery concerns
	// (a refund's order too), recorded when it fails, for the merchant.
	OrderRef string `gorm:"size:255;not null;default:''" json:"order_id,omitempty"`
	// Status is derived, not stored: processed, pending, retrying or failed.
	Status EventStatus `gorm:"-" json:"status"`
}

// StoreWebhookEvent saves a verified delivery once per (connection, event
// id). A duplicate returns the stored row with created = false.
func (s *Store) StoreWebhookEvent(ctx context.Context, ev *WebhookEvent) (*WebhookEvent, bool, error) {
	if ev.ConnectionID == 0 || ev.ExternalEventID == "" || ev.Platform == "" || ev.Topic == "" {
		return nil, false, wrapErr("store webhook event", invalidf("webhook event needs a connection, platform, topic and event id"))
	}
	if ev.ReceivedAt.IsZero() {
		ev.ReceivedAt = s.now()
	}
	created, err := s.events.write(ctx, s, ev)
	if err != nil {
		return nil, false, wrapErr("store webhook event", err)
	}
	return ev, created, nil
}

// GetWebhookEvent loads a stored delivery.
func (s *Store) GetWebhookEvent(ctx context.Context, id uint64) (*WebhookEvent, error) {
	var ev WebhookEvent
	if err := first(s.db.WithContext(ctx), &ev, "webhook event", id); err != nil {
		return nil, wrapErr("get webhook event", err)
	}
	return &ev, nil
}

// MarkEventProcessed records that a delivery's effects are booked.
func (s *Store) MarkEventProcessed(ctx context.Context, id uint64) error {
	return wrapErr("mark event processed", s.markProcessed(s.db.WithContext(ctx), id))
}

func (s *Store) markProcessed(tx *gorm.DB, id uint64) error {
	return tx.Model(&WebhookEvent{}).Where("id = ?", id).
		Updates(map[string]any{"processed_at": s.now(), "last_error": "", "dead_at": nil, "attempts": gorm.Expr("attempts + 1")}).Error
}

// MarkEventFailed records a failed attempt and its error.
func (s *Store) MarkEventFailed(ctx context.Context, id uint64, cause error) error {
	return s.RecordEventFailure(ctx, id, EventFailure{Cause: cause})
}

// MarkEventDead records a failure that retrying cannot fix (malformed
// payload, unknown platform): the sweeper leaves the event alone until an
// operator retries it.
func (s *Store) MarkEventDead(ctx context.Context, id uint64, cause error) error {
	return s.RecordEventFailure(ctx, id, EventFailure{Cause: cause, Dead: true})
}

// EventFailure is a failed attempt at booking a delivery.
type EventFailure struct {
	Cause error
	// Dead: no retry will follow (the failure is permanent or the job ran
	// out of retries); the delivery shows as failed until an operator
	// retries it.
	Dead bool
	// OrderRef is the platform's order id, when the delivery could be read.
	OrderRef string
}

// RecordEventFailure records a failed attempt, its error and, when dead,
// that the delivery failed for good.
func (s *Store) RecordEventFailure(ctx context.Context, id uint64, f EventFailure) error {
	updates := map[string]any{"last_error": truncateError(f.Cause), "attempts": gorm.Expr("attempts + 1")}
	if f.Dead {
		updates["dead_at"] = s.now()
	}
	if f.OrderRef != "" {
		updates["order_ref"] = f.OrderRef
	}
	return wrapErr("record event failure", s.db.WithContext(ctx).Model(&WebhookEvent{}).Where("id = ?", id).Updates(updates).Error)
}

// UnprocessedEvents lists deliveries received before cutoff that are still
// not processed, oldest first: the sweeper's work list.
func (s *Store) UnprocessedEvents(ctx context.Context, cutoff time.Time, limit int) ([]WebhookEvent, error) {
	var out []WebhookEvent
	err := s.db.WithContext(ctx).Select("id", "account_id", "connection_id", "platform", "topic", "external_event_id", "received_at", "attempts").
		Where("processed_at IS NULL AND dead_at IS NULL AND received_at < ?", cutoff).Order("id").Limit(limit).Find(&out).Error
	return out, wrapErr("unprocessed events", err)
}

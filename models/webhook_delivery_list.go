package models

import (
	"context"

	"gorm.io/gorm"
)

// WebhookDeliveryView is a delivery as the log shows it: its payload and
// its attempts, newest first.
type WebhookDeliveryView struct {
	WebhookDelivery
	Payload     string           `json:"payload"`
	AttemptList []WebhookAttempt `json:"attempt_log"`
}

// ListWebhookDeliveries lists one endpoint's deliveries, newest first,
// with their attempts and the total count.
func (s *Store) ListWebhookDeliveries(ctx context.Context, accountID, endpointID uint64, page, perPage int) ([]WebhookDeliveryView, int64, error) {
	db := s.db.WithContext(ctx)
	var ep WebhookEndpoint
	if err := first(db.Select("id"), &ep, "webhook endpoint", "id = ? AND account_id = ?", endpointID, accountID); err != nil {
		return nil, 0, wrapErr("list webhook deliveries", err)
	}
	q := db.Model(&WebhookDelivery{}).Where("endpoint_id = ? AND account_id = ?", endpointID, accountID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list webhook deliveries", err)
	}
	_, per, offset := listWindow(page, perPage)
	var rows []WebhookDelivery
	if err := q.Order("id DESC").Offset(offset).Limit(per).Find(&rows).Error; err != nil {
		return nil, 0, wrapErr("list webhook deliveries", err)
	}
	ids := make([]uint64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	var attempts []WebhookAttempt
	if len(ids) > 0 {
		if err := db.Where("delivery_id IN ?", ids).Order("id DESC").Find(&attempts).Error; err != nil {
			return nil, 0, wrapErr("list webhook deliveries", err)
		}
	}
	out := make([]WebhookDeliveryView, len(rows))
	for i, d := range rows {
		out[i] = WebhookDeliveryView{WebhookDelivery: d, Payload: d.Payload, AttemptList: []WebhookAttempt{}}
		for _, a := range attempts {
			if a.DeliveryID == d.ID {
				out[i].AttemptList = append(out[i].AttemptList, a)
			}
		}
	}
	return out, total, nil
}

// RedeliverWebhook queues a delivery of the account again, due now, with
// the same event id: a delivered one is sent once more, a failed one gets
// a fresh run of attempts. One being sent is ErrConflict.
func (s *Store) RedeliverWebhook(ctx context.Context, accountID, endpointID, deliveryID uint64) (*WebhookDelivery, error) {
	var d WebhookDelivery
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &d, "webhook delivery", "id = ? AND endpoint_id = ? AND account_id = ?",
			deliveryID, endpointID, accountID); err != nil {
			return err
		}
		if d.Status == DeliverySending && d.LockedUntil != nil && d.LockedUntil.After(s.now()) {
			return conflictf("delivery %d is being sent right now", d.ID)
		}
		d.Status, d.Attempts, d.NextAttemptAt = DeliveryPending, 0, s.now()
		return tx.Model(&d).Updates(map[string]any{"status": d.Status, "attempts": 0, "next_attempt_at": d.NextAttemptAt,
			"locked_until": nil, "updated_at": s.now()}).Error
	})
	if err != nil {
		return nil, wrapErr("redeliver webhook", err)
	}
	return &d, nil
}

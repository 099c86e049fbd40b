package models

import (
	"context"
	"time"
)

// WaitingRefund is a refund kept because no credited order of its order id
// has arrived: after a day or so, usually a mistyped order id.
type WaitingRefund struct {
	ID               uint64    `json:"id"`
	ConnectionID     uint64    `json:"connection_id"`
	Platform         string    `json:"platform"`
	ExternalRefundID string    `json:"refund_id"`
	ExternalOrderID  string    `json:"order_id"`
	Currency         string    `json:"currency"`
	Subtotal         int64     `json:"subtotal"`
	Amount           int64     `json:"amount"`
	Full             bool      `json:"full"`
	RefundedAt       time.Time `json:"refunded_at"`
	// WaitingSince is when the refund was received; AgeSeconds how long
	// it has waited since.
	WaitingSince time.Time `json:"waiting_since"`
	AgeSeconds   int64     `json:"age_seconds"`
}

// ListWaitingRefunds lists the account's refunds still waiting for their
// order, the longest waiting first.
func (s *Store) ListWaitingRefunds(ctx context.Context, accountID uint64, page, per int) ([]WaitingRefund, int64, error) {
	q := s.db.WithContext(ctx).Table("refunds").
		Where("refunds.account_id = ? AND refunds.conversion_id IS NULL AND refunds.applied_at IS NULL AND refunds.fail_reason = ''", accountID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list waiting refunds", err)
	}
	_, per, offset := listWindow(page, per)
	var out []WaitingRefund
	err := q.Select("refunds.id, refunds.connection_id, COALESCE(connections.platform, '') AS platform, " +
		"refunds.external_refund_id, refunds.external_order_id, refunds.currency, refunds.subtotal, refunds.amount, refunds.full, " +
		"refunds.refunded_at, refunds.created_at AS waiting_since").
		Joins("LEFT JOIN connections ON connections.id = refunds.connection_id").
		Order("refunds.created_at, refunds.id").Offset(offset).Limit(per).Scan(&out).Error
	now := s.now()
	for i := range out {
		out[i].AgeSeconds = int64(now.Sub(out[i].WaitingSince) / time.Second)
	}
	return out, total, wrapErr("list waiting refunds", err)
}

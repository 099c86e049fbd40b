package models

import (
	"context"
	"time"
)

// Clawback is commission taken back from an affiliate because an order
// was refunded after that commission had been paid, as the portal tells it.
type Clawback struct {
	OrderNumber string
	Amount      int64 // taken back, positive
	Currency    string
	RefundedAt  time.Time
	// TakenOn is the payout it was deducted from; nil while it waits for
	// the next payout.
	TakenOn *time.Time
}

// PortalClawbacks lists an affiliate's clawbacks, newest first (at most
// 20): adjustments booked for refunds after payout.
func (s *Store) PortalClawbacks(ctx context.Context, accountID, affiliateID uint64) ([]Clawback, error) {
	var rows []struct {
		OrderNumber     string
		ExternalOrderID string
		Amount          int64
		Currency        string
		CreatedAt       time.Time
		PaidAt          *time.Time
	}
	err := s.db.WithContext(ctx).Table("ledger_entries AS le").
		Select("c.order_number, c.external_order_id, le.amount, le.currency, le.created_at, p.paid_at").
		Joins("JOIN conversions AS c ON c.id = le.conversion_id").
		Joins("LEFT JOIN payouts AS p ON p.id = le.payout_id").
		Where("le.account_id = ? AND le.affiliate_id = ? AND le.kind = ? AND le.refund_id IS NOT NULL AND le.amount < 0",
			accountID, affiliateID, EntryAdjustment).
		Order("le.id DESC").Limit(20).Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("portal clawbacks", err)
	}
	out := make([]Clawback, 0, len(rows))
	for _, r := range rows {
		out = append(out, Clawback{OrderNumber: firstNonEmpty(r.OrderNumber, r.ExternalOrderID), Amount: -r.Amount,
			Currency: r.Currency, RefundedAt: r.CreatedAt, TakenOn: r.PaidAt})
	}
	return out, nil
}

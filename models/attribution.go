package models

import (
	"context"

	"codecredit/platforms"
)

// AttributeOrder books a paid order: it matches the order's codes against
// the connection's codes, records one Conversion per platform order and the
// commission accrual, links subscriptions, and applies refunds that arrived
// before the order. Test orders and orders without a known code return
// (nil, nil). A duplicate returns the existing conversion and books nothing.
func (s *Store) AttributeOrder(ctx context.Context, connectionID uint64, o platforms.Order) (*Conversion, error) {
	panic("models: AttributeOrder lands with the attribution engine")
}

// ReverseRefund books a refund or cancellation: the reversal is pro rata to
// the refunded subtotal (cumulative, so pieces sum to the whole), a
// clawback adjustment when the commission was already paid. A refund whose
// order is not attributed yet is kept and applied when it arrives. A
// duplicate refund id books nothing.
func (s *Store) ReverseRefund(ctx context.Context, connectionID uint64, r platforms.Refund) error {
	panic("models: ReverseRefund lands with the attribution engine")
}

package models

import "context"

// fillPayoutStatus says where each payout's money stands. A payout sent
// through a platform (PayPal, Stripe, store credit) takes its item's
// status, the time the platform settled it and the reason it was not
// paid; a payout recorded by hand was paid when it was recorded.
func (s *Store) fillPayoutStatus(ctx context.Context, accountID uint64, ps []Payout) error {
	ids := make([]uint64, 0, len(ps))
	for i := range ps {
		ps[i].Status = ItemPaid
		at := ps[i].PaidAt
		ps[i].SettledAt = &at
		if ps[i].RunID != nil {
			ids = append(ids, ps[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var items []PayoutSendItem
	err := s.db.WithContext(ctx).Select("payout_id", "state", "platform_state", "reason", "updated_at").
		Where("account_id = ? AND payout_id IN ?", accountID, ids).Find(&items).Error
	if err != nil {
		return err
	}
	byID := make(map[uint64]PayoutSendItem, len(items))
	for _, it := range items {
		byID[it.PayoutID] = it
	}
	for i := range ps {
		it, ok := byID[ps[i].ID]
		if !ok {
			continue
		}
		p := &ps[i]
		p.Status = ItemStatus(it.State, it.PlatformState)
		switch p.Status {
		case ItemPaid, ItemFailed, ItemReturned:
			at := it.UpdatedAt
			p.SettledAt = &at
		default:
			p.SettledAt = nil
		}
		if p.Status != ItemPaid {
			p.StatusReason = it.Reason
		}
	}
	return nil
}

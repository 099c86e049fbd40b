// Listing an account's conversions with their refunds, newest first.

package models

import (
	"context"
	"fmt"
)

// ConversionFilter narrows ListConversions.
type ConversionFilter struct {
	Status      string
	AffiliateID uint64
	Page        int // 1-based
	PerPage     int
}

// ListConversions lists an account's conversions, newest first, with the total count.
func (s *Store) ListConversions(ctx context.Context, accountID uint64, f ConversionFilter) ([]Conversion, int64, error) {
	q := s.db.WithContext(ctx).Model(&Conversion{}).Where("account_id = ?", accountID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.AffiliateID != 0 {
		q = q.Where("affiliate_id = ?", f.AffiliateID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: list conversions: %w", err)
	}
	page, per := ClampPaging(f.Page, f.PerPage)
	var out []Conversion
	err := q.Order("placed_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: list conversions: %w", err)
	}
	return out, total, wrapErr("list conversions", s.loadRefunds(ctx, out))
}

// loadRefunds fills in the refunds of conversions.
func (s *Store) loadRefunds(ctx context.Context, convs []Conversion) error {
	if len(convs) == 0 {
		return nil
	}
	at := map[uint64]int{}
	ids := make([]uint64, len(convs))
	for i, c := range convs {
		ids[i], at[c.ID] = c.ID, i
	}
	var refunds []Refund
	err := s.db.WithContext(ctx).Where("conversion_id IN ?", ids).Order("refunded_at, id").Find(&refunds).Error
	for _, r := range refunds {
		i := at[*r.ConversionID]
		convs[i].Refunds = append(convs[i].Refunds, r)
	}
	return err
}

package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// PlatformSendItem is one payout of a Stripe or store-credit run with its
// destination opened (Express account or Shopify customer).
type PlatformSendItem struct {
	PayoutID, RunID, AccountID, AffiliateID uint64
	Method, Key, Destination, Currency      string
	State                                   string // SendPrepared or SendSent while open
	Amount                                  int64
	Attempts                                int
	FirstAttemptAt, AttemptedAt             *time.Time
}

// PlatformSendItems lists a run's payouts not yet paid or failed, in
// payout order.
func (s *Store) PlatformSendItems(ctx context.Context, runID uint64) ([]PlatformSendItem, error) {
	type row struct {
		PayoutPlatformItem
		AffiliateID uint64
		Sealed      []byte
		Amount      int64
		Currency    string
		State       string
	}
	var rows []row
	err := s.db.WithContext(ctx).Model(&PayoutPlatformItem{}).
		Select("payout_platform_items.*, payout_send_items.affiliate_id, payout_send_items.sealed, "+
			"payout_send_items.amount, payout_send_items.currency, payout_send_items.state").
		Joins("JOIN payout_send_items ON payout_send_items.payout_id = payout_platform_items.payout_id").
		Where("payout_platform_items.run_id = ? AND payout_send_items.state IN ?", runID, []string{SendPrepared, SendSent}).
		Order("payout_platform_items.payout_id").Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("platform send items", err)
	}
	out := make([]PlatformSendItem, 0, len(rows))
	for _, r := range rows {
		dest, err := s.cipher.Decrypt(r.Sealed)
		if err != nil {
			return nil, wrapErr("platform send items", err)
		}
		out = append(out, PlatformSendItem{PayoutID: r.PayoutID, RunID: r.RunID, AccountID: r.AccountID, AffiliateID: r.AffiliateID,
			Method: r.Method, Key: r.Key, Destination: string(dest), Currency: r.Currency, State: r.State, Amount: r.Amount,
			Attempts: r.Attempts, FirstAttemptAt: r.FirstAttemptAt, AttemptedAt: r.AttemptedAt})
	}
	return out, nil
}

// BeginPlatformAttempt records, before the platform is called, that a call
// for the payout begins now, and returns that time; the item becomes sent.
// attempts is the count the caller read: when another sender began a call
// meanwhile, nothing changes and the error is ErrConflict.
func (s *Store) BeginPlatformAttempt(ctx context.Context, payoutID uint64, attempts int) (time.Time, error) {
	now := s.now()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&PayoutPlatformItem{}).Where("payout_id = ? AND attempts = ?", payoutID, attempts).
			Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "attempted_at": now,
				"first_attempt_at": gorm.Expr("COALESCE(first_attempt_at, ?)", now)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return conflictf("payout %d: another call began", payoutID)
		}
		return tx.Model(&PayoutSendItem{}).Where("payout_id = ? AND state = ?", payoutID, SendPrepared).
			Updates(map[string]any{"state": SendSent, "updated_at": now}).Error
	})
	return now, wrapErr("begin platform attempt", err)
}

// RenewPlatformKey gives a payout a new key and a fresh first attempt,
// once the platform was found not to have paid it under the old key and
// may have forgotten that key (Stripe keeps one 24 hours); it returns the
// key. attempts is the count the caller read: another sender's call begun
// meanwhile is ErrConflict.
func (s *Store) RenewPlatformKey(ctx context.Context, runID, payoutID uint64, attempts int) (string, error) {
	key, err := newItemKey(runID, payoutID)
	if err != nil {
		return "", wrapErr("renew platform key", err)
	}
	res := s.db.WithContext(ctx).Model(&PayoutPlatformItem{}).Where("payout_id = ? AND attempts = ?", payoutID, attempts).
		Updates(map[string]any{"key": key, "first_attempt_at": nil})
	if res.Error == nil && res.RowsAffected == 0 {
		return "", wrapErr("renew platform key", conflictf("payout %d: another call began", payoutID))
	}
	return key, wrapErr("renew platform key", res.Error)
}

// NotePlatformError keeps the last error met sending a payout, for the admin.
func (s *Store) NotePlatformError(ctx context.Context, payoutID uint64, msg string) error {
	err := s.db.WithContext(ctx).Model(&PayoutPlatformItem{}).Where("payout_id = ?", payoutID).
		Update("last_error", truncateText(msg)).Error
	return wrapErr("note platform error", err)
}

// PlatformIDsBooked reports which of ids (transfer or credit transaction
// ids) already pay a payout of the account.
func (s *Store) PlatformIDsBooked(ctx context.Context, accountID uint64, ids []string) (map[string]bool, error) {
	var found []string
	err := s.db.WithContext(ctx).Model(&PayoutSendItem{}).Where("account_id = ? AND platform_id IN ?", accountID, ids).
		Pluck("platform_id", &found).Error
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, wrapErr("platform ids booked", err)
}

// OpenPlatformRuns lists, oldest first, the runs of method
// (PayoutStripeConnect or PayoutStoreCredit) with a payout not yet paid
// or failed, for the sweeper that queues their send again.
func (s *Store) OpenPlatformRuns(ctx context.Context, method string, limit int) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&PayoutPlatformItem{}).Distinct("payout_platform_items.run_id").
		Joins("JOIN payout_send_items ON payout_send_items.payout_id = payout_platform_items.payout_id").
		Where("payout_platform_items.method = ? AND payout_send_items.state IN ?", method, []string{SendPrepared, SendSent}).
		Order("payout_platform_items.run_id").Limit(limit).Pluck("payout_platform_items.run_id", &ids).Error
	return ids, wrapErr("open platform runs", err)
}

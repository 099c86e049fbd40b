package models

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PayoutOutcome is what a platform's item state means for the balance.
type PayoutOutcome int

// Outcomes of a payout item.
const (
	OutcomeWaiting PayoutOutcome = iota // not settled: the money stays reserved
	OutcomePaid                         // the recipient has the money
	OutcomeNotPaid                      // failed or came back: back to the balance
)

// PayoutItemUpdate is one payout item as the platform reports it.
type PayoutItemUpdate struct {
	PayoutID      uint64 // our sender_item_id
	PlatformID    string // PayPal's payout_item_id
	PlatformState string // PayPal's transaction_status
	Outcome       PayoutOutcome
	Reason        string // why it was not paid (or is unclaimed)
	// Platform names who did not pay in the ledger's note ("" = PayPal).
	Platform string
}

// SendRecipient is one payout of a send with its opened email.
type SendRecipient struct {
	PayoutID uint64
	Email    string
	Amount   int64
	Currency string
}

// SendPlan is what the send job needs to call PayPal for a run.
type SendPlan struct {
	PayoutSend
	Recipients []SendRecipient
}

// PayPalSendPlan loads a run's send with every recipient, emails opened.
func (s *Store) PayPalSendPlan(ctx context.Context, runID uint64) (*SendPlan, error) {
	var plan SendPlan
	db := s.db.WithContext(ctx)
	if err := first(db, &plan.PayoutSend, "payout send", "run_id = ?", runID); err != nil {
		return nil, wrapErr("paypal send plan", err)
	}
	var items []PayoutSendItem
	if err := db.Where("run_id = ?", runID).Order("payout_id").Find(&items).Error; err != nil {
		return nil, wrapErr("paypal send plan", err)
	}
	for _, it := range items {
		email, err := s.cipher.Decrypt(it.Sealed)
		if err != nil {
			return nil, wrapErr("paypal send plan", err)
		}
		plan.Recipients = append(plan.Recipients, SendRecipient{PayoutID: it.PayoutID, Email: string(email), Amount: it.Amount, Currency: it.Currency})
	}
	return &plan, nil
}

// MarkPayPalSent records the batch id PayPal gave a run's send; its
// prepared items become sent. Doing it again changes nothing.
func (s *Store) MarkPayPalSent(ctx context.Context, runID uint64, batchID string) error {
	return wrapErr("mark paypal sent", s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		err := tx.Model(&PayoutSend{}).Where("run_id = ? AND state = ?", runID, BatchPrepared).
			Updates(map[string]any{"batch_id": batchID, "state": BatchSent, "last_error": "", "updated_at": now}).Error
		if err != nil {
			return err
		}
		return tx.Model(&PayoutSendItem{}).Where("run_id = ? AND state = ?", runID, SendPrepared).
			Updates(map[string]any{"state": SendSent, "updated_at": now}).Error
	}))
}

// NotePayPalSendError keeps the last error met sending a run, for the admin.
func (s *Store) NotePayPalSendError(ctx context.Context, runID uint64, msg string) error {
	msg = truncateText(msg)
	err := s.db.WithContext(ctx).Model(&PayoutSend{}).Where("run_id = ?", runID).
		Updates(map[string]any{"last_error": msg, "updated_at": s.now()}).Error
	return wrapErr("note paypal send error", err)
}

// FinishPayPalSend marks a run's send done when every item is paid or
// failed; it reports whether it is done.
func (s *Store) FinishPayPalSend(ctx context.Context, runID uint64) (bool, error) {
	var open int64
	db := s.db.WithContext(ctx)
	if err := db.Model(&PayoutSendItem{}).Where("run_id = ? AND state IN ?", runID, []string{SendPrepared, SendSent}).Count(&open).Error; err != nil {
		return false, wrapErr("finish paypal send", err)
	}
	if open > 0 {
		return false, nil
	}
	err := db.Model(&PayoutSend{}).Where("run_id = ?", runID).Updates(map[string]any{"state": BatchDone, "updated_at": s.now()}).Error
	return err == nil, wrapErr("finish paypal send", err)
}

// ApplyPayoutItem books what the platform reports about one payout item of
// the account, once: a paid item moves its entries from sending to paid; an
// item not paid (even after it was paid: refunded, reversed) puts its
// entries back to approved and returns its payout entry; a waiting item only
// records its state. A report that changes nothing (a duplicate, an older
// state after a newer one) books nothing. It reports whether the ledger moved.
func (s *Store) ApplyPayoutItem(ctx context.Context, accountID uint64, u PayoutItemUpdate) (bool, error) {
	moved := false
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		moved, err = s.applyItem(tx, accountID, u)
		return err
	})
	return moved, wrapErr("apply payout item", err)
}

// ApplyPayoutItems is ApplyPayoutItem for many items in one transaction,
// in payout order; items the account does not have are skipped. It returns
// how many moved the ledger.
func (s *Store) ApplyPayoutItems(ctx context.Context, accountID uint64, us []PayoutItemUpdate) (int, error) {
	sort.Slice(us, func(i, j int) bool { return us[i].PayoutID < us[j].PayoutID })
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		n = 0
		for _, u := range us {
			moved, err := s.applyItem(tx, accountID, u)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if moved {
				n++
			}
		}
		return nil
	})
	return n, wrapErr("apply payout items", err)
}

// applyItem is ApplyPayoutItem inside tx.
func (s *Store) applyItem(tx *gorm.DB, accountID uint64, u PayoutItemUpdate) (bool, error) {
	var it PayoutSendItem
	if err := first(s.forUpdate(tx), &it, "payout item", "payout_id = ? AND account_id = ?", u.PayoutID, accountID); err != nil {
		return false, err
	}
	prev, next := it.State, it.State
	switch {
	case u.Outcome == OutcomePaid && (it.State == SendPrepared || it.State == SendSent):
		next = SendPaid
	case u.Outcome == OutcomeNotPaid && it.State != SendFailed:
		next = SendFailed
	case u.Outcome == OutcomeWaiting && it.State == SendPrepared:
		next = SendSent
	}
	if next == prev && (prev == SendPaid || prev == SendFailed) {
		return false, nil // settled: a late or repeated report changes nothing
	}
	fields := map[string]any{"state": next, "platform_state": u.PlatformState, "updated_at": s.now()}
	if u.PlatformID != "" {
		fields["platform_id"] = u.PlatformID
	}
	if u.Reason != "" || next == SendPaid {
		fields["reason"] = u.Reason
	}
	if err := tx.Model(&it).Updates(fields).Error; err != nil {
		return false, err
	}
	ref := u.PlatformID
	if ref == "" {
		ref = it.PlatformID
	}
	switch {
	case next == SendPaid && prev != SendPaid:
		if err := tx.Model(&LedgerEntry{}).Where("account_id = ? AND payout_id = ? AND status = ?", accountID, it.PayoutID, EntrySending).
			Updates(map[string]any{"status": EntryPaid, "updated_at": s.now()}).Error; err != nil {
			return false, err
		}
		return true, s.emitItemSettled(tx, &it, ref, true, "")
	case next == SendFailed && prev != SendFailed:
		if err := s.returnPayout(tx, &it, u); err != nil {
			return false, err
		}
		return true, s.emitItemSettled(tx, &it, ref, false, u.Reason)
	}
	return false, nil
}

// returnPayout puts a payout PayPal did not pay back into the balance: its
// covered entries become approved (and free of the payout), their
// conversions approved, its payout entry returned, and a returned payout
// entry of the opposite amount says why.
func (s *Store) returnPayout(tx *gorm.DB, it *PayoutSendItem, u PayoutItemUpdate) error {
	now := s.now()
	var convIDs []uint64
	err := tx.Model(&LedgerEntry{}).Where("account_id = ? AND payout_id = ? AND kind = ? AND conversion_id IS NOT NULL",
		it.AccountID, it.PayoutID, EntryAccrual).Pluck("conversion_id", &convIDs).Error
	if err != nil {
		return err
	}
	err = tx.Model(&LedgerEntry{}).Where("account_id = ? AND payout_id = ? AND kind <> ?", it.AccountID, it.PayoutID, EntryPayout).
		Updates(map[string]any{"status": EntryApproved, "payout_id": nil, "updated_at": now}).Error
	if err != nil {
		return err
	}
	if len(convIDs) > 0 {
		err = tx.Model(&Conversion{}).Where("id IN ? AND status = ?", convIDs, ConversionPaid).
			Updates(map[string]any{"status": ConversionApproved, "updated_at": now}).Error
		if err != nil {
			return err
		}
	}
	err = tx.Model(&LedgerEntry{}).Where("account_id = ? AND payout_id = ? AND kind = ?", it.AccountID, it.PayoutID, EntryPayout).
		Updates(map[string]any{"status": EntryReturned, "updated_at": now}).Error
	if err != nil {
		return err
	}
	platform := u.Platform
	if platform == "" {
		platform = "PayPal"
	}
	note := platform + " did not pay (" + u.PlatformState + ")"
	if u.Reason != "" {
		note += ": " + u.Reason
	}
	key := "payout-return:" + strconv.FormatUint(it.PayoutID, 10)
	back := LedgerEntry{AccountID: it.AccountID, AffiliateID: it.AffiliateID, PayoutID: &it.PayoutID, Kind: EntryPayout,
		Amount: it.Amount, Currency: it.Currency, Status: EntryReturned, AvailableAt: now, DedupKey: &key, Note: truncateText(note)}
	return tx.Create(&back).Error
}

// PayPalEvent is a PayPal webhook event already booked: its id makes a
// second delivery of the event a no-op.
type PayPalEvent struct {
	ID         string    `gorm:"primaryKey;size:64"`
	AccountID  uint64    `gorm:"not null;index"`
	ReceivedAt time.Time `gorm:"not null"`
}

// PayoutItemAccount names the account of a payout sent through PayPal;
// ErrNotFound when no such payout was sent.
func (s *Store) PayoutItemAccount(ctx context.Context, payoutID uint64) (uint64, error) {
	var it PayoutSendItem
	// Only a PayPal run's items: a signed PayPal event naming the id of a
	// payout sent by Stripe or as store credit is about no payout of ours.
	q := s.db.WithContext(ctx).Select("account_id")
	err := first(q, &it, "payout item", "payout_id = ? AND NOT EXISTS (SELECT 1 FROM payout_platform_items p WHERE p.payout_id = payout_send_items.payout_id)", payoutID)
	if err != nil {
		return 0, wrapErr("payout item account", err)
	}
	return it.AccountID, nil
}

// ApplyPayPalEvent books a verified webhook event about an item once: an
// event id seen before changes nothing, and the item's state decides the
// rest as in ApplyPayoutItem. It reports whether the ledger moved.
func (s *Store) ApplyPayPalEvent(ctx context.Context, accountID uint64, eventID string, u PayoutItemUpdate) (bool, error) {
	moved := false
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		moved = false
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&PayPalEvent{ID: eventID, AccountID: accountID, ReceivedAt: s.now()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		moved, err = s.applyItem(tx, accountID, u)
		return err
	})
	return moved, wrapErr("apply paypal event", err)
}

package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// ReverseRefund books a refund or cancellation: the reversal is pro rata to
// the refunded subtotal (cumulative, so pieces sum to the whole), a
// clawback adjustment when the commission was already paid. A refund whose
// order is not attributed yet is kept and applied when it arrives. A
// duplicate refund id books nothing.
func (s *Store) ReverseRefund(ctx context.Context, connectionID uint64, r platforms.Refund) error {
	if err := validateRefund(&r); err != nil {
		return wrapErr("reverse refund", err)
	}
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return wrapErr("reverse refund", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "order", strconv.FormatUint(conn.ID, 10), r.OrderExternalID); err != nil {
			return err
		}
		row := Refund{
			AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalRefundID: r.ExternalID,
			ExternalOrderID: r.OrderExternalID, Currency: strings.ToUpper(r.Currency),
			Subtotal: r.Subtotal, Amount: r.Amount, Full: r.Full, RefundedAt: r.CreatedAt.UTC(), Note: refundNote(r),
			Lines: r.Lines,
		}
		if row.RefundedAt.IsZero() {
			row.RefundedAt = s.now()
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // a duplicate delivery books nothing
		}
		var conv Conversion
		err := s.forUpdate(tx).Where("connection_id = ? AND external_order_id = ?", conn.ID, r.OrderExternalID).Take(&conv).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // held until its order arrives
		}
		if err != nil {
			return err
		}
		return s.applyOrFail(tx, &conv, &row)
	})
	if err != nil {
		return fmt.Errorf("models: refund %s: %w", r.ExternalID, err)
	}
	return nil
}

// applyHeldRefunds applies refunds that arrived before their order.
func (s *Store) applyHeldRefunds(tx *gorm.DB, conv *Conversion) error {
	var held []Refund
	err := tx.Where("connection_id = ? AND external_order_id = ? AND applied_at IS NULL AND fail_reason = ''",
		conv.ConnectionID, conv.ExternalOrderID).Order("refunded_at, id").Find(&held).Error
	if err != nil {
		return err
	}
	for i := range held {
		if err := s.applyOrFail(tx, conv, &held[i]); err != nil {
			return err
		}
	}
	return nil
}

// applyOrFail books a refund against its conversion, unless it is in
// another currency than the order: then it changes nothing and the
// refund row says why.
func (s *Store) applyOrFail(tx *gorm.DB, conv *Conversion, ref *Refund) error {
	reason := currencyMismatch(conv.ExternalOrderID, conv.Currency, ref.Currency)
	if reason == "" {
		return s.applyRefund(tx, conv, ref)
	}
	ref.FailReason, ref.ConversionID = reason, &conv.ID
	return tx.Model(&Refund{}).Where("id = ?", ref.ID).
		Updates(map[string]any{"fail_reason": reason, "conversion_id": conv.ID}).Error
}

// currencyMismatch says why a refund in refundCurrency cannot apply to an
// order in orderCurrency; "" when it can (a refund without a currency is
// in its order's).
func currencyMismatch(orderID, orderCurrency, refundCurrency string) string {
	if refundCurrency == "" || strings.EqualFold(refundCurrency, orderCurrency) {
		return ""
	}
	return fmt.Sprintf("refund in %s but order %s is in %s: a refund is in its order's currency, so it changed nothing",
		strings.ToUpper(refundCurrency), orderID, orderCurrency)
}

// CheckRefundCurrency refuses (ErrInvalid) a refund in another currency
// than its order, when the order is already booked on the connection.
func (s *Store) CheckRefundCurrency(ctx context.Context, connectionID uint64, r platforms.Refund) error {
	if r.Currency == "" {
		return nil
	}
	var convs []Conversion
	err := s.db.WithContext(ctx).Select("currency").Where("connection_id = ? AND external_order_id = ?",
		connectionID, r.OrderExternalID).Limit(1).Find(&convs).Error
	if err != nil || len(convs) == 0 {
		return wrapErr("check refund currency", err)
	}
	if reason := currencyMismatch(r.OrderExternalID, convs[0].Currency, r.Currency); reason != "" {
		return wrapErr("check refund currency", invalidf("%s", reason))
	}
	return nil
}

// dropLegacyRefundIndex drops the unique index that made refund ids
// unique per connection instead of per order (databases created before
// idx_refund_order_external replaced it).
func dropLegacyRefundIndex(tx *gorm.DB) error {
	if !tx.Migrator().HasIndex(&Refund{}, "idx_refund_external") {
		return nil
	}
	return tx.Migrator().DropIndex(&Refund{}, "idx_refund_external")
}

// applyRefund books one refund against its conversion. The reversed total
// is always round(commission × refunded / subtotal), so however the order
// is refunded in pieces, a full refund reverses exactly the commission;
// for an order booked with its lines, it is the sum of what each line's
// refunds take back (reverseLines).
func (s *Store) applyRefund(tx *gorm.DB, conv *Conversion, ref *Refund) error {
	refunded := conv.RefundedSubtotal + refundedGoods(conv, ref)
	if ref.Full || refunded > conv.Subtotal {
		refunded = conv.Subtotal
	}
	target := conv.Commission
	if conv.Subtotal > 0 {
		target = currency.MulDiv(conv.Commission, refunded, conv.Subtotal)
	}
	lines, err := loadConversionLines(tx, conv.ID)
	if err != nil {
		return err
	}
	if len(lines) > 0 {
		if target, err = s.reverseLines(tx, conv, lines, ref); err != nil {
			return err
		}
	}
	if delta := target - conv.ReversedCommission; delta != 0 && conv.AffiliateID != nil {
		if err := s.bookReversal(tx, conv, ref, delta); err != nil {
			return err
		}
	}
	now := s.now()
	updates := map[string]any{"refunded_subtotal": refunded, "reversed_commission": target}
	reversed := refunded == conv.Subtotal &&
		(conv.Status == ConversionPending || conv.Status == ConversionApproved || conv.Status == ConversionPaid)
	if reversed {
		updates["status"] = ConversionReversed
	}
	if err := tx.Model(&Conversion{}).Where("id = ?", conv.ID).Updates(updates).Error; err != nil {
		return err
	}
	conv.RefundedSubtotal, conv.ReversedCommission = refunded, target
	if reversed { // the conversion answered and announced is the one stored
		conv.Status = ConversionReversed
	}
	if err := s.emitReversal(tx, conv, ref); err != nil {
		return err
	}
	return tx.Model(&Refund{}).Where("id = ?", ref.ID).Updates(map[string]any{"conversion_id": conv.ID, "applied_at": now}).Error
}

// refundedGoods is the part of the order subtotal a refund gives back: its
// Subtotal, or, when the platform only tells the money refunded (tax and
// shipping included), the same share of the subtotal as that money is of
// the order total.
func refundedGoods(conv *Conversion, ref *Refund) int64 {
	if ref.Subtotal > 0 || ref.Amount == 0 {
		return ref.Subtotal
	}
	if conv.Total <= 0 {
		return min(ref.Amount, conv.Subtotal)
	}
	return currency.MulDiv(conv.Subtotal, min(ref.Amount, conv.Total), conv.Total)
}

// bookReversal writes the ledger entry taking delta back. Before payout it
// is a reversal sharing the accrual's status and hold; after payout it is
// a clawback adjustment, payable (deducted) at once.
func (s *Store) bookReversal(tx *gorm.DB, conv *Conversion, ref *Refund, delta int64) error {
	var accrual LedgerEntry
	err := s.forUpdate(tx).Where("conversion_id = ? AND kind = ?", conv.ID, EntryAccrual).Take(&accrual).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil // nothing was booked (flagged or zero commission)
	}
	if err != nil {
		return err
	}
	key := "refund:" + strconv.FormatUint(ref.ID, 10)
	e := LedgerEntry{
		AccountID: conv.AccountID, AffiliateID: accrual.AffiliateID, ConversionID: &conv.ID,
		RefundID: &ref.ID, Kind: EntryReversal, Amount: -delta, Currency: conv.Currency,
		Status: accrual.Status, AvailableAt: accrual.AvailableAt, DedupKey: &key,
	}
	if accrual.Status == EntryPaid {
		e.Kind, e.Status, e.AvailableAt = EntryAdjustment, EntryApproved, s.now()
		e.Note = "clawback: refunded after payout"
	}
	return tx.Create(&e).Error
}

// MoneyShareNote is said on a refund known only by its money (Stripe): it
// takes the same share of the order's goods as of its total.
const MoneyShareNote = "Refund of money only: it takes back the same share of the goods as of the order's total."

// refundNote is what a refund says about how its goods' share was found:
// the platform's note, or the money share for a refund of money only.
func refundNote(r platforms.Refund) string {
	if r.Note == "" && r.Subtotal == 0 && r.Amount > 0 && !r.Full {
		return MoneyShareNote
	}
	return r.Note
}

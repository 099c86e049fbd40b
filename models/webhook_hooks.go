package models

import (
	"strconv"
	"time"

	"gorm.io/gorm"
)

// The events of the ledger changes other than a new conversion, each
// written in the transaction of its change.

// WebhookReversal is the data of a conversion.reversed event: the
// conversion after the refund, and the refund that took commission back.
type WebhookReversal struct {
	*Conversion
	RefundID         uint64 `json:"refund_id"`
	ExternalRefundID string `json:"external_refund_id"`
}

// emitReversal writes conversion.reversed for a refund just applied to an
// attributed conversion, once per refund.
func (s *Store) emitReversal(tx *gorm.DB, conv *Conversion, ref *Refund) error {
	if conv.AffiliateID == nil {
		return nil
	}
	return emitHooks(tx, nil, s.now(), hookEvent{accountID: conv.AccountID, typ: HookConversionReversed,
		key:  "refund:" + strconv.FormatUint(ref.ID, 10),
		data: WebhookReversal{Conversion: conv, RefundID: ref.ID, ExternalRefundID: ref.ExternalRefundID}})
}

// emitApprovals writes conversion.approved for the conversions whose hold
// ends by now (accountID 0: every account's), before they are moved to
// approved in the same transaction. Only accounts with an enabled endpoint
// subscribed to it are read.
func emitApprovals(tx *gorm.DB, accountID uint64, now time.Time) error {
	q := tx.Model(&WebhookEndpoint{}).Where("enabled = ? AND events LIKE ?", true, `%"`+HookConversionApproved+`"%`)
	if accountID != 0 {
		q = q.Where("account_id = ?", accountID)
	}
	var accounts []uint64
	if err := q.Distinct().Pluck("account_id", &accounts).Error; err != nil || len(accounts) == 0 {
		return err
	}
	var convs []*Conversion
	if err := tx.Where("account_id IN ? AND status = ? AND approve_at <= ?", accounts, ConversionPending, now).
		Find(&convs).Error; err != nil {
		return err
	}
	for _, c := range convs {
		c.Status, c.UpdatedAt = ConversionApproved, now
	}
	return emitHooks(tx, hookTargets{}, now, conversionHooks(HookConversionApproved, convs...)...)
}

// affiliateHooks are the events of affiliates just created.
func affiliateHooks(affs ...*Affiliate) []hookEvent {
	out := make([]hookEvent, 0, len(affs))
	for _, a := range affs {
		out = append(out, hookEvent{accountID: a.AccountID, typ: HookAffiliateCreated, key: strconv.FormatUint(a.ID, 10), data: a})
	}
	return out
}

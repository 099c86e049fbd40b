package models

import (
	"strconv"
	"time"

	"gorm.io/gorm"
)

// The events of the ledger changes other than a new conversion, each
// written in the transaction of its change.

// WebhookReversal is the data of a commission.reversed event: the
// conversion after the refund, and the refund that took commission back.
type WebhookReversal struct {
	*Conversion
	RefundID         uint64 `json:"refund_id"`
	ExternalRefundID string `json:"external_refund_id"`
}

// emitReversal writes commission.reversed for a refund just applied to an
// attributed conversion, once per refund.
func (s *Store) emitReversal(tx *gorm.DB, conv *Conversion, ref *Refund) error {
	if conv.AffiliateID == nil {
		return nil
	}
	return emitHooks(tx, nil, s.now(), hookEvent{accountID: conv.AccountID, typ: HookCommissionReversed,
		key:  "refund:" + strconv.FormatUint(ref.ID, 10),
		data: WebhookReversal{Conversion: conv, RefundID: ref.ID, ExternalRefundID: ref.ExternalRefundID}})
}

// emitApprovals writes commission.approved for the conversions whose hold
// ends by now (accountID 0: every account's), before they are moved to
// approved in the same transaction. Only accounts with an enabled endpoint
// subscribed to it are read.
func emitApprovals(tx *gorm.DB, accountID uint64, now time.Time) error {
	q := tx.Model(&WebhookEndpoint{}).Where("enabled = ? AND events LIKE ?", true, `%"`+HookCommissionApproved+`"%`)
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
	return emitHooks(tx, hookTargets{}, now, conversionHooks(HookCommissionApproved, convs...)...)
}

// affiliateHooks are the events of affiliates just created.
func affiliateHooks(affs ...*Affiliate) []hookEvent {
	out := make([]hookEvent, 0, len(affs))
	for _, a := range affs {
		out = append(out, hookEvent{accountID: a.AccountID, typ: HookAffiliateCreated, key: strconv.FormatUint(a.ID, 10), data: a})
	}
	return out
}

// WebhookPayout is the data of payout.paid and payout.failed: the payout,
// the run that made it (null for a payout by hand), how it was sent, and
// the platform's own reference for it (its PayPal item, Stripe transfer or
// store credit transaction; empty when paid by hand). Reason says why a
// platform did not pay.
type WebhookPayout struct {
	*Payout
	RunID             *uint64 `json:"run_id"`
	Method            string  `json:"method"`
	PlatformReference string  `json:"platform_reference"`
	Reason            string  `json:"reason,omitempty"`
}

// payoutHook is the event typ about p (once per payout and type).
func payoutHook(typ string, p *Payout, platformRef, reason string) hookEvent {
	return hookEvent{accountID: p.AccountID, typ: typ, key: strconv.FormatUint(p.ID, 10),
		data: WebhookPayout{Payout: p, RunID: p.RunID, Method: p.Method, PlatformReference: platformRef, Reason: reason}}
}

// emitItemSettled writes payout.paid or payout.failed for a payout sent
// through a platform, in the transaction that books what the platform
// reported. The payout is read only when an endpoint wants the event.
func (s *Store) emitItemSettled(tx *gorm.DB, it *PayoutSendItem, platformRef string, paid bool, reason string) error {
	typ := HookPayoutFailed
	if paid {
		typ, reason = HookPayoutPaid, ""
	}
	targets := hookTargets{}
	if want, err := targets.wants(tx, it.AccountID, typ); err != nil || !want {
		return err
	}
	var p Payout
	if err := tx.First(&p, it.PayoutID).Error; err != nil {
		return err
	}
	return emitHooks(tx, targets, s.now(), payoutHook(typ, &p, platformRef, reason))
}

// WebhookCodeAssignment is the data of code.assigned: the code, the
// affiliate it now belongs to, and the one it belonged to before (null for
// a code that had none).
type WebhookCodeAssignment struct {
	CodeID              uint64  `json:"code_id"`
	Code                string  `json:"code"`
	AffiliateID         uint64  `json:"affiliate_id"`
	PreviousAffiliateID *uint64 `json:"previous_affiliate_id"`
}

// codeAssigned is the event of c given to affiliateID (from prev, nil for
// none), or none when the affiliate does not change. The key holds the
// time, so giving a code back to an affiliate it had before is a new event.
func codeAssigned(c *Code, prev *uint64, affiliateID uint64, now time.Time) []hookEvent {
	if prev != nil && *prev == affiliateID {
		return nil
	}
	var from uint64
	if prev != nil {
		from = *prev
	}
	key := strconv.FormatUint(c.ID, 10) + ":" + strconv.FormatUint(from, 10) + ">" +
		strconv.FormatUint(affiliateID, 10) + "@" + strconv.FormatInt(now.UnixNano(), 10)
	return []hookEvent{{accountID: c.AccountID, typ: HookCodeAssigned, key: key,
		data: WebhookCodeAssignment{CodeID: c.ID, Code: c.Code, AffiliateID: affiliateID, PreviousAffiliateID: prev}}}
}

// Payout notices: an email to the affiliate when a payout sent through a
// platform is paid, or cannot reach them and needs their action (a PayPal
// email that cannot receive it, a payment waiting to be claimed). Each item
// and outcome is emailed once: the dedup key names both.

package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
)

// payoutNoticeWindow is how far back settled items are looked at: older
// ones were noticed already, or never will be.
const payoutNoticeWindow = 14 * 24 * time.Hour

// payoutNoticeKey is the dedup key of the notice of an item's outcome.
func payoutNoticeKey(state string, payoutID uint64) string {
	return "payout-" + state + ":" + strconv.FormatUint(payoutID, 10)
}

// WritePayoutNotices writes to the outbox the notice of every payout item
// paid, or not paid for a reason the affiliate must fix, in the last two
// weeks, that has none yet (at most limit), and returns the ids to send.
// Calling it again writes nothing new.
func (s *Store) WritePayoutNotices(ctx context.Context, appURL string, limit int) ([]uint64, error) {
	var items []PayoutSendItem
	err := s.db.WithContext(ctx).Where("updated_at >= ?", s.now().Add(-payoutNoticeWindow)).
		Where("state = ? OR (state IN ? AND (platform_state IN ? OR reason LIKE ?))",
			SendPaid, []string{SendFailed, SendSent}, []string{"UNCLAIMED", "RETURNED"}, "RECEIVER_%").
		Where("NOT EXISTS (SELECT 1 FROM outbox_emails o WHERE o.account_id = payout_send_items.account_id AND " +
			"o.dedup_key = 'payout-' || payout_send_items.state || ':' || CAST(payout_send_items.payout_id AS TEXT))").
		Where("EXISTS (SELECT 1 FROM affiliates a WHERE a.id = payout_send_items.affiliate_id AND a.account_id = payout_send_items.account_id)").
		Order("payout_id").Limit(limit).Find(&items).Error
	if err != nil {
		return nil, wrapErr("write payout notices", err)
	}
	var ids []uint64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		ids = ids[:0]
		accts := map[uint64]*Account{}
		sets := map[uint64]*EmailSettings{}
		for i := range items {
			id, err := s.writePayoutNotice(tx, &items[i], accts, sets, appURL)
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids, wrapErr("write payout notices", err)
}

// writePayoutNotice writes the notice of one item; 0 when it was written
// before or the affiliate is gone.
func (s *Store) writePayoutNotice(tx *gorm.DB, it *PayoutSendItem, accts map[uint64]*Account, sets map[uint64]*EmailSettings, appURL string) (uint64, error) {
	acct, set := accts[it.AccountID], sets[it.AccountID]
	if acct == nil {
		acct = &Account{}
		if err := first(tx, acct, "account", it.AccountID); err != nil {
			return 0, err
		}
		var err error
		if set, err = emailSettings(tx, it.AccountID); err != nil {
			return 0, err
		}
		accts[it.AccountID], sets[it.AccountID] = acct, set
	}
	var affs []Affiliate
	if err := tx.Where("id = ? AND account_id = ?", it.AffiliateID, it.AccountID).Limit(1).Find(&affs).Error; err != nil || len(affs) == 0 {
		return 0, err
	}
	email, err := s.cipher.Decrypt(it.Sealed)
	if err != nil {
		return 0, err
	}
	data := emailtmpl.Payout{Program: program(acct, set), Affiliate: person(&affs[0]), Amount: moneyText(it.Amount, it.Currency),
		Method: "PayPal", Paid: it.State == SendPaid, Reference: it.PlatformID, PortalURL: PortalURL(appURL)}
	if !data.Paid {
		data.Reason, data.Action = payoutProblem(it.PlatformState, it.Reason, maskEmail(string(email)))
	}
	return writeEmail(tx, newEmail{account: acct, to: &affs[0], kind: emailtmpl.KindPayoutNotice,
		dedupKey: payoutNoticeKey(it.State, it.PayoutID), data: data})
}

// payoutProblem says, to the affiliate, why a payout did not reach them
// and what to do; email is the (masked) PayPal email it went to, if known.
func payoutProblem(platformState, reason, email string) (why, action string) {
	_, msg, _ := strings.Cut(reason, ": ")
	to := "Your PayPal email"
	if email != "" {
		to += " " + email
	}
	if platformState == "UNCLAIMED" {
		return "PayPal is holding it: " + strings.ToLower(to[:1]) + to[1:] + " has no PayPal account yet.",
			"Sign up to PayPal with this email to claim it within 30 days, or update your payout details in your portal."
	}
	why = to + " could not receive the payment"
	if msg != "" {
		why += " (" + strings.TrimSuffix(msg, ".") + ")"
	}
	return why + ".", "Update your payout details in your portal so that the next payment reaches you; the money stays in your balance."
}

package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
)

// OutdatedCommission is an affiliate whose last code-assignment email
// stated a commission that is no longer theirs: their own commission was
// set or removed, or the program's default changed since.
type OutdatedCommission struct {
	AffiliateID    uint64    `json:"affiliate_id"`
	AffiliateName  string    `json:"affiliate_name"`
	AffiliateEmail string    `json:"affiliate_email"`
	EmailID        uint64    `json:"email_id"`   // the last codes email
	EmailedAt      time.Time `json:"emailed_at"` // when it was written
	Stated         string    `json:"stated"`     // the commission it stated
	Current        string    `json:"current"`    // the commission now
}

// OutdatedCommissionEmails lists the account's active affiliates holding
// active codes whose last code-assignment email stated a commission other
// than their current one (affiliateID, when not 0, narrows it to one). An
// affiliate whose last email did not state a commission is not listed.
func (s *Store) OutdatedCommissionEmails(ctx context.Context, accountID, affiliateID uint64) ([]OutdatedCommission, error) {
	return outdatedCommissions(s.db.WithContext(ctx), accountID, affiliateID)
}

func outdatedCommissions(db *gorm.DB, accountID, affiliateID uint64) ([]OutdatedCommission, error) {
	last := db.Model(&OutboxEmail{}).Select("MAX(id)").
		Where("account_id = ? AND kind = ? AND affiliate_id IS NOT NULL", accountID, emailtmpl.KindCodeAssignment)
	if affiliateID != 0 {
		last = last.Where("affiliate_id = ?", affiliateID)
	}
	var emails []OutboxEmail
	err := db.Where("id IN (?) AND commission <> ''", last.Group("affiliate_id")).Order("affiliate_id").Find(&emails).Error
	if err != nil || len(emails) == 0 {
		return []OutdatedCommission{}, err
	}
	var acct Account
	if err := first(db, &acct, "account", accountID); err != nil {
		return nil, err
	}
	out := []OutdatedCommission{}
	for _, e := range emails {
		var affs []Affiliate
		err := db.Where("id = ? AND account_id = ? AND status = ? AND EXISTS (SELECT 1 FROM codes WHERE codes.affiliate_id = affiliates.id AND codes.active = ?)",
			*e.AffiliateID, accountID, AffiliateActive, true).Limit(1).Find(&affs).Error
		if err != nil {
			return nil, err
		}
		if len(affs) == 0 {
			continue
		}
		rule, _, err := effectiveRule(db, acct.ID, affs[0].ID, &acct)
		if err != nil {
			return nil, err
		}
		if now := CommissionTerms(rule); now != e.Commission {
			out = append(out, OutdatedCommission{AffiliateID: affs[0].ID, AffiliateName: affs[0].Name, AffiliateEmail: affs[0].Email,
				EmailID: e.ID, EmailedAt: e.CreatedAt, Stated: e.Commission, Current: now})
		}
	}
	return out, nil
}

// WriteUpdatedCommissionEmails writes, for every affiliate
// OutdatedCommissionEmails lists, a code-assignment email with all its
// active codes and its current commission, and returns the ids to send.
// Sending it makes the affiliate's last email current again.
func (s *Store) WriteUpdatedCommissionEmails(ctx context.Context, accountID uint64, appURL string) ([]uint64, error) {
	outdated, err := s.OutdatedCommissionEmails(ctx, accountID, 0)
	if err != nil || len(outdated) == 0 {
		return nil, wrapErr("write updated commission emails", err)
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("models: write updated commission emails: %w", err)
	}
	ids := make([]uint64, 0, len(outdated))
	for _, o := range outdated {
		ids = append(ids, o.AffiliateID)
	}
	var codes []Code
	err = s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id IN ? AND active = ?", accountID, ids, true).
		Order("id").Find(&codes).Error
	if err != nil {
		return nil, fmt.Errorf("models: write updated commission emails: %w", err)
	}
	byAff := map[uint64][]Code{}
	for _, c := range codes {
		byAff[*c.AffiliateID] = append(byAff[*c.AffiliateID], c)
	}
	stamp := strconv.FormatInt(s.now().UnixNano(), 36)
	return s.writeCodeEmails(ctx, accountID, byAff, set, appURL, func(codes []Code) string {
		return "commission-" + stamp + "-" + strconv.FormatUint(*codes[0].AffiliateID, 10)
	})
}

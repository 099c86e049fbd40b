// Which affiliate an order credits, and why: the first affiliate code on
// the order, or a renewal of a subscription an affiliate brought; and the
// subscription link the first attributed payment makes.

package models

import (
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// credit is who an order is credited to and why.
type credit struct {
	code      *Code
	affiliate *Affiliate
	sub       *Subscription // set for a renewal of a linked subscription
	lifetime  *CustomerLink // set when the customer's affiliate is credited (lifetime attribution)
	renewal   int64         // a renewal's number: 1 for the first after the subscription's first payment
	renewalOf *int          // the months of renewals the rule pays (nil: for the subscription's life)
}

// creditFor finds the code and affiliate an order is credited to. A renewal
// of a subscription already linked to an affiliate stays with that
// affiliate, whatever code it carries. Otherwise the first code of the
// order that belongs to an active affiliate wins; failing that, the first
// known code is recorded without an affiliate.
func (s *Store) creditFor(tx *gorm.DB, conn *Connection, o *platforms.Order) (credit, error) {
	if o.SubscriptionID != "" {
		var sub Subscription
		err := tx.Where("connection_id = ? AND external_id = ?", conn.ID, o.SubscriptionID).Take(&sub).Error
		if err == nil {
			return s.renewalCredit(tx, &sub)
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return credit{}, err
		}
	}
	codes, err := s.matchingCodes(tx, conn, o.Codes)
	if err != nil || len(codes) == 0 {
		return credit{}, err
	}
	affiliates, err := s.activeAffiliates(tx, conn.AccountID, codes)
	if err != nil {
		return credit{}, err
	}
	return creditAmong(codes, affiliates), nil
}

func (s *Store) renewalCredit(tx *gorm.DB, sub *Subscription) (credit, error) {
	var aff Affiliate
	if err := tx.Take(&aff, sub.AffiliateID).Error; err != nil {
		return credit{}, err
	}
	cr := credit{sub: sub}
	if aff.Status == AffiliateActive {
		cr.affiliate = &aff
	}
	if sub.CodeID != nil {
		var c Code
		if err := tx.Take(&c, *sub.CodeID).Error; err == nil {
			cr.code = &c
		}
	}
	return cr, nil
}

// matchingCodes returns the active codes of the connection (or of the
// account, not tied to a store) named by the order, in the order's order.
// An order names a code by its text (any case) or, on platforms whose
// payloads carry ids (a Stripe promotion code, a Paddle discount), by the
// code's platform id.
func (s *Store) matchingCodes(tx *gorm.DB, conn *Connection, typed []string) ([]*Code, error) {
	typed, norms := typedCodes(typed)
	if len(typed) == 0 {
		return nil, nil
	}
	var rows []Code
	err := tx.Where("account_id = ? AND connection_id IN ? AND active = ? AND (normalized IN ? OR platform_code_id IN ?)",
		conn.AccountID, []uint64{conn.ID, 0}, true, norms, typed).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	return pickCodes(rows, typed, norms), nil
}

// activeAffiliates loads the active affiliates owning codes, by id.
func (s *Store) activeAffiliates(tx *gorm.DB, accountID uint64, codes []*Code) (map[uint64]*Affiliate, error) {
	var ids []uint64
	for _, c := range codes {
		if c.AffiliateID != nil {
			ids = append(ids, *c.AffiliateID)
		}
	}
	out := map[uint64]*Affiliate{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Affiliate
	err := tx.Where("account_id = ? AND id IN ? AND status = ?", accountID, ids, AffiliateActive).Find(&rows).Error
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, err
}

// renewalEarns applies the rule's recurring months cap to a renewal.
func renewalEarns(rule *CommissionRule, sub *Subscription, o *platforms.Order) bool {
	if rule.RecurringMonths == nil {
		return true
	}
	if *rule.RecurringMonths == 0 {
		return false
	}
	return o.PlacedAt.Before(sub.FirstPaidAt.AddDate(0, *rule.RecurringMonths, 0))
}

// linkSubscription remembers which affiliate won a subscription's first
// attributed payment.
func (s *Store) linkSubscription(tx *gorm.DB, conn *Connection, o *platforms.Order, cr credit) error {
	if o.SubscriptionID == "" || cr.sub != nil || cr.affiliate == nil {
		return nil
	}
	sub := Subscription{AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalID: o.SubscriptionID,
		AffiliateID: cr.affiliate.ID, FirstPaidAt: o.PlacedAt.UTC()}
	if cr.code != nil {
		sub.CodeID = &cr.code.ID
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&sub).Error
}

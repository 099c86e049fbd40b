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
)

// AttributeOrder books a paid order: it matches the order's codes against
// the connection's codes, records one Conversion per platform order and the
// commission accrual, links subscriptions, and applies refunds that arrived
// before the order. Test orders and orders without a known code return
// (nil, nil). A duplicate returns the existing conversion and books nothing.
func (s *Store) AttributeOrder(ctx context.Context, connectionID uint64, o platforms.Order) (*Conversion, error) {
	if o.Test {
		return nil, nil
	}
	if err := validateOrder(&o); err != nil {
		return nil, err
	}
	if o.PlacedAt.IsZero() {
		o.PlacedAt = s.now()
	}
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	if conn.Status != ConnectionActive {
		return nil, nil
	}
	var conv *Conversion
	var mark *eventMark
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if conv, err = s.attributeInTx(tx, conn, &o); err != nil {
			return err
		}
		if conv != nil && conv.RefundedSubtotal > 0 {
			return nil // reversal notices follow; the caller marks the delivery after them
		}
		mark, err = s.markEventInTx(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: attribute order %s: %w", o.ExternalID, err)
	}
	if mark != nil {
		mark.done = true
	}
	return conv, nil
}

// attributeInTx books an order once per (connection, order id) and applies
// the refunds that came before it.
func (s *Store) attributeInTx(tx *gorm.DB, conn *Connection, o *platforms.Order) (*Conversion, error) {
	if err := s.lockKey(tx, "order", strconv.FormatUint(conn.ID, 10), o.ExternalID); err != nil {
		return nil, err
	}
	var existing Conversion
	err := tx.Where("connection_id = ? AND external_order_id = ?", conn.ID, o.ExternalID).Take(&existing).Error
	if err == nil {
		return &existing, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	conv, err := s.bookOrder(tx, conn, o)
	if err != nil || conv == nil {
		return conv, err
	}
	return conv, s.applyHeldRefunds(tx, conv)
}

// credit is who an order is credited to and why.
type credit struct {
	code      *Code
	affiliate *Affiliate
	sub       *Subscription // set for a renewal of a linked subscription
}

// bookOrder creates the conversion and its accrual; nil when the order has
// nothing to do with a code or a linked subscription.
func (s *Store) bookOrder(tx *gorm.DB, conn *Connection, o *platforms.Order) (*Conversion, error) {
	cr, err := s.creditFor(tx, conn, o)
	if err != nil || (cr.code == nil && cr.sub == nil) {
		return nil, err
	}
	var affID uint64
	if cr.affiliate != nil {
		affID = cr.affiliate.ID
	}
	rule, err := s.ruleFor(tx, conn.AccountID, affID)
	if err != nil {
		return nil, err
	}
	if cr.sub != nil && !renewalEarns(rule, cr.sub, o) {
		return nil, nil
	}
	conv := newConversion(conn, o, cr, rule)
	if err := tx.Create(conv).Error; err != nil {
		return nil, err
	}
	if err := s.linkSubscription(tx, conn, o, cr); err != nil {
		return nil, err
	}
	if !conv.Earns() || conv.Commission == 0 {
		return conv, nil
	}
	status := EntryPending
	if conv.Status == ConversionApproved {
		status = EntryApproved
	}
	key := "accrual:" + strconv.FormatUint(conv.ID, 10)
	entry := LedgerEntry{
		AccountID: conv.AccountID, AffiliateID: affID, ConversionID: &conv.ID, Kind: EntryAccrual,
		Amount: conv.Commission, Currency: conv.Currency, Status: status,
		AvailableAt: conv.ApproveAt, DedupKey: &key,
	}
	return conv, tx.Create(&entry).Error
}

// newConversion fills in a conversion for an order credited as cr. Without
// a hold (0 days) its commission is approved, payable, from the start.
func newConversion(conn *Connection, o *platforms.Order, cr credit, rule *CommissionRule) *Conversion {
	placed := o.PlacedAt.UTC()
	conv := &Conversion{
		AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalOrderID: o.ExternalID,
		OrderNumber: o.Number, Currency: o.Currency, Subtotal: o.Subtotal, Discount: o.Discount,
		Total: o.Total, CustomerID: o.CustomerID, CustomerEmail: strings.TrimSpace(o.CustomerEmail),
		CustomerName: o.CustomerName, SubscriptionID: o.SubscriptionID, Recurring: cr.sub != nil,
		PlacedAt: placed, ApproveAt: placed.AddDate(0, 0, rule.HoldDays), Status: ConversionUnattributed,
	}
	if cr.code != nil {
		conv.CodeID, conv.Code = &cr.code.ID, cr.code.Code
	}
	if cr.affiliate == nil {
		return conv
	}
	conv.AffiliateID = &cr.affiliate.ID
	conv.Status = ConversionPending
	if conv.CustomerEmail != "" && strings.EqualFold(conv.CustomerEmail, cr.affiliate.Email) {
		conv.Status = ConversionFlagged
		conv.FlagReason = "the customer's email is the affiliate's own: self-referral, not paid"
		return conv
	}
	conv.Commission = rule.Commission(o.Subtotal, o.Currency)
	conv.CommissionNote = rule.CommissionNote(o.Subtotal, o.Currency)
	if rule.HoldDays == 0 {
		conv.Status = ConversionApproved
	}
	return conv
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
	for _, c := range codes {
		if c.AffiliateID != nil && affiliates[*c.AffiliateID] != nil {
			return credit{code: c, affiliate: affiliates[*c.AffiliateID]}, nil
		}
	}
	return credit{code: codes[0]}, nil
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
	var kept, norms []string
	for _, t := range typed {
		if n := NormalizeCode(t); n != "" {
			kept, norms = append(kept, strings.TrimSpace(t)), append(norms, n)
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	typed = kept
	var rows []Code
	err := tx.Where("account_id = ? AND connection_id IN ? AND active = ? AND (normalized IN ? OR platform_code_id IN ?)",
		conn.AccountID, []uint64{conn.ID, 0}, true, norms, typed).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	byKey := map[string]*Code{}
	for i := range rows {
		c := &rows[i]
		if prev, ok := byKey[c.Normalized]; !ok || prev.ConnectionID == 0 {
			byKey[c.Normalized] = c
		}
		if c.PlatformCodeID != "" {
			byKey["\x00"+c.PlatformCodeID] = c
		}
	}
	var out []*Code
	seen := map[uint64]bool{}
	for i, t := range typed {
		c := byKey["\x00"+t]
		if c == nil {
			c = byKey[norms[i]]
		}
		if c != nil && !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	return out, nil
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

// ruleFor is the commission rule for an affiliate: its override, else the
// account default.
func (s *Store) ruleFor(tx *gorm.DB, accountID, affiliateID uint64) (*CommissionRule, error) {
	var rules []CommissionRule
	err := tx.Where("account_id = ? AND affiliate_id IN ?", accountID, []uint64{0, affiliateID}).
		Order("affiliate_id DESC").Limit(1).Find(&rules).Error
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		var a Account
		if err := tx.Take(&a, accountID).Error; err != nil {
			return nil, err
		}
		r := DefaultCommissionRule(accountID, a.Currency)
		return &r, nil
	}
	return &rules[0], nil
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

package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms"
)

// AttributeOrder books a paid order: it matches the order's codes against
// the connection's codes, records one Conversion per platform order and the
// commission accrual, links subscriptions, and applies refunds that arrived
// before the order. Test orders and orders without a known code return
// (nil, nil). A duplicate returns the existing conversion and books nothing.
func (s *Store) AttributeOrder(ctx context.Context, connectionID uint64, o platforms.Order) (*Conversion, error) {
	b, err := s.bookOrderOf(ctx, connectionID, o, 0)
	return b.Conversion, wrapErr("attribute order", err)
}

// OrderBooking is what BookOrderDelivery did.
type OrderBooking struct {
	// Conversion is the order's conversion; nil when it was not attributed.
	Conversion *Conversion
	// DeliveryMarked says the delivery was marked processed in the
	// transaction that booked the order. When false the caller marks it.
	DeliveryMarked bool
}

// BookOrderDelivery is AttributeOrder for an order that is the only effect
// of stored delivery eventID: the transaction that books the order also
// marks the delivery processed, saving a commit per order. The delivery is
// left unmarked when nothing was booked (a test order, an inactive
// connection) and when refunds that came before the order were applied,
// because their reversal notices come first; DeliveryMarked says which.
func (s *Store) BookOrderDelivery(ctx context.Context, eventID, connectionID uint64, o platforms.Order) (OrderBooking, error) {
	if eventID == 0 {
		return OrderBooking{}, wrapErr("book order delivery", fmt.Errorf("%w: book order delivery: no delivery id", ErrInvalid))
	}
	return s.bookOrderOf(ctx, connectionID, o, eventID)
}

// bookOrderOf books o; a non-zero eventID is the delivery to mark processed
// in the same transaction.
func (s *Store) bookOrderOf(ctx context.Context, connectionID uint64, o platforms.Order, eventID uint64) (OrderBooking, error) {
	if o.Test {
		return OrderBooking{}, nil
	}
	if err := validateOrder(&o); err != nil {
		return OrderBooking{}, err
	}
	if o.PlacedAt.IsZero() {
		o.PlacedAt = s.now()
	}
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil {
		return OrderBooking{}, err
	}
	if conn.Status != ConnectionActive {
		return OrderBooking{}, nil
	}
	var b OrderBooking
	err = s.tx(ctx, func(tx *gorm.DB) error {
		b = OrderBooking{} // a retried transaction starts over
		var err error
		if b.Conversion, err = s.attributeInTx(tx, conn, &o); err != nil {
			return err
		}
		if eventID == 0 || (b.Conversion != nil && b.Conversion.RefundedSubtotal > 0) {
			return nil
		}
		b.DeliveryMarked = true
		return s.markProcessed(tx, eventID)
	})
	if err != nil {
		return OrderBooking{}, fmt.Errorf("models: attribute order %s: %w", o.ExternalID, err)
	}
	return b, nil
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

// bookOrder creates the conversion and its accrual; nil when the order has
// nothing to do with a code or a linked subscription.
func (s *Store) bookOrder(tx *gorm.DB, conn *Connection, o *platforms.Order) (*Conversion, error) {
	cr, err := s.creditFor(tx, conn, o)
	if err != nil {
		return nil, err
	}
	book := s.newRuleBook(tx)
	ar, err := book.account(conn.AccountID)
	if err != nil {
		return nil, err
	}
	if ar.account.LifetimeOn {
		links, affs, err := loadLinks(tx, conn.AccountID, customerKeys(conn.ID, o.CustomerID, o.CustomerEmail))
		if err != nil {
			return nil, err
		}
		cr = lifetimeCredit(&ar.account, o, cr, links, affs)
	}
	if cr.code == nil && cr.sub == nil && cr.lifetime == nil {
		return nil, nil
	}
	var affID uint64
	if cr.affiliate != nil {
		affID = cr.affiliate.ID
	}
	res, rule, ord, err := book.earn(conn, o, cr)
	if err != nil {
		return nil, err
	}
	if cr.sub != nil && !renewalEarns(rule, cr.sub, o) {
		return nil, nil
	}
	if cr.sub != nil {
		if err := tx.Model(&Conversion{}).Where("connection_id = ? AND subscription_id = ? AND placed_at < ?",
			conn.ID, o.SubscriptionID, o.PlacedAt.UTC()).Count(&cr.renewal).Error; err != nil {
			return nil, err
		}
		cr.renewalOf = rule.RecurringMonths
	}
	conv := newConversion(conn, o, cr, rule, res, ord)
	if err := tx.Create(conv).Error; err != nil {
		return nil, err
	}
	if err := emitHooks(tx, nil, s.now(), conversionHooks(HookConversionCreated, conv)...); err != nil {
		return nil, err
	}
	if lines := conversionLines(o, res); len(lines) > 0 {
		for i := range lines {
			lines[i].ConversionID = conv.ID
		}
		if err := tx.Create(&lines).Error; err != nil {
			return nil, err
		}
	}
	if err := s.linkSubscription(tx, conn, o, cr); err != nil {
		return nil, err
	}
	if err := saveLinks(tx, &ar.account, linksOf(&ar.account, conv, cr)); err != nil {
		return nil, err
	}
	bonus, err := book.counted(conv)
	if err != nil {
		return nil, err
	}
	if err := createBonuses(tx, map[*Conversion][]*LedgerEntry{conv: bonus}); err != nil {
		return nil, err
	}
	if !conv.Earns() || conv.Commission == 0 {
		return conv, nil
	}
	status := LedgerStatus(EntryPending)
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

// newConversion fills in a conversion for an order credited as cr that
// earns res under ord (rule gives the hold). Without a hold (0 days) its
// commission is approved, payable, from the start.
func newConversion(conn *Connection, o *platforms.Order, cr credit, rule *CommissionRule, res commission.Result, ord commission.Rule) *Conversion {
	placed := o.PlacedAt.UTC()
	conv := &Conversion{
		AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalOrderID: o.ExternalID,
		OrderNumber: o.Number, Currency: o.Currency, Subtotal: o.Subtotal, Discount: o.Discount,
		Total: o.Total, CustomerID: o.CustomerID, CustomerEmail: strings.TrimSpace(o.CustomerEmail),
		CustomerName: o.CustomerName, SubscriptionID: o.SubscriptionID, Recurring: cr.sub != nil,
		PlacedAt: placed, ApproveAt: placed.AddDate(0, 0, rule.HoldDays), Status: ConversionUnattributed,
		Why: whyOf(res, ord),
	}
	if cr.code != nil {
		conv.CodeID, conv.Code = &cr.code.ID, cr.code.Code
		conv.CreditNote = "code " + cr.code.Code
	}
	if cr.affiliate == nil {
		return conv
	}
	switch {
	case cr.lifetime != nil:
		conv.Lifetime, conv.CreditNote = true, lifetimeNote(cr.affiliate, cr.lifetime)
	case cr.sub != nil:
		conv.CreditNote = renewalNote(cr)
	}
	conv.AffiliateID = &cr.affiliate.ID
	conv.Status = ConversionPending
	if conv.CustomerEmail != "" && strings.EqualFold(conv.CustomerEmail, cr.affiliate.Email) {
		conv.Status = ConversionFlagged
		conv.FlagReason = "the customer's email is the affiliate's own: self-referral, not paid"
		return conv
	}
	conv.Commission, conv.CommissionNote = res.Commission, res.Note
	if rule.HoldDays == 0 {
		conv.Status = ConversionApproved
	}
	return conv
}

// whyOf says which rules decided an order's commission: the order rule's
// words, or each distinct line rule's, in the order of the lines.
func whyOf(res commission.Result, ord commission.Rule) string {
	if len(res.Lines) == 0 {
		return commission.Why(ord)
	}
	var whys []string
	for _, l := range res.Lines {
		if w := commission.Why(l.Rule); !slices.Contains(whys, w) {
			whys = append(whys, w)
		}
	}
	return strings.Join(whys, "; ")
}

// renewalNote says which renewal of its subscription an order is: "renewal
// 3 of 12 (subscription sub_1, brought on 2026-10-02)", where the rule
// pays 12 months of renewals; without a cap, "renewal 3 (…)".
func renewalNote(cr credit) string {
	n := "renewal " + strconv.FormatInt(cr.renewal, 10)
	if cr.renewalOf != nil && *cr.renewalOf > 0 {
		n += " of " + strconv.Itoa(*cr.renewalOf)
	}
	return n + " (subscription " + cr.sub.ExternalID + ", brought on " + cr.sub.FirstPaidAt.UTC().Format(time.DateOnly) + ")"
}

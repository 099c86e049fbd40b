// Conversions recorded by hand: an order the platform never sent, booked
// with its accrual and an audit row, idempotent by the caller's key.

package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ManualConversion is an order the merchant adds by hand: one the
// platform never reported, or one paid outside it.
type ManualConversion struct {
	AffiliateID uint64
	OrderRef    string // the order's number or id, unique among manual orders
	Subtotal    int64  // the order amount, minor units
	Commission  *int64 // nil: the affiliate's rule decides
	Currency    string // the account's when empty
	PlacedAt    time.Time
	HandChange
}

// CreateManualConversion records an order by hand and books its
// commission (given, or computed from the affiliate's rule) as an accrual
// held like any order's, and audits it. An order reference already used is
// ErrConflict, unless the conversion was added with the same key: then it
// is returned as it is, with created false, and nothing new is booked.
func (s *Store) CreateManualConversion(ctx context.Context, accountID uint64, in ManualConversion) (conv *Conversion, created bool, err error) {
	if err := checkManual(&in); err != nil {
		return nil, false, fmt.Errorf("models: create manual conversion: %w", err)
	}
	conn, err := s.APIConnection(ctx, accountID)
	if err != nil {
		return nil, false, fmt.Errorf("models: create manual conversion: %w", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		conv, created = nil, false
		prior, err := s.priorHandChange(tx, accountID, AuditManual, in.Key)
		if err != nil || prior != nil {
			if prior != nil && prior.ConversionID != nil {
				conv = &Conversion{}
				err = tx.Take(conv, *prior.ConversionID).Error
			}
			return err
		}
		created = true
		aff, cur, err := s.handTarget(tx, accountID, in.AffiliateID, in.Currency)
		if err != nil {
			return err
		}
		if err := s.lockKey(tx, "order", strconv.FormatUint(conn.ID, 10), in.OrderRef); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Conversion{}).Where("connection_id = ? AND external_order_id = ?", conn.ID, in.OrderRef).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflictf("order %s was already recorded", in.OrderRef)
		}
		rule, _, err := effectiveRule(tx, accountID, aff.ID, nil)
		if err != nil {
			return err
		}
		conv = manualConversion(conn, aff, rule, cur, &in, s.now())
		if err := tx.Create(conv).Error; err != nil {
			return err
		}
		return s.bookManual(tx, conv, in.HandChange)
	})
	if err != nil {
		return nil, false, fmt.Errorf("models: create manual conversion: %w", err)
	}
	return conv, created, nil
}

func checkManual(in *ManualConversion) error {
	in.OrderRef = strings.TrimSpace(in.OrderRef)
	if err := in.check(); err != nil {
		return err
	}
	if in.OrderRef == "" {
		return invalidf("order_id is required: the order's number or reference")
	}
	if err := CheckID("order_id", in.OrderRef); err != nil {
		return err
	}
	if err := CheckAmount("subtotal", in.Subtotal); err != nil {
		return err
	}
	if in.Commission != nil {
		if err := CheckAmount("commission", *in.Commission); err != nil {
			return err
		}
		if *in.Commission > in.Subtotal {
			return invalidf("commission must not be more than the order amount")
		}
	}
	return checkEventTime("placed_at", in.PlacedAt)
}

// manualConversion fills in a conversion added by hand.
func manualConversion(conn *Connection, aff *Affiliate, rule *CommissionRule, cur string, in *ManualConversion, now time.Time) *Conversion {
	placed := in.PlacedAt.UTC()
	if placed.IsZero() {
		placed = now
	}
	conv := &Conversion{AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalOrderID: in.OrderRef,
		OrderNumber: in.OrderRef, AffiliateID: &aff.ID, Currency: cur, Subtotal: in.Subtotal, Total: in.Subtotal,
		Status: ConversionPending, Origin: OriginManual, PlacedAt: placed, ApproveAt: placed.AddDate(0, 0, rule.HoldDays)}
	if in.Commission != nil {
		conv.Commission = *in.Commission
		conv.CommissionNote = "commission set by hand"
	} else {
		conv.Commission = rule.Commission(in.Subtotal, cur)
		conv.CommissionNote = rule.CommissionNote(in.Subtotal, cur)
	}
	if !conv.ApproveAt.After(now) {
		conv.Status = ConversionApproved
	}
	return conv
}

// bookManual writes the accrual of a conversion added by hand and its audit.
func (s *Store) bookManual(tx *gorm.DB, conv *Conversion, h HandChange) error {
	if err := emitHooks(tx, nil, s.now(), conversionHooks(HookConversionCreated, conv)...); err != nil {
		return err
	}
	a := &LedgerAudit{AccountID: conv.AccountID, Action: AuditManual, AffiliateID: *conv.AffiliateID,
		ConversionID: &conv.ID, Amount: conv.Commission, Currency: conv.Currency}
	if conv.Commission > 0 {
		status := LedgerStatus(EntryPending)
		if conv.Status == ConversionApproved {
			status = EntryApproved
		}
		key := "accrual:" + strconv.FormatUint(conv.ID, 10)
		e := LedgerEntry{AccountID: conv.AccountID, AffiliateID: *conv.AffiliateID, ConversionID: &conv.ID,
			Kind: EntryAccrual, Amount: conv.Commission, Currency: conv.Currency, Status: status,
			AvailableAt: conv.ApproveAt, DedupKey: &key, Note: "added by hand: " + h.Reason}
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
		a.LedgerEntryID = &e.ID
	}
	return s.audit(tx, a, h)
}

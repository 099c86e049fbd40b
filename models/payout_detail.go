package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// PayableLine is one affiliate's approved balance against the minimum.
type PayableLine struct {
	AffiliateID    uint64 `json:"affiliate_id"`
	AffiliateName  string `json:"affiliate_name"`
	AffiliateEmail string `json:"affiliate_email"`
	Approved       int64  `json:"approved"` // net of Carried
	Carried        int64  `json:"carried"`  // clawbacks from earlier payouts, ≤ 0
	Needs          int64  `json:"needs"`    // how much more reaches the minimum; 0 when payable
}

// PayablePlan is what "pay everyone payable" would do now, in the
// account's currency: who is paid, who is below the minimum (and by how
// much), and whose balance is negative (carried into the next payout).
type PayablePlan struct {
	Currency     string        `json:"currency"`
	MinPayout    int64         `json:"min_payout"`
	Total        int64         `json:"total"`
	Payable      []PayableLine `json:"payable"`
	BelowMinimum []PayableLine `json:"below_minimum"`
	Negative     []PayableLine `json:"negative"`
}

// PayablePlan sorts the account's affiliates with an approved balance in
// its currency into payable, below the minimum, and negative.
func (s *Store) PayablePlan(ctx context.Context, accountID uint64) (*PayablePlan, error) {
	acct, err := s.GetAccount(ctx, accountID)
	if err != nil {
		return nil, wrapErr("payable plan", err)
	}
	plan := &PayablePlan{Currency: acct.Currency, MinPayout: acct.MinPayout,
		Payable: []PayableLine{}, BelowMinimum: []PayableLine{}, Negative: []PayableLine{}}
	type row struct {
		AffiliateID uint64
		Name, Email string
		Sum         int64
		Carried     int64
	}
	var rows []row
	err = s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("ledger_entries.affiliate_id, COALESCE(affiliates.name, '') AS name, COALESCE(affiliates.email, '') AS email, "+
			"SUM(ledger_entries.amount) AS sum, "+
			"SUM(CASE WHEN ledger_entries.kind = ? AND ledger_entries.amount < 0 THEN ledger_entries.amount ELSE 0 END) AS carried", EntryAdjustment).
		Joins("LEFT JOIN affiliates ON affiliates.id = ledger_entries.affiliate_id AND affiliates.account_id = ledger_entries.account_id").
		Where("ledger_entries.account_id = ? AND ledger_entries.currency = ? AND ledger_entries.status = ? AND ledger_entries.kind <> ?",
			accountID, acct.Currency, EntryApproved, EntryPayout).
		Group("ledger_entries.affiliate_id, affiliates.name, affiliates.email").
		Order("sum DESC, ledger_entries.affiliate_id").Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("payable plan", err)
	}
	floor := max(acct.MinPayout, 1)
	for _, r := range rows {
		l := PayableLine{AffiliateID: r.AffiliateID, AffiliateName: r.Name, AffiliateEmail: r.Email, Approved: r.Sum, Carried: r.Carried}
		switch {
		case r.Sum >= floor:
			plan.Payable = append(plan.Payable, l)
			plan.Total += r.Sum
		case r.Sum < 0:
			l.Needs = floor - r.Sum
			plan.Negative = append(plan.Negative, l)
		case r.Sum > 0:
			l.Needs = floor - r.Sum
			plan.BelowMinimum = append(plan.BelowMinimum, l)
		}
	}
	return plan, nil
}

// coverPayout fills in what a payout covers before it is stored: the
// clawbacks it carries from earlier payouts, and when its orders were placed.
func (s *Store) coverPayout(tx *gorm.DB, p *Payout, entries []LedgerEntry) error {
	var convIDs []uint64
	var first, last time.Time
	for _, e := range entries {
		if e.Kind == EntryAdjustment && e.Amount < 0 {
			p.Carried += e.Amount
		}
		if e.ConversionID != nil {
			convIDs = append(convIDs, *e.ConversionID)
		}
		if first.IsZero() || e.CreatedAt.Before(first) {
			first = e.CreatedAt
		}
		if e.CreatedAt.After(last) {
			last = e.CreatedAt
		}
	}
	if len(convIDs) > 0 {
		var lo, hi dbTime
		err := tx.Model(&Conversion{}).Select("MIN(placed_at), MAX(placed_at)").
			Where("id IN ?", convIDs).Row().Scan(&lo, &hi)
		if err != nil {
			return err
		}
		first, last = lo.Time, hi.Time
	}
	if !first.IsZero() {
		first, last = first.UTC(), last.UTC()
		p.PeriodStart, p.PeriodEnd = &first, &last
	}
	return nil
}

// PayoutItem is one ledger entry a payout settled, with its order.
type PayoutItem struct {
	EntryID      uint64     `json:"entry_id"`
	Kind         string     `json:"kind"`
	Amount       int64      `json:"amount"`
	Note         string     `json:"note,omitempty"`
	Carried      bool       `json:"carried"` // a clawback carried from an earlier payout
	BookedAt     time.Time  `json:"booked_at"`
	ConversionID *uint64    `json:"conversion_id,omitempty"`
	OrderNumber  string     `json:"order_number,omitempty"`
	OrderID      string     `json:"order_id,omitempty"`
	Code         string     `json:"code,omitempty"`
	PlacedAt     *time.Time `json:"placed_at,omitempty"`
}

// PayoutDetail is a payout with its affiliate and what it covered.
type PayoutDetail struct {
	Payout
	AffiliateName  string       `json:"affiliate_name"`
	AffiliateEmail string       `json:"affiliate_email"`
	Items          []PayoutItem `json:"items"`
}

// GetPayoutDetail loads one payout of the account with the ledger entries
// it settled (accruals, reversals, carried clawbacks) and their orders.
func (s *Store) GetPayoutDetail(ctx context.Context, accountID, id uint64) (*PayoutDetail, error) {
	p, err := s.GetPayout(ctx, accountID, id)
	if err != nil {
		return nil, wrapErr("get payout detail", err)
	}
	d := &PayoutDetail{Payout: *p, Items: []PayoutItem{}}
	var aff Affiliate
	if err := s.db.WithContext(ctx).Where("id = ? AND account_id = ?", p.AffiliateID, accountID).Limit(1).Find(&aff).Error; err != nil {
		return nil, wrapErr("get payout detail", err)
	}
	d.AffiliateName, d.AffiliateEmail = aff.Name, aff.Email
	type row struct {
		ID           uint64
		Kind, Note   string
		Amount       int64
		CreatedAt    dbTime
		ConversionID *uint64
		OrderNumber  string
		OrderID      string
		Code         string
		PlacedAt     dbTime
	}
	var rows []row
	err = s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("ledger_entries.id, ledger_entries.kind, ledger_entries.note, ledger_entries.amount, ledger_entries.created_at, "+
			"ledger_entries.conversion_id, COALESCE(conversions.order_number, '') AS order_number, "+
			"COALESCE(conversions.external_order_id, '') AS order_id, COALESCE(conversions.code, '') AS code, conversions.placed_at").
		Joins("LEFT JOIN conversions ON conversions.id = ledger_entries.conversion_id AND conversions.account_id = ledger_entries.account_id").
		Where("ledger_entries.account_id = ? AND ledger_entries.payout_id = ? AND ledger_entries.kind <> ?", accountID, id, EntryPayout).
		Order("ledger_entries.id").Scan(&rows).Error
	for _, r := range rows {
		it := PayoutItem{EntryID: r.ID, Kind: r.Kind, Amount: r.Amount, Note: r.Note, BookedAt: r.CreatedAt.Time,
			Carried: r.Kind == EntryAdjustment && r.Amount < 0, ConversionID: r.ConversionID,
			OrderNumber: r.OrderNumber, OrderID: r.OrderID, Code: r.Code}
		if !r.PlacedAt.IsZero() {
			at := r.PlacedAt.Time
			it.PlacedAt = &at
		}
		d.Items = append(d.Items, it)
	}
	return d, wrapErr("get payout detail", err)
}

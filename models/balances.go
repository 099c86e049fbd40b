package models

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Balance is one affiliate's commission in one currency, by status.
type Balance struct {
	AffiliateID    uint64 `json:"affiliate_id"`
	AffiliateName  string `json:"affiliate_name"`
	AffiliateEmail string `json:"affiliate_email"`
	Currency       string `json:"currency"`
	Pending        int64  `json:"pending"`
	Approved       int64  `json:"approved"`
	Paid           int64  `json:"paid"`
	// NextPayableAt is when the earliest pending commission's hold ends
	// and it becomes payable; nil when nothing is pending.
	NextPayableAt *time.Time `json:"next_payable_at"`
}

// ApproveMatured moves pending entries whose hold period is over to
// approved, and their conversions with them. It returns how many entries moved.
func (s *Store) ApproveMatured(ctx context.Context) (int64, error) {
	return s.approveMatured(ctx, 0)
}

// ApproveMaturedFor is ApproveMatured for one account, at the merchant's
// request (the worker also runs it for everyone periodically).
func (s *Store) ApproveMaturedFor(ctx context.Context, accountID uint64) (int64, error) {
	if accountID == 0 {
		return 0, invalidf("no account")
	}
	return s.approveMatured(ctx, accountID)
}

func (s *Store) approveMatured(ctx context.Context, accountID uint64) (int64, error) {
	now := s.now()
	scope := func(tx *gorm.DB) *gorm.DB {
		if accountID != 0 {
			return tx.Where("account_id = ?", accountID)
		}
		return tx
	}
	var moved int64
	// Conversions first, then entries: the same lock order as refunds.
	err := s.tx(ctx, func(tx *gorm.DB) error {
		err := scope(tx.Model(&Conversion{})).Where("status = ? AND approve_at <= ?", ConversionPending, now).
			Updates(map[string]any{"status": ConversionApproved, "updated_at": now}).Error
		if err != nil {
			return err
		}
		res := scope(tx.Model(&LedgerEntry{})).Where("status = ? AND available_at <= ?", EntryPending, now).
			Updates(map[string]any{"status": EntryApproved, "updated_at": now})
		moved = res.RowsAffected
		return res.Error
	})
	return moved, err
}

// Balances sums the ledger per affiliate and currency. affiliateID 0 means all.
func (s *Store) Balances(ctx context.Context, accountID, affiliateID uint64) ([]Balance, error) {
	type row struct {
		AffiliateID uint64
		Name, Email string
		Currency    string
		Status      string
		Sum         int64
	}
	q := s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("ledger_entries.affiliate_id, COALESCE(affiliates.name, '') AS name, COALESCE(affiliates.email, '') AS email, "+
			"ledger_entries.currency, ledger_entries.status, SUM(ledger_entries.amount) AS sum").
		Joins("LEFT JOIN affiliates ON affiliates.id = ledger_entries.affiliate_id AND affiliates.account_id = ledger_entries.account_id").
		Where("ledger_entries.account_id = ? AND ledger_entries.kind <> ?", accountID, EntryPayout)
	if affiliateID != 0 {
		q = q.Where("ledger_entries.affiliate_id = ?", affiliateID)
	}
	var rows []row
	err := q.Group("ledger_entries.affiliate_id, affiliates.name, affiliates.email, ledger_entries.currency, ledger_entries.status").
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	byKey := map[string]*Balance{}
	var out []*Balance
	for _, r := range rows {
		k := strconv.FormatUint(r.AffiliateID, 10) + "/" + r.Currency
		b := byKey[k]
		if b == nil {
			b = &Balance{AffiliateID: r.AffiliateID, AffiliateName: r.Name, AffiliateEmail: r.Email, Currency: r.Currency}
			byKey[k] = b
			out = append(out, b)
		}
		switch r.Status {
		case EntryPending:
			b.Pending += r.Sum
		case EntryApproved:
			b.Approved += r.Sum
		case EntryPaid:
			b.Paid += r.Sum
		}
	}
	if err := s.fillNextPayable(ctx, accountID, affiliateID, out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AffiliateID != out[j].AffiliateID {
			return out[i].AffiliateID < out[j].AffiliateID
		}
		return out[i].Currency < out[j].Currency
	})
	res := make([]Balance, len(out))
	for i, b := range out {
		res[i] = *b
	}
	return res, nil
}

// CreatePayout marks an affiliate's approved balance in currency as paid:
// every approved entry moves to paid under one Payout, and a payout entry
// records the money sent. Nothing approved (or a net clawback) is ErrInvalid.
func (s *Store) CreatePayout(ctx context.Context, accountID, affiliateID uint64, currency, reference string) (*Payout, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if !ValidCurrency(currency) {
		return nil, invalidf("currency %q is not an ISO 4217 code", currency)
	}
	var p *Payout
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		if err := s.lockKey(tx, "payout", strconv.FormatUint(affiliateID, 10)); err != nil {
			return err
		}
		var entries []LedgerEntry
		err := s.forUpdate(tx).Where("account_id = ? AND affiliate_id = ? AND currency = ? AND status = ? AND kind <> ?",
			accountID, affiliateID, currency, EntryApproved, EntryPayout).Find(&entries).Error
		if err != nil {
			return err
		}
		p, err = s.payEntries(tx, &aff, currency, reference, entries)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) payEntries(tx *gorm.DB, aff *Affiliate, currency, reference string, entries []LedgerEntry) (*Payout, error) {
	var total int64
	ids := make([]uint64, 0, len(entries))
	convIDs := []uint64{}
	for _, e := range entries {
		total += e.Amount
		ids = append(ids, e.ID)
		if e.ConversionID != nil && e.Kind == EntryAccrual {
			convIDs = append(convIDs, *e.ConversionID)
		}
	}
	if total <= 0 {
		return nil, invalidf("%s has no approved %s balance to pay (approved: %s)", aff.Name, currency, FormatMinor(total, currency))
	}
	now := s.now()
	p := &Payout{AccountID: aff.AccountID, AffiliateID: aff.ID, Amount: total, Currency: currency,
		Reference: strings.TrimSpace(reference), EntryCount: len(entries), PaidAt: now}
	if err := tx.Create(p).Error; err != nil {
		return nil, err
	}
	if err := tx.Model(&LedgerEntry{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": EntryPaid, "payout_id": p.ID, "updated_at": now}).Error; err != nil {
		return nil, err
	}
	key := "payout:" + strconv.FormatUint(p.ID, 10)
	entry := LedgerEntry{AccountID: aff.AccountID, AffiliateID: aff.ID, PayoutID: &p.ID, Kind: EntryPayout,
		Amount: -total, Currency: currency, Status: EntryPaid, AvailableAt: now, DedupKey: &key, Note: p.Reference}
	if err := tx.Create(&entry).Error; err != nil {
		return nil, err
	}
	if len(convIDs) == 0 {
		return p, nil
	}
	return p, tx.Model(&Conversion{}).Where("id IN ? AND status = ?", convIDs, ConversionApproved).
		Updates(map[string]any{"status": ConversionPaid, "updated_at": now}).Error
}

// ListPayouts lists an account's payouts, newest first.
func (s *Store) ListPayouts(ctx context.Context, accountID uint64) ([]Payout, error) {
	var out []Payout
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Limit(1000).Find(&out).Error
	return out, err
}

// ConversionFilter narrows ListConversions.
type ConversionFilter struct {
	Status      string
	AffiliateID uint64
	Page        int // 1-based
	PerPage     int
}

// ListConversions lists an account's conversions, newest first, with the total count.
func (s *Store) ListConversions(ctx context.Context, accountID uint64, f ConversionFilter) ([]Conversion, int64, error) {
	q := s.db.WithContext(ctx).Model(&Conversion{}).Where("account_id = ?", accountID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.AffiliateID != 0 {
		q = q.Where("affiliate_id = ?", f.AffiliateID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	page, per := pageBounds(f.Page, f.PerPage)
	var out []Conversion
	err := q.Order("placed_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&out).Error
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.loadRefunds(ctx, out)
}

// loadRefunds fills in the refunds of conversions.
func (s *Store) loadRefunds(ctx context.Context, convs []Conversion) error {
	if len(convs) == 0 {
		return nil
	}
	at := map[uint64]int{}
	ids := make([]uint64, len(convs))
	for i, c := range convs {
		ids[i], at[c.ID] = c.ID, i
	}
	var refunds []Refund
	err := s.db.WithContext(ctx).Where("conversion_id IN ?", ids).Order("refunded_at, id").Find(&refunds).Error
	for _, r := range refunds {
		i := at[*r.ConversionID]
		convs[i].Refunds = append(convs[i].Refunds, r)
	}
	return err
}

// pageBounds clamps paging parameters like listWindow.
func pageBounds(page, per int) (int, int) {
	page, per, _ = listWindow(page, per)
	return page, per
}

// DaySummary is one day of an account's results. Conversions and Sales
// count the attributed orders that earn: flagged self-referrals and fully
// refunded orders are counted apart, in Flagged and Refunded.
type DaySummary struct {
	Day         string `json:"day"` // YYYY-MM-DD, UTC
	Currency    string `json:"currency"`
	Conversions int64  `json:"conversions"`
	Sales       int64  `json:"sales"`
	Commission  int64  `json:"commission"`
	Flagged     int64  `json:"flagged"`  // self-referrals: not paid, not sales
	Refunded    int64  `json:"refunded"` // fully refunded or cancelled orders
}

// Summary returns, per day in [from, to) and currency, the attributed
// conversions, their net sales (subtotal less refunds) and net commission.
func (s *Store) Summary(ctx context.Context, accountID uint64, from, to time.Time) ([]DaySummary, error) {
	day := "substr(placed_at, 1, 10)"
	if s.IsPostgres() {
		day = "to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	const earns = "status NOT IN ('" + ConversionFlagged + "', '" + ConversionReversed + "')"
	var out []DaySummary
	err := s.db.WithContext(ctx).Model(&Conversion{}).
		Select(day+" AS day, currency, SUM(CASE WHEN "+earns+" THEN 1 ELSE 0 END) AS conversions, "+
			"SUM(CASE WHEN "+earns+" THEN subtotal - refunded_subtotal ELSE 0 END) AS sales, "+
			"SUM(commission - reversed_commission) AS commission, "+
			"SUM(CASE WHEN status = '"+ConversionFlagged+"' THEN 1 ELSE 0 END) AS flagged, "+
			"SUM(CASE WHEN status = '"+ConversionReversed+"' THEN 1 ELSE 0 END) AS refunded").
		Where("account_id = ? AND affiliate_id IS NOT NULL AND placed_at >= ? AND placed_at < ?", accountID, from.UTC(), to.UTC()).
		Group("day, currency").Order("day, currency").Scan(&out).Error
	return out, err
}

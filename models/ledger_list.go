package models

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Ledger entries list paging: at most MaxLedgerLimit entries a page,
// DefaultLedgerLimit when unset.
const (
	DefaultLedgerLimit = 100
	MaxLedgerLimit     = 500
)

// LedgerFilter narrows ListLedgerEntries; zero ids are no filter. Cursor
// is the NextCursor of the page before ("" for the first page).
type LedgerFilter struct {
	AffiliateID, ConversionID, PayoutID uint64
	Cursor                              string
	Limit                               int
}

// LedgerItem is one ledger entry as the API shows it.
type LedgerItem struct {
	ID           uint64       `json:"id"`
	AffiliateID  uint64       `json:"affiliate_id"`
	Kind         string       `json:"kind"` // accrual, reversal, adjustment, payout
	Amount       int64        `json:"amount"`
	Currency     string       `json:"currency"`
	Status       LedgerStatus `json:"status"`
	ConversionID *uint64      `json:"conversion_id"`
	RefundID     *uint64      `json:"refund_id"`
	PayoutID     *uint64      `json:"payout_id"`
	Memo         string       `json:"memo"`
	CreatedAt    time.Time    `json:"created_at"`
}

// LedgerPage is a page of entries in id order; NextCursor is "" on the last.
type LedgerPage struct {
	Entries    []LedgerItem `json:"entries"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// ListLedgerEntries pages through the account's ledger entries in id
// order (the order they were booked), optionally those of one affiliate,
// conversion or payout; one of another account is ErrNotFound, a cursor
// not given by this list ErrInvalid.
func (s *Store) ListLedgerEntries(ctx context.Context, accountID uint64, f LedgerFilter) (*LedgerPage, error) {
	after, err := decodeLedgerCursor(f.Cursor)
	if err != nil {
		return nil, wrapErr("list ledger entries", err)
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&LedgerEntry{}).Where("account_id = ? AND id > ?", accountID, after)
	for _, o := range []struct {
		table, what, col string
		id               uint64
	}{{"affiliates", "affiliate", "affiliate_id", f.AffiliateID}, {"conversions", "conversion", "conversion_id", f.ConversionID},
		{"payouts", "payout", "payout_id", f.PayoutID}} {
		if o.id == 0 {
			continue
		}
		if err := ownedBy(db, o.table, o.what, o.id, accountID); err != nil {
			return nil, wrapErr("list ledger entries", err)
		}
		q = q.Where(o.col+" = ?", o.id)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLedgerLimit
	}
	limit = min(limit, MaxLedgerLimit)
	page := &LedgerPage{Entries: []LedgerItem{}}
	err = q.Select("id", "affiliate_id", "kind", "amount", "currency", "status", "conversion_id", "refund_id", "payout_id",
		"note AS memo", "created_at").Order("id").Limit(limit + 1).Scan(&page.Entries).Error
	if err != nil {
		return nil, wrapErr("list ledger entries", err)
	}
	if len(page.Entries) > limit {
		page.Entries = page.Entries[:limit]
		page.NextCursor = encodeLedgerCursor(page.Entries[limit-1].ID)
	}
	return page, nil
}

// ownedBy is ErrNotFound unless row id of table belongs to the account.
func ownedBy(db *gorm.DB, table, what string, id, accountID uint64) error {
	var n int64
	if err := db.Table(table).Where("id = ? AND account_id = ?", id, accountID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// ledgerCursorPrefix versions the cursor's inside, which callers must not read.
const ledgerCursorPrefix = "le1:"

func encodeLedgerCursor(id uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(ledgerCursorPrefix + strconv.FormatUint(id, 10)))
}

func decodeLedgerCursor(c string) (uint64, error) {
	if c == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	s, ok := strings.CutPrefix(string(raw), ledgerCursorPrefix)
	if err != nil || !ok {
		return 0, invalidf("cursor is not one this list gave")
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, invalidf("cursor is not one this list gave")
	}
	return id, nil
}

// createLedgerListIndexes lets ListLedgerEntries read an account's, or an
// affiliate's, entries in id order without sorting them.
func createLedgerListIndexes(tx *gorm.DB) error {
	for _, sql := range []string{
		"CREATE INDEX IF NOT EXISTS idx_ledger_account_id ON ledger_entries (account_id, id)",
		"CREATE INDEX IF NOT EXISTS idx_ledger_account_affiliate_id ON ledger_entries (account_id, affiliate_id, id)",
	} {
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	return nil
}

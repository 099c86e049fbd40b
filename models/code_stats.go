package models

import (
	"context"

	"gorm.io/gorm"
)

// CodeSales is a code's net sales in one currency: the subtotal of its
// earning orders less what was refunded, in minor units.
type CodeSales struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount"`
}

// nonEarning are the conversion states that earn nothing: no affiliate,
// a flagged self-referral, or fully refunded. Uses and sales leave them
// out, as the discount summary does.
var nonEarning = []string{ConversionUnattributed, ConversionFlagged, ConversionReversed}

// codeStatsSQL groups an account's earning conversions of the listed codes
// by code and currency; the ordinals keep PostgreSQL from reading
// "currency" ambiguously.
const codeStatsSQL = `SELECT code_id, currency, COUNT(*) AS orders, SUM(subtotal - refunded_subtotal) AS amount
FROM conversions
WHERE account_id = ? AND code_id IN ? AND status NOT IN ?
GROUP BY 1, 2
ORDER BY 1, 2`

// fillCodeStats sets Uses (earning orders) and Sales (net subtotal per
// currency) on codes with one grouped query.
func fillCodeStats(db *gorm.DB, accountID uint64, codes []Code) error {
	if len(codes) == 0 {
		return nil
	}
	ids := make([]uint64, len(codes))
	byID := make(map[uint64]*Code, len(codes))
	for i := range codes {
		ids[i] = codes[i].ID
		codes[i].Sales = []CodeSales{}
		byID[codes[i].ID] = &codes[i]
	}
	var rows []struct {
		CodeID   uint64
		Currency string
		Orders   int64
		Amount   int64
	}
	if err := db.Raw(codeStatsSQL, accountID, ids, nonEarning).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		c := byID[r.CodeID]
		c.Uses += r.Orders
		c.Sales = append(c.Sales, CodeSales{Currency: r.Currency, Amount: r.Amount})
	}
	return nil
}

// ListCodesWithStats is ListCodes with each code's uses and sales.
func (s *Store) ListCodesWithStats(ctx context.Context, accountID uint64, f CodeFilter) ([]Code, int64, error) {
	rows, total, err := s.ListCodes(ctx, accountID, f)
	if err != nil {
		return nil, 0, wrapErr("list codes with stats", err)
	}
	return rows, total, wrapErr("list codes with stats", fillCodeStats(s.db.WithContext(ctx), accountID, rows))
}

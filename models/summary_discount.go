// The discount summary: the earning orders per discount the codes give, to
// compare what each discount brought.

package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"codecredit/platforms/currency"
)

// DiscountSummary is the earning orders (attributed, neither a flagged
// self-referral nor fully refunded) placed in one currency with codes
// of one discount. A nil DiscountType means the code row is gone (code
// removed). DiscountValue is 0 for discounts without an amount (free
// shipping, other); DiscountCurrency is set only for fixed amounts.
type DiscountSummary struct {
	DiscountType     *string `json:"discount_type"`
	DiscountValue    *int64  `json:"discount_value"`
	DiscountCurrency *string `json:"discount_currency"`
	Currency         string  `json:"currency"`
	Orders           int64   `json:"orders"`
	Revenue          int64   `json:"revenue"` // subtotal less refunds, minor units
	Average          int64   `json:"average"` // Revenue / Orders, rounded half to even
}

// discountSummarySQL groups an account's earning conversions placed in
// [from, to) by their code's discount and their currency. The ordinals in
// GROUP BY keep PostgreSQL from reading "currency" as codes.currency.
const discountSummarySQL = `SELECT codes.discount_type AS discount_type,
	CASE WHEN codes.discount_type IN ('` + DiscountPercentage + `', '` + DiscountFixedAmount + `') THEN codes.discount_value
		WHEN codes.id IS NOT NULL THEN 0 END AS discount_value,
	CASE WHEN codes.discount_type = '` + DiscountFixedAmount + `' THEN codes.currency END AS discount_currency,
	conversions.currency AS currency,
	COUNT(*) AS orders,
	SUM(conversions.subtotal - conversions.refunded_subtotal) AS revenue
FROM conversions
LEFT JOIN codes ON codes.id = conversions.code_id AND codes.account_id = conversions.account_id
WHERE conversions.account_id = ? AND conversions.status NOT IN ? AND conversions.placed_at >= ? AND conversions.placed_at < ?
GROUP BY 1, 2, 3, 4`

// DiscountSummary compares discounts: per discount level and currency, the
// orders, net revenue and average order of the account's earning
// conversions placed in [from, to), most orders first, then most revenue.
func (s *Store) DiscountSummary(ctx context.Context, accountID uint64, from, to time.Time) ([]DiscountSummary, error) {
	var out []DiscountSummary
	err := s.db.WithContext(ctx).Raw(discountSummarySQL, accountID, []string{ConversionUnattributed, ConversionFlagged, ConversionReversed}, from.UTC(), to.UTC()).
		Scan(&out).Error
	if err != nil {
		return nil, wrapErr("discount summary", err)
	}
	for i := range out {
		if out[i].Orders > 0 {
			out[i].Average = currency.MulDiv(out[i].Revenue, 1, out[i].Orders)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Orders != b.Orders {
			return a.Orders > b.Orders
		}
		if a.Revenue != b.Revenue {
			return a.Revenue > b.Revenue
		}
		return discountKey(a) < discountKey(b)
	})
	return out, nil
}

// discountKey orders rows with equal orders and revenue deterministically:
// by discount type (removed codes last), value, and currencies.
func discountKey(d DiscountSummary) string {
	k := "~"
	if d.DiscountType != nil {
		k = *d.DiscountType
	}
	if d.DiscountValue != nil {
		k += fmt.Sprintf("/%020d", *d.DiscountValue)
	}
	if d.DiscountCurrency != nil {
		k += "/" + *d.DiscountCurrency
	}
	return k + "/" + d.Currency
}

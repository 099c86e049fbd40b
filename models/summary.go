// The account's daily summary: orders, sales and commission per day.

package models

import (
	"context"
	"fmt"
	"time"
)

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
	out, err := s.summaryDays(ctx, accountID, from, to) // whole days from the rollup (summary_range.go)
	if err != nil {
		return out, fmt.Errorf("models: summary: %w", err)
	}
	return out, nil
}

// Year-end report: what each affiliate was paid in a calendar year, by
// payout method, beside the Form 1099-NEC threshold for that year. It is
// a help for the merchant's bookkeeping, not tax advice.

package models

import (
	"context"
	"sort"
	"strings"
	"time"
)

// YearEndMethods are the report's method columns, in order.
var YearEndMethods = []string{PayoutPayPal, PayoutStripeConnect, PayoutStoreCredit, PayoutManual}

// NEC1099Threshold is the Form 1099-NEC reporting threshold, in US cents,
// for payments made in year: USD 600 for payments through 2025 (26 U.S.C.
// § 6041(a)), USD 2,000 for payments made after 31 December 2025 (One Big
// Beautiful Bill Act, Pub. L. 119-21, § 70433, amending § 6041(a)). The Act
// indexes the USD 2,000 to inflation from 2027 in steps of USD 100; until
// the IRS publishes an adjusted figure, later years use USD 2,000. See
// sovos.com/regulatory-updates/trr/one-big-beautiful-bill-raises-1099-reporting-thresholds.
func NEC1099Threshold(year int) int64 {
	if year <= 2025 {
		return 600_00
	}
	return 2_000_00
}

// YearEndRow is one affiliate's payouts in one currency over a year.
type YearEndRow struct {
	AffiliateID uint64           `json:"affiliate_id"`
	Name        string           `json:"name"`
	Email       string           `json:"email"`
	Currency    string           `json:"currency"`
	ByMethod    map[string]int64 `json:"by_method"`
	Total       int64            `json:"total"`
	// OutsidePayPal is what was paid other than through PayPal (PayPal
	// reports its own payments on Form 1099-K).
	OutsidePayPal int64 `json:"outside_paypal"`
	// AtThreshold marks a USD row whose OutsidePayPal reaches the year's
	// Form 1099-NEC threshold.
	AtThreshold bool `json:"at_threshold"`
}

// YearEndReport is every affiliate paid in a calendar year (UTC).
type YearEndReport struct {
	Year         int          `json:"year"`
	ThresholdUSD int64        `json:"threshold_usd"` // cents
	Rows         []YearEndRow `json:"rows"`
}

// PayoutMethodOf names the method a payout was made by. Payouts record it
// as a method name, or, when marked paid by hand, as the merchant wrote it
// ("PayPal", "bank transfer"); anything not recognisable is manual.
func PayoutMethodOf(recorded string) string {
	m := strings.ToLower(strings.TrimSpace(recorded))
	switch {
	case m == PayoutPayPal || strings.Contains(m, "paypal"):
		return PayoutPayPal
	case m == PayoutStripeConnect || strings.Contains(m, "stripe"):
		return PayoutStripeConnect
	case m == PayoutStoreCredit || strings.Contains(m, "store credit"):
		return PayoutStoreCredit
	}
	return PayoutManual
}

// YearEndReport sums, per affiliate and currency, the ledger's payout
// entries of payouts paid in year (1 January to 31 December, UTC), by the
// payout's method. Rows are ordered by affiliate name, then currency.
func (s *Store) YearEndReport(ctx context.Context, accountID uint64, year int) (*YearEndReport, error) {
	if year < 2000 || year > 9999 {
		return nil, wrapErr("year-end report", withField("year", invalidf("year must be a calendar year such as 2026")))
	}
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	type row struct {
		AffiliateID uint64
		Name, Email string
		Currency    string
		Method      string
		Paid        int64
	}
	var rows []row
	err := s.db.WithContext(ctx).Model(&LedgerEntry{}).
		Select("payouts.affiliate_id, COALESCE(affiliates.name, '') AS name, COALESCE(affiliates.email, '') AS email, "+
			"ledger_entries.currency, payouts.method, -SUM(ledger_entries.amount) AS paid").
		Joins("JOIN payouts ON payouts.id = ledger_entries.payout_id AND payouts.account_id = ledger_entries.account_id").
		Joins("LEFT JOIN affiliates ON affiliates.id = payouts.affiliate_id AND affiliates.account_id = payouts.account_id").
		Where("ledger_entries.account_id = ? AND ledger_entries.kind = ? AND payouts.paid_at >= ? AND payouts.paid_at < ?",
			accountID, EntryPayout, from, from.AddDate(1, 0, 0)).
		Group("payouts.affiliate_id, affiliates.name, affiliates.email, ledger_entries.currency, payouts.method").
		Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("year-end report", err)
	}
	rep := &YearEndReport{Year: year, ThresholdUSD: NEC1099Threshold(year), Rows: []YearEndRow{}}
	type key struct {
		aff uint64
		cur string
	}
	at := map[key]int{}
	for _, r := range rows {
		k := key{r.AffiliateID, r.Currency}
		i, ok := at[k]
		if !ok {
			i = len(rep.Rows)
			at[k] = i
			rep.Rows = append(rep.Rows, YearEndRow{AffiliateID: r.AffiliateID, Name: r.Name, Email: r.Email,
				Currency: r.Currency, ByMethod: map[string]int64{}})
		}
		y := &rep.Rows[i]
		m := PayoutMethodOf(r.Method)
		y.ByMethod[m] += r.Paid
		y.Total += r.Paid
		if m != PayoutPayPal {
			y.OutsidePayPal += r.Paid
		}
	}
	for i := range rep.Rows {
		y := &rep.Rows[i]
		y.AtThreshold = y.Currency == "USD" && y.OutsidePayPal >= rep.ThresholdUSD
	}
	sort.SliceStable(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if !strings.EqualFold(a.Name, b.Name) {
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		}
		if a.AffiliateID != b.AffiliateID {
			return a.AffiliateID < b.AffiliateID
		}
		return a.Currency < b.Currency
	})
	return rep, nil
}

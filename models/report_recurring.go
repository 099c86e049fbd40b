package models

import (
	"context"
	"time"
)

// The recurring revenue, retention and customer reports of one account,
// by affiliate. Amounts are in the account's currency; subscriptions kept
// in another currency are reported apart (OtherCurrency), never converted.
// Months are UTC calendar months.

// ReportQuery narrows a report: the months From..To (first days, both
// included) and one affiliate, or all (AffiliateID 0).
type ReportQuery struct {
	AffiliateID uint64
	From, To    time.Time
}

// MaxReportMonths is the longest range of months a report covers.
const MaxReportMonths = 36

// RecurringMonth is one month's movements of monthly recurring revenue:
// Contraction and Churn are negative; Net is their sum; MRREnd is the
// recurring revenue at the month's end.
type RecurringMonth struct {
	Month        string `json:"month"` // YYYY-MM
	New          int64  `json:"new"`
	Expansion    int64  `json:"expansion"`
	Contraction  int64  `json:"contraction"`
	Churn        int64  `json:"churn"`
	Reactivation int64  `json:"reactivation"`
	Net          int64  `json:"net"`
	MRREnd       int64  `json:"mrr_end"`
}

// RecurringRow is one affiliate's recurring revenue (or the account's,
// with AffiliateID 0): MRR now, the subscriptions paying now and their
// distinct customers, and the range's months.
type RecurringRow struct {
	AffiliateID         uint64           `json:"affiliate_id"`
	Name                string           `json:"name"`
	MRR                 int64            `json:"mrr"`
	ActiveSubscriptions int64            `json:"active_subscriptions"`
	ActiveCustomers     int64            `json:"active_customers"`
	Months              []RecurringMonth `json:"months"`
}

// OtherCurrency is what subscriptions in a currency other than the
// account's pay now, unconverted.
type OtherCurrency struct {
	Currency            string `json:"currency"`
	MRR                 int64  `json:"mrr"`
	ActiveSubscriptions int64  `json:"active_subscriptions"`
}

// RecurringReport is the recurring revenue report.
type RecurringReport struct {
	Currency   string          `json:"currency"`
	From       string          `json:"from"` // YYYY-MM
	To         string          `json:"to"`
	Affiliates []RecurringRow  `json:"affiliates"`
	Total      RecurringRow    `json:"total"`
	Other      []OtherCurrency `json:"other_currencies"`
}

// RetentionCell is the share of a cohort still paying at the end of its
// Nth month (0 is the month it was acquired in).
type RetentionCell struct {
	MonthsSince int64 `json:"months_since"`
	Paying      int64 `json:"paying"`
	ShareBP     int64 `json:"share_bp"` // Paying / cohort size, basis points
}

// RetentionCohort is the subscriptions first paid for in one month.
type RetentionCohort struct {
	Cohort        string          `json:"cohort"` // YYYY-MM
	Subscriptions int64           `json:"subscriptions"`
	Months        []RetentionCell `json:"months"`
}

// RetentionReport is the retention heat map of one affiliate's
// subscriptions, or all affiliates'.
type RetentionReport struct {
	AffiliateID uint64            `json:"affiliate_id"` // 0: all
	From        string            `json:"from"`
	To          string            `json:"to"`
	Cohorts     []RetentionCohort `json:"cohorts"`
}

// CustomerRow is what one affiliate's customers brought.
type CustomerRow struct {
	AffiliateID        uint64 `json:"affiliate_id"`
	Name               string `json:"name"`
	CustomersAcquired  int64  `json:"customers_acquired"`
	Revenue            int64  `json:"revenue"`              // to date, of the customers acquired
	RevenuePerCustomer int64  `json:"revenue_per_customer"` // Revenue / CustomersAcquired, rounded down
	RepeatOrders       int64  `json:"repeat_orders"`
	Sales              int64  `json:"sales"`    // subtotal of the range's orders
	Refunded           int64  `json:"refunded"` // refunded subtotal of the range's orders
	RefundRateBP       int64  `json:"refund_rate_bp"`
}

// CustomerReport is the customers report.
type CustomerReport struct {
	Currency   string        `json:"currency"`
	From       string        `json:"from"`
	To         string        `json:"to"`
	Affiliates []CustomerRow `json:"affiliates"`
	Total      CustomerRow   `json:"total"`
}

// checkReport checks q's months and affiliate, and returns the account.
func (s *Store) checkReport(ctx context.Context, accountID uint64, q *ReportQuery) (*Account, error) {
	q.From, q.To = monthOf(q.From), monthOf(q.To)
	if q.To.Before(q.From) {
		return nil, invalidf("from must not be after to")
	}
	if monthsBetween(q.From, q.To) >= MaxReportMonths {
		return nil, invalidf("the range is at most %d months", MaxReportMonths)
	}
	if q.AffiliateID != 0 {
		if _, err := s.GetAffiliate(ctx, accountID, q.AffiliateID); err != nil {
			return nil, err
		}
	}
	var a Account
	if err := s.db.WithContext(ctx).Take(&a, accountID).Error; err != nil {
		return nil, err
	}
	return &a, nil
}

func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

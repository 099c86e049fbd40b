package models

import (
	"strings"

	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms"
)

// customerKey is a customer of an account, by email (lower case) or, for
// an order without one, by the platform's customer id.
type customerKey struct {
	account uint64
	who     string
}

// customerOf is o's customer; ok false when the order names none.
func customerOf(accountID uint64, o *platforms.Order) (customerKey, bool) {
	if e := strings.ToLower(strings.TrimSpace(o.CustomerEmail)); e != "" {
		return customerKey{accountID, "email:" + e}, true
	}
	if id := strings.TrimSpace(o.CustomerID); id != "" {
		return customerKey{accountID, "id:" + id}, true
	}
	return customerKey{}, false
}

// repeatCustomer reports whether o's customer has an order recorded
// before it (placed earlier, any code, any affiliate), counting the
// orders booked earlier in this transaction; an order naming no customer
// is a first order.
func (b *ruleBook) repeatCustomer(ar *accountRules, o *platforms.Order) (bool, error) {
	if b.previewRepeat != nil {
		return *b.previewRepeat, nil
	}
	k, ok := customerOf(ar.account.ID, o)
	if !ok {
		return false, nil
	}
	if t, ok := b.seen[k]; ok && t.Before(o.PlacedAt) {
		return true, nil
	}
	q := b.tx.Model(&Conversion{}).Where("account_id = ? AND placed_at < ?", ar.account.ID, o.PlacedAt.UTC())
	if e := strings.TrimSpace(o.CustomerEmail); e != "" {
		q = q.Where("LOWER(customer_email) = ?", strings.ToLower(e))
	} else {
		q = q.Where("customer_id = ?", strings.TrimSpace(o.CustomerID))
	}
	var n int64
	err := q.Limit(1).Count(&n).Error
	return n > 0, err
}

// booked remembers a conversion's customer for the orders after it in
// the same transaction.
func (b *ruleBook) booked(conv *Conversion) {
	o := platforms.Order{CustomerEmail: conv.CustomerEmail, CustomerID: conv.CustomerID}
	k, ok := customerOf(conv.AccountID, &o)
	if !ok {
		return
	}
	if t, ok := b.seen[k]; !ok || conv.PlacedAt.Before(t) {
		b.seen[k] = conv.PlacedAt
	}
}

// repeatRule is the order rule of r for a repeat order.
func repeatRule(r *CommissionRule) commission.Rule {
	rr := orderRule(r)
	rr.Label = "repeat customer"
	if r.RepeatBasisPoints != nil {
		rr.BasisPoints = *r.RepeatBasisPoints
	}
	if r.RepeatFlatAmount != nil {
		rr.FlatAmount = *r.RepeatFlatAmount
	}
	return rr
}

// customerIndex finds an account's orders by customer email, any case,
// for repeat orders.
const customerIndex = "idx_conversion_customer_lower"

// createCustomerIndex creates customerIndex.
func createCustomerIndex(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX IF NOT EXISTS " + customerIndex + " ON conversions (account_id, LOWER(customer_email), placed_at)").Error
}

package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StoreCreditCustomer is the Shopify customer an affiliate paid in store
// credit is credited as, found by the email of their payout details. It
// holds for that email only: a new email is looked up again.
type StoreCreditCustomer struct {
	AffiliateID uint64    `gorm:"primaryKey;autoIncrement:false"`
	AccountID   uint64    `gorm:"not null;index"`
	Email       string    `gorm:"not null"`
	CustomerID  string    `gorm:"not null"` // gid://shopify/Customer/N
	UpdatedAt   time.Time `gorm:"not null"`
}

// StoreCreditLookup is an affiliate paid in store credit whose Shopify
// customer is not known for their email yet.
type StoreCreditLookup struct {
	AffiliateID uint64
	Email       string
}

// StoreCreditLookups lists, at most limit, the account's affiliates paid
// in store credit with no Shopify customer known for their email.
func (s *Store) StoreCreditLookups(ctx context.Context, accountID uint64, limit int) ([]StoreCreditLookup, error) {
	emails, err := s.storeCreditEmails(s.db.WithContext(ctx), accountID)
	if err != nil {
		return nil, wrapErr("store credit lookups", err)
	}
	known, err := s.storeCreditCustomers(s.db.WithContext(ctx), accountID)
	if err != nil {
		return nil, wrapErr("store credit lookups", err)
	}
	out := []StoreCreditLookup{}
	for _, affID := range sortedKeys(emailKeys(emails)) {
		if c, ok := known[affID]; (!ok || !strings.EqualFold(c.Email, emails[affID])) && len(out) < limit {
			out = append(out, StoreCreditLookup{AffiliateID: affID, Email: emails[affID]})
		}
	}
	return out, nil
}

// SaveStoreCreditCustomer records the Shopify customer an affiliate of
// the account is credited as, found by email. An affiliate of another
// account is ErrNotFound.
func (s *Store) SaveStoreCreditCustomer(ctx context.Context, accountID, affiliateID uint64, email, customerID string) error {
	if !strings.HasPrefix(customerID, "gid://shopify/Customer/") {
		return wrapErr("save store credit customer", invalidf("%q is not a Shopify customer id", customerID))
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		row := StoreCreditCustomer{AffiliateID: affiliateID, AccountID: accountID, Email: email, CustomerID: customerID, UpdatedAt: s.now()}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "affiliate_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"email", "customer_id", "updated_at"})}).Create(&row).Error
	})
	return wrapErr("save store credit customer", err)
}

// StartStoreCreditRun pays, as Shopify store credit, every affiliate whose
// payout method is store credit, whose Shopify customer is known for the
// email of their payout details (StoreCreditLookups, SaveStoreCreditCustomer),
// and whose approved balance in the account's currency reaches the
// minimum: like StartStripeRun, everything, each payout's reference
// included, is stored before Shopify is called. Affiliates without a known
// customer are listed as skipped. The same key returns the run already
// made (created false). Nobody to pay is ErrInvalid.
func (s *Store) StartStoreCreditRun(ctx context.Context, accountID uint64, key string) (*PlatformRun, bool, error) {
	return s.startPlatformRun(ctx, "start store credit run", accountID, key, PayoutStoreCredit, MethodStoreCredit, s.storeCreditPayees)
}

// storeCreditPayees is affiliate → Shopify customer, or why none.
func (s *Store) storeCreditPayees(tx *gorm.DB, accountID uint64) (map[uint64]payee, error) {
	emails, err := s.storeCreditEmails(tx, accountID)
	if err != nil {
		return nil, err
	}
	known, err := s.storeCreditCustomers(tx, accountID)
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]payee, len(emails))
	for affID, email := range emails {
		if c, ok := known[affID]; ok && strings.EqualFold(c.Email, email) {
			out[affID] = payee{Dest: c.CustomerID}
		} else {
			out[affID] = payee{Skip: "no customer of the Shopify store has the email " + email}
		}
	}
	return out, nil
}

// storeCreditEmails opens the store-credit payout details: affiliate → email.
func (s *Store) storeCreditEmails(tx *gorm.DB, accountID uint64) (map[uint64]string, error) {
	var rows []PayoutDetails
	if err := tx.Where("account_id = ? AND method = ?", accountID, PayoutStoreCredit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]string, len(rows))
	for _, r := range rows {
		sec, err := s.openPayout(r.Sealed)
		if err != nil {
			return nil, err
		}
		if sec.Method == PayoutStoreCredit && sec.Value != "" {
			out[r.AffiliateID] = sec.Value
		}
	}
	return out, nil
}

// storeCreditCustomers is the account's known customers by affiliate.
func (s *Store) storeCreditCustomers(tx *gorm.DB, accountID uint64) (map[uint64]StoreCreditCustomer, error) {
	var rows []StoreCreditCustomer
	if err := tx.Where("account_id = ?", accountID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]StoreCreditCustomer, len(rows))
	for _, r := range rows {
		out[r.AffiliateID] = r
	}
	return out, nil
}

func emailKeys(m map[uint64]string) map[uint64]int64 {
	out := make(map[uint64]int64, len(m))
	for k := range m {
		out[k] = 0
	}
	return out
}

// Privacy requests from the platforms: a customer's data export, a
// customer's redaction and a shop's redaction after uninstall, each
// recorded as a DataRequest.

package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CustomerExport is what Codecredit holds about one customer of a store:
// the orders credited to affiliates, with what we recorded of the buyer.
type CustomerExport struct {
	Store       string            `json:"store"`
	Customer    string            `json:"customer"`
	Conversions []CustomerRecord  `json:"conversions"`
	Extra       map[string]string `json:"extra,omitempty"`
}

// CustomerRecord is one conversion as a customer data request shows it.
type CustomerRecord struct {
	OrderID       string `json:"order_id"`
	OrderNumber   string `json:"order_number,omitempty"`
	PlacedAt      string `json:"placed_at"`
	Code          string `json:"code"`
	Currency      string `json:"currency"`
	Subtotal      int64  `json:"subtotal"`
	CustomerID    string `json:"customer_id,omitempty"`
	CustomerEmail string `json:"customer_email,omitempty"`
	CustomerName  string `json:"customer_name,omitempty"`
}

// customerScope selects a connection's conversions of one customer, by
// email, platform customer id or order ids.
func customerScope(tx *gorm.DB, connID uint64, email, customerID string, orderIDs []string) *gorm.DB {
	q := tx.Model(&Conversion{}).Where("connection_id = ?", connID)
	conds := tx.Where("1 = 0")
	if email = strings.TrimSpace(email); email != "" {
		conds = conds.Or("LOWER(customer_email) = ?", strings.ToLower(email))
	}
	if customerID != "" {
		conds = conds.Or("customer_id = ?", customerID)
	}
	if len(orderIDs) > 0 {
		conds = conds.Or("external_order_id IN ?", orderIDs)
	}
	return q.Where(conds)
}

// CustomerData exports what we hold about a customer of a connection.
func (s *Store) CustomerData(ctx context.Context, connID uint64, email, customerID string, orderIDs []string) (*CustomerExport, error) {
	conn, err := s.GetConnection(ctx, connID)
	if err != nil {
		return nil, wrapErr("customer data", err)
	}
	var convs []Conversion
	if err := customerScope(s.db.WithContext(ctx), connID, email, customerID, orderIDs).Order("placed_at").Find(&convs).Error; err != nil {
		return nil, wrapErr("customer data", err)
	}
	out := &CustomerExport{Store: conn.ExternalID, Customer: firstNonEmpty(email, customerID), Conversions: []CustomerRecord{}}
	for _, c := range convs {
		out.Conversions = append(out.Conversions, CustomerRecord{OrderID: c.ExternalOrderID, OrderNumber: c.OrderNumber,
			PlacedAt: c.PlacedAt.Format("2006-01-02T15:04:05Z"), Code: c.Code, Currency: c.Currency, Subtotal: c.Subtotal,
			CustomerID: c.CustomerID, CustomerEmail: c.CustomerEmail, CustomerName: c.CustomerName})
	}
	return out, nil
}

// RedactCustomer erases a customer's personal data from a connection's
// conversions; amounts, codes and commissions stay, so the ledger is whole.
// It returns how many conversions were redacted.
func (s *Store) RedactCustomer(ctx context.Context, connID uint64, email, customerID string, orderIDs []string) (int64, error) {
	res := customerScope(s.db.WithContext(ctx), connID, email, customerID, orderIDs).
		Updates(map[string]any{"customer_email": "", "customer_name": "", "customer_id": "", "updated_at": s.now()})
	if res.Error != nil {
		return 0, wrapErr("redact customer", res.Error)
	}
	if err := redactSubscriptions(s.db.WithContext(ctx), connID, email, customerID, s.now()); err != nil {
		return 0, wrapErr("redact customer", err)
	}
	conn, err := s.GetConnection(ctx, connID)
	if err != nil {
		return 0, wrapErr("redact customer", err)
	}
	err = s.db.WithContext(ctx).Where("account_id = ? AND customer IN ?", conn.AccountID, customerKeys(connID, customerID, email)).
		Delete(&CustomerLink{}).Error
	return res.RowsAffected, wrapErr("redact customer", err)
}

// redactSubscriptions erases a customer's email and id from a
// connection's subscription states; amounts and dates stay for the
// reports.
func redactSubscriptions(db *gorm.DB, connID uint64, email, customerID string, now time.Time) error {
	conds := db.Where("1 = 0")
	if email = strings.TrimSpace(email); email != "" {
		conds = conds.Or("LOWER(customer_email) = ?", strings.ToLower(email))
	}
	if customerID != "" {
		conds = conds.Or("customer_id = ?", customerID)
	}
	return db.Model(&SubscriptionState{}).Where("connection_id = ?", connID).Where(conds).
		Updates(map[string]any{"customer_email": "", "customer_id": "", "updated_at": now}).Error
}

// RedactShop erases a store's data. A merchant account made by that store
// (its only connection) is deleted whole; otherwise the connection and
// everything that came through it are.
func (s *Store) RedactShop(ctx context.Context, connID uint64) error {
	conn, err := s.GetConnection(ctx, connID)
	if err != nil {
		return wrapErr("redact shop", err)
	}
	return wrapErr("redact shop", s.tx(ctx, func(tx *gorm.DB) error {
		var others int64
		if err := tx.Model(&Connection{}).Where("account_id = ? AND id <> ? AND platform <> ?", conn.AccountID, conn.ID, "api").
			Count(&others).Error; err != nil {
			return err
		}
		if others == 0 {
			return deleteAccount(tx, conn.AccountID)
		}
		return deleteConnectionData(tx, conn)
	}))
}

func deleteConnectionData(tx *gorm.DB, conn *Connection) error {
	convs := tx.Model(&Conversion{}).Select("id").Where("connection_id = ?", conn.ID)
	codes := tx.Model(&Code{}).Select("id").Where("connection_id = ?", conn.ID)
	links := tx.Model(&Link{}).Select("id").Where("code_id IN (?)", codes)
	var exps []uint64
	if err := tx.Model(&ExperimentVariant{}).Where("code_id IN (?)", codes).Distinct().Pluck("experiment_id", &exps).Error; err != nil {
		return err
	}
	steps := []*gorm.DB{
		tx.Where("conversion_id IN (?)", convs).Delete(&LedgerEntry{}),
		tx.Where("conversion_id IN (?)", convs).Delete(&LedgerAudit{}),
		tx.Where("conversion_id IN (?)", convs).Delete(&ConversionLine{}),
		tx.Where("conversion_id IN (?)", convs).Delete(&CustomerLink{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&RefundUndo{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&Refund{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&Subscription{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&Conversion{}),
		// The codes' links and their counts, and experiments among them.
		tx.Where("link_id IN (?)", links).Delete(&LinkVisitDay{}),
		tx.Where("code_id IN (?)", codes).Delete(&Link{}),
		tx.Where("experiment_id IN (?)", exps).Delete(&ExperimentVisitDay{}),
		tx.Where("id IN (?)", exps).Delete(&Experiment{}),
		tx.Where("experiment_id NOT IN (?)", tx.Model(&Experiment{}).Select("id")).Delete(&ExperimentVariant{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&Code{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&WebhookEvent{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&DataRequest{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&ProductCollection{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&Product{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&ConditionRule{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&SubscriptionMovement{}),
		tx.Where("connection_id = ?", conn.ID).Delete(&SubscriptionState{}),
		tx.Delete(&Connection{}, conn.ID),
	}
	for _, st := range steps {
		if st.Error != nil {
			return st.Error
		}
	}
	return nil
}

// deleteAccount erases an account whole: every table of the schema that
// has an account_id column (so a table added later is erased too), the
// rows that hang off another row (conversion lines, webhook attempts)
// first, the account last. The report rollups follow by their triggers.
func deleteAccount(tx *gorm.DB, accountID uint64) error {
	convs := tx.Model(&Conversion{}).Select("id").Where("account_id = ?", accountID)
	if err := tx.Where("conversion_id IN (?)", convs).Delete(&ConversionLine{}).Error; err != nil {
		return err
	}
	deliveries := tx.Model(&WebhookDelivery{}).Select("id").Where("account_id = ?", accountID)
	if err := tx.Where("delivery_id IN (?)", deliveries).Delete(&WebhookAttempt{}).Error; err != nil {
		return err
	}
	for _, m := range allModels() {
		if _, isAccount := m.(*Account); isAccount || !tx.Migrator().HasColumn(m, "account_id") {
			continue
		}
		if err := tx.Where("account_id = ?", accountID).Delete(m).Error; err != nil {
			return err
		}
	}
	// Its triggers leave the balance rollup summing to zero, but a key's
	// slots may each hold what another slot cancels: they go too.
	if err := tx.Where("account_id = ?", accountID).Delete(&AffiliateBalance{}).Error; err != nil {
		return err
	}
	return tx.Delete(&Account{}, accountID).Error
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// DataRequest is a customer's request for their data, with the export we
// prepared; the merchant sends it on (the platform does not take it back).
type DataRequest struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;index" json:"account_id"`
	ConnectionID uint64    `gorm:"not null" json:"connection_id"`
	Customer     string    `json:"customer"`
	Export       []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// RecordDataRequest prepares and keeps the export for a data request.
func (s *Store) RecordDataRequest(ctx context.Context, connID uint64, email, customerID string, orderIDs []string) (*DataRequest, error) {
	exp, err := s.CustomerData(ctx, connID, email, customerID, orderIDs)
	if err != nil {
		return nil, wrapErr("record data request", err)
	}
	body, err := json.Marshal(exp)
	if err != nil {
		return nil, wrapErr("record data request", err)
	}
	conn, err := s.GetConnection(ctx, connID)
	if err != nil {
		return nil, wrapErr("record data request", err)
	}
	dr := &DataRequest{AccountID: conn.AccountID, ConnectionID: connID, Customer: exp.Customer, Export: body}
	return dr, wrapErr("record data request", s.db.WithContext(ctx).Create(dr).Error)
}

// ListDataRequests lists an account's customer data requests with their
// exports, newest first.
func (s *Store) ListDataRequests(ctx context.Context, accountID uint64) ([]DataRequest, error) {
	var out []DataRequest
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Limit(200).Find(&out).Error
	return out, wrapErr("list data requests", err)
}

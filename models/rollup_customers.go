package models

import (
	"strings"
	"time"
)

// AffiliateCustomer is what one customer's orders credited to one
// affiliate in one currency add up to, as the customers report knows a
// customer (reportCustomer): FirstAt is their first such order, Orders
// counts them, Revenue is subtotal less refunds. Credited means neither
// unattributed nor flagged (refunded orders count, net of refunds).
// Database triggers on conversions keep it equal to those sums in the
// same transaction as every write; a customer whose orders are all
// deleted or redacted leaves no row, so their email leaves with them.
type AffiliateCustomer struct {
	AccountID   uint64    `gorm:"primaryKey;autoIncrement:false;index:idx_affiliate_customer_first,priority:1"`
	Currency    string    `gorm:"primaryKey;size:3;index:idx_affiliate_customer_first,priority:2"`
	AffiliateID uint64    `gorm:"primaryKey;autoIncrement:false"`
	Customer    string    `gorm:"primaryKey"`
	FirstAt     time.Time `gorm:"not null;index:idx_affiliate_customer_first,priority:3"`
	Orders      int64     `gorm:"not null;default:0"`
	Revenue     int64     `gorm:"not null;default:0"`
}

// AffiliateMonth sums an affiliate's credited conversions per UTC month
// (YYYY-MM) and currency: Orders counts them, RepeatOrders those credited
// by lifetime attribution, Sales is their subtotal and Refunded what was
// refunded of it. Kept by the same triggers as AffiliateCustomer, spread
// over rollupSlots rows per key like ConversionDay.
type AffiliateMonth struct {
	AccountID    uint64 `gorm:"primaryKey;autoIncrement:false"`
	Month        string `gorm:"primaryKey;size:7"`
	Currency     string `gorm:"primaryKey;size:3"`
	AffiliateID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	Slot         int    `gorm:"primaryKey;autoIncrement:false"`
	Orders       int64  `gorm:"not null;default:0"`
	RepeatOrders int64  `gorm:"not null;default:0"`
	Sales        int64  `gorm:"not null;default:0"`
	Refunded     int64  `gorm:"not null;default:0"`
}

// reportCustomer is how the reports know the customer of conversion r: the
// email in lower case, else the store's customer id (per connection);
// NULL when neither is known.
const reportCustomer = "CASE WHEN r.customer_email <> '' THEN lower(r.customer_email) " +
	"WHEN r.customer_id <> '' THEN 'id:' || CAST(r.connection_id AS TEXT) || ':' || r.customer_id END"

// customerIDKey is reportCustomer for a conversion known by its customer id
// only; customerIDWhere says which those are. An index on conversions
// (customerIDIndex) finds them, as idx_conversion_customer_lower finds
// those known by email.
const (
	customerIDKey   = "'id:' || CAST(r.connection_id AS TEXT) || ':' || r.customer_id"
	customerIDWhere = "(r.customer_email = '' OR r.customer_email IS NULL) AND r.customer_id <> ''"
	customerIDIndex = "idx_conversion_customer_id_key"
)

// creditedRow is the condition of a conversion r credited to its
// affiliate, in any currency.
const creditedRow = "r.affiliate_id IS NOT NULL AND r.status NOT IN ('" + ConversionFlagged + "', '" + ConversionUnattributed + "')"

// reportTargets are the report rollups as rollupTargets: months is kept
// by rollupTarget's own upsert and prune; customers only uses its keys
// and prune (its FirstAt is no sum: see customerUpsert).
func reportTargets(month, slot string) (months, customers rollupTarget) {
	months = rollupTarget{
		table: "affiliate_months",
		keys:  []string{"account_id", "month", "currency", "affiliate_id", "slot"},
		exprs: []string{"r.account_id", month, "r.currency", "r.affiliate_id", slot},
		sums:  []string{"orders", "repeat_orders", "sales", "refunded"},
		vals:  []string{"1", "CASE WHEN r.lifetime THEN 1 ELSE 0 END", "r.subtotal", "r.refunded_subtotal"},
		cond:  creditedRow,
	}
	customers = rollupTarget{
		table: "affiliate_customers",
		keys:  []string{"account_id", "currency", "affiliate_id", "customer"},
		exprs: []string{"r.account_id", "r.currency", "r.affiliate_id", reportCustomer},
		sums:  []string{"orders", "revenue"},
		cond:  creditedRow + " AND " + reportCustomer + " IS NOT NULL",
	}
	return months, customers
}

// customerUpsert adds (sign "") or takes away (sign "-") the conversions
// in from (aliased r) to their customers' rows, in key order. Adding
// moves FirstAt back to the earliest added order; taking away leaves it,
// for customerRefirst to mend. least is the dialect's two-argument
// minimum.
func customerUpsert(t rollupTarget, from, sign, least string) string {
	cols := append(append([]string{}, t.keys...), "first_at", "orders", "revenue")
	set := "orders = " + t.table + ".orders + excluded.orders, revenue = " + t.table + ".revenue + excluded.revenue"
	if sign == "" {
		set = "first_at = " + least + "(" + t.table + ".first_at, excluded.first_at), " + set
	}
	return "INSERT INTO " + t.table + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(t.exprs, ", ") +
		", MIN(r.placed_at), " + sign + "COUNT(*), " + sign + "SUM(r.subtotal - r.refunded_subtotal) FROM " + from +
		" WHERE " + t.cond + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" +
		" ON CONFLICT (" + strings.Join(t.keys, ", ") + ") DO UPDATE SET " + set
}

// firstOrder is the time of the first credited order of the customer of
// row t (an affiliate_customers row), found through the indexes of
// conversions by customer: by email in lower case, or by customer id.
func firstOrder(t string) string {
	c := strings.NewReplacer("r.", "c.")
	return "(SELECT MIN(c.placed_at) FROM conversions c WHERE c.account_id = " + t + ".account_id AND c.currency = " + t + ".currency" +
		" AND c.affiliate_id = " + t + ".affiliate_id AND " + c.Replace(creditedRow) +
		" AND ((c.customer_email <> '' AND lower(c.customer_email) = " + t + ".customer) OR (" + c.Replace(customerIDWhere) +
		" AND " + c.Replace(customerIDKey) + " = " + t + ".customer)))"
}

// customerIDIndexSQL creates customerIDIndex.
func customerIDIndexSQL() string {
	r := strings.NewReplacer("r.", "")
	return "CREATE INDEX IF NOT EXISTS " + customerIDIndex + " ON conversions (account_id, (" + r.Replace(customerIDKey) +
		")) WHERE " + r.Replace(customerIDWhere)
}

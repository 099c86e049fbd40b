package models

import "codecredit/platforms"

// The recurring revenue and retention reports read these rollups of the
// subscription tables instead of joining every movement and state to its
// Subscription link. Database triggers on subscription_movements,
// subscription_states and subscriptions keep them equal to those joins in
// the same transaction as every write, a link written after its
// subscription's movements included (rollup_subscriptions_schema.go).
// Months are UTC, YYYY-MM, as the reports name them.

// MRRMonth sums the movements of the subscriptions an affiliate brought,
// per month, currency and kind: Movements counts them, Delta is their
// change of monthly recurring revenue ("to" less "from"). Each key has up
// to rollupSlots rows (Slot), as AffiliateMonth.
type MRRMonth struct {
	AccountID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency    string `gorm:"primaryKey;size:3"`
	AffiliateID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Month       string `gorm:"primaryKey;size:7"`
	Kind        string `gorm:"primaryKey;size:16"`
	Slot        int    `gorm:"primaryKey;autoIncrement:false"`
	Movements   int64  `gorm:"not null;default:0"`
	Delta       int64  `gorm:"not null;default:0"`
}

// PayingCustomer sums the subscriptions paying now (active or past due)
// that an affiliate brought, per currency and customer as the reports
// know one (stateCustomer; "" when unknown): Subscriptions counts them,
// MRR is their monthly amounts. A customer paying for nothing leaves no
// row; a redacted customer's subscriptions move to the unknown one's.
type PayingCustomer struct {
	AccountID     uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency      string `gorm:"primaryKey;size:3"`
	AffiliateID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	Customer      string `gorm:"primaryKey"`
	Subscriptions int64  `gorm:"not null;default:0"`
	MRR           int64  `gorm:"not null;default:0"`
}

// CohortMonth sums, per cohort (the month a subscription was first paid
// for, from its link) and month, the movements of an affiliate's
// subscriptions in any currency: Movements counts them, Paying is the
// change in subscriptions paying (+1 from nothing, -1 to nothing).
type CohortMonth struct {
	AccountID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	AffiliateID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Cohort      string `gorm:"primaryKey;size:7"`
	Month       string `gorm:"primaryKey;size:7"`
	Slot        int    `gorm:"primaryKey;autoIncrement:false"`
	Movements   int64  `gorm:"not null;default:0"`
	Paying      int64  `gorm:"not null;default:0"`
}

// CohortSize counts the subscriptions an affiliate brought per cohort.
type CohortSize struct {
	AccountID     uint64 `gorm:"primaryKey;autoIncrement:false"`
	AffiliateID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	Cohort        string `gorm:"primaryKey;size:7"`
	Slot          int    `gorm:"primaryKey;autoIncrement:false"`
	Subscriptions int64  `gorm:"not null;default:0"`
}

// linked is the condition of a movement or state r whose subscription
// has a link sub.
const linked = "sub.connection_id = r.connection_id AND sub.external_id = r.external_id"

// payingState is the condition of a state r paying now; rowCustomer is
// its customer as stateCustomer knows it, "" for none.
const (
	payingState = "r.status IN ('" + platforms.SubscriptionActive + "', '" + platforms.SubscriptionPastDue + "')"
	rowCustomer = "CASE WHEN r.customer_email <> '' THEN lower(r.customer_email) " +
		"WHEN r.customer_id <> '' THEN 'id:' || r.connection_id || ':' || r.customer_id ELSE '' END"
)

// subscriptionRollups are the rollups kept from the subscription tables
// (movements and states aliased r, links sub); month is the dialect's
// UTC YYYY-MM of a time column, slot its rollupSlot.
func subscriptionRollups(month func(string) string, slot string) (mrr, paying, cohorts, sizes rollupTarget) {
	mrr = rollupTarget{
		table: "mrr_months",
		keys:  []string{"account_id", "currency", "affiliate_id", "month", "kind", "slot"},
		exprs: []string{"r.account_id", "r.currency", "sub.affiliate_id", month("r.at"), "r.kind", slot},
		sums:  []string{"movements", "delta"},
		vals:  []string{"1", `r."to" - r."from"`},
		cond:  linked,
	}
	paying = rollupTarget{
		table: "paying_customers",
		keys:  []string{"account_id", "currency", "affiliate_id", "customer"},
		exprs: []string{"r.account_id", "r.currency", "sub.affiliate_id", rowCustomer},
		sums:  []string{"subscriptions", "mrr"},
		vals:  []string{"1", "r.monthly_amount"},
		cond:  linked + " AND " + payingState,
	}
	cohorts = rollupTarget{
		table: "cohort_months",
		keys:  []string{"account_id", "affiliate_id", "cohort", "month", "slot"},
		exprs: []string{"sub.account_id", "sub.affiliate_id", month("sub.first_paid_at"), month("r.at"), slot},
		sums:  []string{"movements", "paying"},
		vals:  []string{"1", `CASE WHEN r."from" = 0 THEN 1 WHEN r."to" = 0 THEN -1 ELSE 0 END`},
		cond:  linked,
	}
	sizes = rollupTarget{
		table: "cohort_sizes",
		keys:  []string{"account_id", "affiliate_id", "cohort", "slot"},
		exprs: []string{"sub.account_id", "sub.affiliate_id", month("sub.first_paid_at"), slot},
		sums:  []string{"subscriptions"},
		vals:  []string{"1"},
		cond:  "sub.affiliate_id IS NOT NULL",
	}
	return mrr, paying, cohorts, sizes
}

// rolledTable is a table the subscription rollups read: the columns they
// read, its alias, and which rollups it keeps with the FROM clause
// joining its changed rows (%[1]s) to the other table.
type rolledTable struct {
	name, cols, alias string
	keeps             []rolledFrom
}

type rolledFrom struct {
	t    rollupTarget
	from string
}

// rolledTables are the three tables the subscription rollups read.
func rolledTables(mrr, paying, cohorts, sizes rollupTarget) []rolledTable {
	const (
		withLink = "%[1]s r, subscriptions sub"
		viaLink  = "subscription_movements r, %[1]s sub"
	)
	return []rolledTable{{
		name: "subscription_movements", alias: "r",
		cols:  `account_id, connection_id, external_id, at, kind, currency, "from", "to"`,
		keeps: []rolledFrom{{mrr, withLink}, {cohorts, withLink}},
	}, {
		name: "subscription_states", alias: "r",
		cols:  "account_id, connection_id, external_id, status, currency, monthly_amount, customer_email, customer_id",
		keeps: []rolledFrom{{paying, withLink}},
	}, {
		name: "subscriptions", alias: "sub",
		cols: "account_id, connection_id, external_id, affiliate_id, first_paid_at",
		keeps: []rolledFrom{{mrr, viaLink}, {cohorts, viaLink},
			{paying, "subscription_states r, %[1]s sub"}, {sizes, "%[1]s sub"}},
	}}
}

// PayingAffiliate sums PayingCustomer per affiliate: Subscriptions and
// MRR, and Customers counts its rows of a known customer. Affiliate 0
// counts the account's customers paying for any affiliate's
// subscriptions, each once (PayingAccountCustomer). Row triggers on
// those two tables keep it, spread over rollupSlots rows per key.
type PayingAffiliate struct {
	AccountID     uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency      string `gorm:"primaryKey;size:3"`
	AffiliateID   uint64 `gorm:"primaryKey;autoIncrement:false"`
	Slot          int    `gorm:"primaryKey;autoIncrement:false"`
	Subscriptions int64  `gorm:"not null;default:0"`
	MRR           int64  `gorm:"not null;default:0"`
	Customers     int64  `gorm:"not null;default:0"`
}

// PayingAccountCustomer is a known customer paying now for subscriptions
// the account's affiliates brought: Affiliates counts those affiliates
// (the customer's PayingCustomer rows).
type PayingAccountCustomer struct {
	AccountID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	Currency   string `gorm:"primaryKey;size:3"`
	Customer   string `gorm:"primaryKey"`
	Affiliates int64  `gorm:"not null;default:0"`
}

// payingSummaries are the rollups kept from rows r of paying_customers
// (affiliates, customers) and of paying_account_customers (all).
func payingSummaries(slot string) (affiliates, customers, all rollupTarget) {
	keys := []string{"account_id", "currency", "affiliate_id", "slot"}
	sums := []string{"subscriptions", "mrr", "customers"}
	affiliates = rollupTarget{table: "paying_affiliates", keys: keys, sums: sums,
		exprs: []string{"r.account_id", "r.currency", "r.affiliate_id", slot},
		vals:  []string{"r.subscriptions", "r.mrr", "CASE WHEN r.customer <> '' THEN 1 ELSE 0 END"},
		cond:  "r.affiliate_id IS NOT NULL"}
	customers = rollupTarget{table: "paying_account_customers", keys: []string{"account_id", "currency", "customer"},
		exprs: []string{"r.account_id", "r.currency", "r.customer"}, sums: []string{"affiliates"}, vals: []string{"1"},
		cond: "r.customer <> ''"}
	all = rollupTarget{table: "paying_affiliates", keys: keys, sums: sums,
		exprs: []string{"r.account_id", "r.currency", "0", slot}, vals: []string{"0", "0", "1"}, cond: "r.customer <> ''"}
	return affiliates, customers, all
}

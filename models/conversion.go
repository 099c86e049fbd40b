package models

import (
	"time"

	"codecredit/platforms"
)

// ConversionStatus is where a conversion's commission stands
// (Conversion.Status).
type ConversionStatus string

// Conversion statuses, the values of ConversionStatus. They are untyped
// so SQL text and plain-string filters (the dashboard's queries) can use
// them as they are.
const (
	ConversionPending      = "pending"      // commission booked, in its hold period
	ConversionApproved     = "approved"     // hold over, payable
	ConversionPaid         = "paid"         // included in a payout
	ConversionReversed     = "reversed"     // fully refunded or cancelled
	ConversionFlagged      = "flagged"      // the affiliate's own purchase: not paid
	ConversionUnattributed = "unattributed" // a known code without an affiliate
)

// Conversion is one platform order placed with a known code.
type Conversion struct {
	ID                 uint64           `gorm:"primaryKey" json:"id"`
	AccountID          uint64           `gorm:"not null;index:idx_conversion_account_placed" json:"account_id"`
	ConnectionID       uint64           `gorm:"not null;uniqueIndex:idx_conversion_order" json:"connection_id"`
	ExternalOrderID    string           `gorm:"not null;uniqueIndex:idx_conversion_order" json:"order_id"`
	OrderNumber        string           `json:"order_number,omitempty"`
	AffiliateID        *uint64          `gorm:"index" json:"affiliate_id,omitempty"`
	CodeID             *uint64          `gorm:"index" json:"code_id,omitempty"`
	Code               string           `json:"code"`
	Currency           string           `gorm:"size:3;not null" json:"currency"`
	Subtotal           int64            `gorm:"not null" json:"subtotal"`
	Discount           int64            `gorm:"not null;default:0" json:"discount"`
	Total              int64            `gorm:"not null;default:0" json:"total"`
	Commission         int64            `gorm:"not null;default:0" json:"commission"`
	RefundedSubtotal   int64            `gorm:"not null;default:0" json:"refunded_subtotal"`
	ReversedCommission int64            `gorm:"not null;default:0" json:"reversed_commission"`
	Status             ConversionStatus `gorm:"size:16;not null" json:"status"`
	FlagReason         string           `json:"flag_reason,omitempty"`
	CommissionNote     string           `gorm:"not null;default:''" json:"commission_note,omitempty"` // why the rule earned what it did, when not obvious
	// Why names the rule that decided the order's commission, as it was
	// when the order was booked ("Program default: 10%"); its lines, when
	// it has any, each say their own.
	Why string `gorm:"not null;default:''" json:"why,omitempty"`
	// CreditNote says why the order went to its affiliate, as booked:
	// "code SOFIA20", "renewal 3 of 12 (subscription sub_1, brought on
	// 2026-10-02)", "repeat order of a customer brought by Sofia on
	// 2026-10-02" (lifetime attribution, then Lifetime is set).
	CreditNote     string    `gorm:"not null;default:''" json:"credit_note,omitempty"`
	Lifetime       bool      `gorm:"not null;default:false" json:"lifetime,omitempty"`
	CustomerID     string    `json:"customer_id,omitempty"`
	CustomerEmail  string    `gorm:"index" json:"customer_email,omitempty"`
	CustomerName   string    `json:"customer_name,omitempty"`
	SubscriptionID string    `gorm:"index:idx_conversion_subscription" json:"subscription_id,omitempty"`
	Recurring      bool      `gorm:"not null;default:false" json:"recurring"`
	Origin         string    `gorm:"size:16;not null;default:''" json:"origin,omitempty"` // OriginManual: added by hand
	PlacedAt       time.Time `gorm:"not null;index:idx_conversion_account_placed" json:"placed_at"`
	ApproveAt      time.Time `gorm:"not null" json:"approve_at"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// Refunds are the refunds reported for the order, applied or failed
	// (ListConversions fills them in).
	Refunds []Refund `gorm:"-" json:"refunds,omitempty"`
}

// Refund is a refund or cancellation reported by a platform, unique per
// (connection, order id, refund id): two orders may each have a refund
// "1". ConversionID stays nil until its order is attributed; AppliedAt is
// set once the reversal is booked. FailReason says why a refund changed
// nothing (a currency other than its order's).
type Refund struct {
	ID               uint64     `gorm:"primaryKey" json:"id"`
	AccountID        uint64     `gorm:"not null;index" json:"account_id"`
	ConnectionID     uint64     `gorm:"not null;uniqueIndex:idx_refund_order_external,priority:1;index:idx_refund_order" json:"connection_id"`
	ExternalRefundID string     `gorm:"not null;uniqueIndex:idx_refund_order_external,priority:3" json:"refund_id"`
	ExternalOrderID  string     `gorm:"not null;uniqueIndex:idx_refund_order_external,priority:2;index:idx_refund_order" json:"order_id"`
	ConversionID     *uint64    `gorm:"index" json:"conversion_id,omitempty"`
	Currency         string     `gorm:"size:3" json:"currency"`
	Subtotal         int64      `gorm:"not null" json:"subtotal"`
	Amount           int64      `gorm:"not null;default:0" json:"amount,omitempty"` // refunded money incl. tax and shipping, when Subtotal is unknown
	Full             bool       `gorm:"not null;default:false" json:"full"`
	RefundedAt       time.Time  `json:"refunded_at"`
	AppliedAt        *time.Time `json:"applied_at,omitempty"`
	FailReason       string     `gorm:"not null;default:''" json:"fail_reason,omitempty"`
	// Note says how the goods' share was worked out where the platform did
	// not itemise the refund (a WooCommerce refund without lines, a Stripe
	// refund of money only).
	Note string `gorm:"not null;default:''" json:"note,omitempty"`
	// Lines are the order lines refunded, where the platform said which.
	Lines     []platforms.RefundLine `gorm:"type:text;serializer:json" json:"lines,omitempty"`
	CreatedAt time.Time              `json:"created_at"`
}

// Subscription links a platform subscription to the affiliate whose code
// won its first attributed payment, so renewals earn too.
type Subscription struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;index" json:"account_id"`
	ConnectionID uint64    `gorm:"not null;uniqueIndex:idx_subscription_external" json:"connection_id"`
	ExternalID   string    `gorm:"not null;uniqueIndex:idx_subscription_external" json:"subscription_id"`
	AffiliateID  uint64    `gorm:"not null" json:"affiliate_id"`
	CodeID       *uint64   `json:"code_id,omitempty"`
	FirstPaidAt  time.Time `gorm:"not null" json:"first_paid_at"`
	CreatedAt    time.Time `json:"created_at"`
}

// Earns reports whether the conversion earns commission for its affiliate
// (booked, on hold or payable) rather than being flagged or unattributed.
func (c *Conversion) Earns() bool {
	return c.Status == ConversionPending || c.Status == ConversionApproved
}

// AwaitsApproval reports whether the conversion's commission is still on
// hold; it becomes payable at ApproveAt.
func (c *Conversion) AwaitsApproval() bool {
	return c.Status == ConversionPending && c.Commission > 0
}

package sandbox

import (
	"strconv"
	"strings"
	"time"

	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// Coupon is a store's coupon. Amount is in basis points for percent
// coupons and in minor units otherwise.
type Coupon struct {
	ID                int64
	Code              string
	DiscountType      string // percent, fixed_cart, fixed_product
	Amount            int64
	Description       string
	UsageCount        int
	UsageLimit        int // 0 = none
	UsageLimitPerUser int // 0 = none
	FreeShipping      bool
	Expires           time.Time
	Created, Modified time.Time
}

// couponJSON is the REST API v3 coupon.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#coupon-properties
type couponJSON struct {
	ID                int64    `json:"id"`
	Code              string   `json:"code"`
	Amount            string   `json:"amount"`
	Status            string   `json:"status"`
	DateCreated       string   `json:"date_created"`
	DateCreatedGMT    string   `json:"date_created_gmt"`
	DateModified      string   `json:"date_modified"`
	DateModifiedGMT   string   `json:"date_modified_gmt"`
	DiscountType      string   `json:"discount_type"`
	Description       string   `json:"description"`
	DateExpires       *string  `json:"date_expires"`
	DateExpiresGMT    *string  `json:"date_expires_gmt"`
	UsageCount        int      `json:"usage_count"`
	IndividualUse     bool     `json:"individual_use"`
	ProductIDs        []int64  `json:"product_ids"`
	UsageLimit        *int     `json:"usage_limit"`
	UsageLimitPerUser *int     `json:"usage_limit_per_user"`
	FreeShipping      bool     `json:"free_shipping"`
	MinimumAmount     string   `json:"minimum_amount"`
	MaximumAmount     string   `json:"maximum_amount"`
	EmailRestrictions []string `json:"email_restrictions"`
	UsedBy            []string `json:"used_by"`
	MetaData          []any    `json:"meta_data"`
}

func (c *Coupon) json(currency string) couponJSON {
	out := couponJSON{ID: c.ID, Code: c.Code, Status: "publish", DiscountType: c.DiscountType,
		DateCreated: gmt(c.Created), DateCreatedGMT: gmt(c.Created), DateModified: gmt(c.Modified),
		DateModifiedGMT: gmt(c.Modified), Description: c.Description, UsageCount: c.UsageCount,
		DateExpires: gmtPtr(c.Expires), DateExpiresGMT: gmtPtr(c.Expires), FreeShipping: c.FreeShipping,
		ProductIDs: []int64{}, MinimumAmount: "0.00", MaximumAmount: "0.00", EmailRestrictions: []string{},
		UsedBy: []string{}, MetaData: []any{}, Amount: c.amountString(currency)}
	if c.UsageLimit > 0 {
		out.UsageLimit = &c.UsageLimit
	}
	if c.UsageLimitPerUser > 0 {
		out.UsageLimitPerUser = &c.UsageLimitPerUser
	}
	return out
}

func (c *Coupon) amountString(currency string) string {
	if c.DiscountType == "percent" {
		return wcmoney.FormatScaled(c.Amount, 2)
	}
	return wcmoney.FormatMinor(c.Amount, currency)
}

// Line is an order line to place: Quantity of a product at Price (minor
// units each, tax included when the store's prices include tax).
// ProductID defaults to 90 + the line's index; VariationID and SKU are
// optional.
type Line struct {
	Name        string
	Quantity    int
	Price       int64
	ProductID   int64
	VariationID int64
	SKU         string
}

// lineItem is a placed line: Subtotal before discounts, Total after, both
// without tax.
type lineItem struct {
	ID                     int64
	Name, SKU              string
	ProductID, VariationID int64
	Quantity               int
	Subtotal, Total        int64
	SubtotalTax, TaxAmt    int64
}

// Order is a store's order.
type Order struct {
	ID                    int64
	Status                string
	Currency              string
	Email                 string
	TaxesIncluded         bool // prices_include_tax: the store's prices are shown with tax
	Lines                 []lineItem
	Coupons               []couponLine
	Shipping, ShippingTax int64
	Created, Modified     time.Time
	Paid                  time.Time
	Refunds               []*RefundRecord // newest first, as WooCommerce lists them
	// SubscriptionID is the subscription a renewal order renews (its
	// _subscription_renewal meta), 0 for other orders.
	SubscriptionID int64
}

type couponLine struct {
	ID                    int64
	Code                  string
	Discount, DiscountTax int64
}

// RefundRecord is a refund of an order: Amount is the money given back,
// tax and shipping included; Lines are the refunded quantities by line index.
type RefundRecord struct {
	ID       int64
	Amount   int64
	Reason   string
	Created  time.Time
	Lines    []lineItem // negative amounts, as WooCommerce stores them
	refundOf []int64    // the order line id of each refund line
	// Shipping and ShippingTax are the refunded shipping fee and its tax
	// (positive; listed negative in shipping_lines).
	Shipping, ShippingTax int64
}

// Totals of an order, in minor units.
func (o *Order) sums() (items, itemsTax, discount, discountTax int64) {
	for _, l := range o.Lines {
		items, itemsTax = items+l.Total, itemsTax+l.TaxAmt
	}
	for _, c := range o.Coupons {
		discount, discountTax = discount+c.Discount, discountTax+c.DiscountTax
	}
	return
}

// Total is what the customer paid, tax and shipping included.
func (o *Order) Total() int64 {
	items, tax, _, _ := o.sums()
	return items + tax + o.Shipping + o.ShippingTax
}

func (o *Order) refunded() int64 {
	var n int64
	for _, r := range o.Refunds {
		n += r.Amount
	}
	return n
}

func money(v int64, currency string) string { return wcmoney.FormatMinor(v, currency) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func splitName(email string) (string, string) {
	local, _, _ := strings.Cut(email, "@")
	first, last, _ := strings.Cut(local, ".")
	return capitalize(first), capitalize(last)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package sandbox

import "encoding/json"

// RefundPayload is the body of refunds/create, and an entry of an order's
// refunds. Note that a refund line's subtotal and total_tax are JSON
// numbers, unlike most amounts; the *_set amounts are strings.
type RefundPayload struct {
	ID                int64              `json:"id"`
	OrderID           int64              `json:"order_id"`
	CreatedAt         string             `json:"created_at"`
	Note              *string            `json:"note"`
	UserID            *int64             `json:"user_id"`
	ProcessedAt       string             `json:"processed_at"`
	Restock           bool               `json:"restock"`
	Duties            []any              `json:"duties"`
	TotalDutiesSet    MoneySet           `json:"total_duties_set"`
	Return            any                `json:"return"`
	AdminGraphqlAPIID string             `json:"admin_graphql_api_id"`
	RefundLineItems   []RefundLineItem   `json:"refund_line_items"`
	Transactions      []Transaction      `json:"transactions"`
	OrderAdjustments  []OrderAdjustment  `json:"order_adjustments"`
	RefundShipping    []RefundedShipping `json:"refund_shipping_lines"`
}

// RefundLineItem is a refunded quantity of one line.
type RefundLineItem struct {
	ID          int64       `json:"id"`
	LineItemID  int64       `json:"line_item_id"`
	LocationID  *int64      `json:"location_id"`
	Quantity    int         `json:"quantity"`
	RestockType string      `json:"restock_type"`
	Subtotal    json.Number `json:"subtotal"`
	SubtotalSet MoneySet    `json:"subtotal_set"`
	TotalTax    json.Number `json:"total_tax"`
	TotalTaxSet MoneySet    `json:"total_tax_set"`
	LineItem    LineItem    `json:"line_item"`
}

// Transaction is money moved by a refund.
type Transaction struct {
	ID                int64   `json:"id"`
	OrderID           int64   `json:"order_id"`
	Kind              string  `json:"kind"`
	Gateway           string  `json:"gateway"`
	Status            string  `json:"status"`
	Message           string  `json:"message"`
	CreatedAt         string  `json:"created_at"`
	Test              bool    `json:"test"`
	ParentID          *int64  `json:"parent_id"`
	ProcessedAt       string  `json:"processed_at"`
	SourceName        string  `json:"source_name"`
	Amount            string  `json:"amount"`
	Currency          string  `json:"currency"`
	AdminGraphqlAPIID string  `json:"admin_graphql_api_id"`
	Authorization     *string `json:"authorization"`
}

// OrderAdjustment is a refunded amount that is not a line: shipping, or a
// discrepancy between the lines and the money returned.
type OrderAdjustment struct {
	ID           int64    `json:"id"`
	OrderID      int64    `json:"order_id"`
	RefundID     int64    `json:"refund_id"`
	Amount       string   `json:"amount"`
	TaxAmount    string   `json:"tax_amount"`
	Kind         string   `json:"kind"`
	Reason       string   `json:"reason"`
	AmountSet    MoneySet `json:"amount_set"`
	TaxAmountSet MoneySet `json:"tax_amount_set"`
}

// RefundedShipping is a shipping line refunded.
type RefundedShipping struct {
	ID             int64    `json:"id"`
	ShippingLineID int64    `json:"shipping_line_id"`
	SubtotalAmount MoneySet `json:"subtotal_amount_set"`
}

// DiscountPayload is the body of discounts/create and discounts/update.
type DiscountPayload struct {
	AdminGraphqlAPIID string `json:"admin_graphql_api_id"`
	Title             string `json:"title"`
	Status            string `json:"status"`
	CreatedAt         string `json:"created_at"`
	UpdatedAt         string `json:"updated_at"`
}

// DiscountDeletedPayload is the body of discounts/delete.
type DiscountDeletedPayload struct {
	AdminGraphqlAPIID string `json:"admin_graphql_api_id"`
	DeletedAt         string `json:"deleted_at"`
}

// ShopPayload is the body of app/uninstalled and the shop of shop.json.
type ShopPayload struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Email           string `json:"email"`
	Domain          string `json:"domain"`
	MyshopifyDomain string `json:"myshopify_domain"`
	Currency        string `json:"currency"`
	PlanName        string `json:"plan_name"`
	PlanDisplayName string `json:"plan_display_name"`
	IanaTimezone    string `json:"iana_timezone"`
	MoneyFormat     string `json:"money_format"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
}

// ComplianceCustomer names the customer of a compliance request.
type ComplianceCustomer struct {
	ID    int64   `json:"id"`
	Email string  `json:"email"`
	Phone *string `json:"phone"`
}

// DataRequestPayload is the body of customers/data_request.
type DataRequestPayload struct {
	ShopID          int64              `json:"shop_id"`
	ShopDomain      string             `json:"shop_domain"`
	OrdersRequested []int64            `json:"orders_requested"`
	Customer        ComplianceCustomer `json:"customer"`
	DataRequest     struct {
		ID int64 `json:"id"`
	} `json:"data_request"`
}

// CustomerRedactPayload is the body of customers/redact.
type CustomerRedactPayload struct {
	ShopID         int64              `json:"shop_id"`
	ShopDomain     string             `json:"shop_domain"`
	Customer       ComplianceCustomer `json:"customer"`
	OrdersToRedact []int64            `json:"orders_to_redact"`
}

// ShopRedactPayload is the body of shop/redact.
type ShopRedactPayload struct {
	ShopID     int64  `json:"shop_id"`
	ShopDomain string `json:"shop_domain"`
}

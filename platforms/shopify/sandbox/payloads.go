package sandbox

import "encoding/json"

// Webhook payloads, in the shapes of Shopify's documented samples
// (https://shopify.dev/docs/api/webhooks/2026-10?reference=toml: orders/paid,
// orders/cancelled, refunds/create, discounts/*, app/uninstalled and the
// compliance topics). Fields the app can never need (fulfillment, staff,
// duties) are left out; every field kept has Shopify's name and JSON type.
// Recorded samples of each topic are under testdata/.

// MoneySet is an amount in the shop and the presentment currency.
type MoneySet struct {
	ShopMoney        Money `json:"shop_money"`
	PresentmentMoney Money `json:"presentment_money"`
}

// Money is a decimal amount and its currency.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currency_code"`
}

// OrderPayload is the body of orders/create, orders/paid, orders/updated
// and orders/cancelled.
type OrderPayload struct {
	ID                       int64                 `json:"id"`
	AdminGraphqlAPIID        string                `json:"admin_graphql_api_id"`
	AppID                    *int64                `json:"app_id"`
	BuyerAcceptsMarketing    bool                  `json:"buyer_accepts_marketing"`
	CancelReason             *string               `json:"cancel_reason"`
	CancelledAt              *string               `json:"cancelled_at"`
	ConfirmationNumber       string                `json:"confirmation_number"`
	Confirmed                bool                  `json:"confirmed"`
	ContactEmail             string                `json:"contact_email"`
	CreatedAt                string                `json:"created_at"`
	Currency                 string                `json:"currency"`
	CurrentSubtotalPrice     string                `json:"current_subtotal_price"`
	CurrentSubtotalPriceSet  MoneySet              `json:"current_subtotal_price_set"`
	CurrentTotalDiscounts    string                `json:"current_total_discounts"`
	CurrentTotalDiscountsSet MoneySet              `json:"current_total_discounts_set"`
	CurrentTotalPrice        string                `json:"current_total_price"`
	CurrentTotalPriceSet     MoneySet              `json:"current_total_price_set"`
	CurrentTotalTax          string                `json:"current_total_tax"`
	CurrentTotalTaxSet       MoneySet              `json:"current_total_tax_set"`
	CustomerLocale           string                `json:"customer_locale"`
	DiscountCodes            []DiscountCodeUsed    `json:"discount_codes"`
	Email                    string                `json:"email"`
	EstimatedTaxes           bool                  `json:"estimated_taxes"`
	FinancialStatus          string                `json:"financial_status"`
	FulfillmentStatus        *string               `json:"fulfillment_status"`
	Name                     string                `json:"name"`
	Note                     *string               `json:"note"`
	Number                   int                   `json:"number"`
	OrderNumber              int                   `json:"order_number"`
	OrderStatusURL           string                `json:"order_status_url"`
	PaymentGatewayNames      []string              `json:"payment_gateway_names"`
	Phone                    *string               `json:"phone"`
	PresentmentCurrency      string                `json:"presentment_currency"`
	ProcessedAt              string                `json:"processed_at"`
	SourceName               string                `json:"source_name"`
	SubtotalPrice            string                `json:"subtotal_price"`
	SubtotalPriceSet         MoneySet              `json:"subtotal_price_set"`
	Tags                     string                `json:"tags"`
	TaxLines                 []TaxLine             `json:"tax_lines"`
	TaxesIncluded            bool                  `json:"taxes_included"`
	Test                     bool                  `json:"test"`
	Token                    string                `json:"token"`
	TotalDiscounts           string                `json:"total_discounts"`
	TotalDiscountsSet        MoneySet              `json:"total_discounts_set"`
	TotalLineItemsPrice      string                `json:"total_line_items_price"`
	TotalLineItemsPriceSet   MoneySet              `json:"total_line_items_price_set"`
	TotalOutstanding         string                `json:"total_outstanding"`
	TotalPrice               string                `json:"total_price"`
	TotalPriceSet            MoneySet              `json:"total_price_set"`
	TotalShippingPriceSet    MoneySet              `json:"total_shipping_price_set"`
	TotalTax                 string                `json:"total_tax"`
	TotalTaxSet              MoneySet              `json:"total_tax_set"`
	TotalTipReceived         string                `json:"total_tip_received"`
	TotalWeight              int                   `json:"total_weight"`
	UpdatedAt                string                `json:"updated_at"`
	UserID                   *int64                `json:"user_id"`
	Customer                 *Customer             `json:"customer"`
	DiscountApplications     []DiscountApplication `json:"discount_applications"`
	LineItems                []LineItem            `json:"line_items"`
	Refunds                  []RefundPayload       `json:"refunds"`
	ShippingLines            []ShippingLine        `json:"shipping_lines"`
}

// DiscountCodeUsed is an entry of an order's discount_codes.
type DiscountCodeUsed struct {
	Code   string `json:"code"`
	Amount string `json:"amount"`
	Type   string `json:"type"` // percentage, fixed_amount or shipping
}

// DiscountApplication is an entry of an order's discount_applications.
type DiscountApplication struct {
	TargetType       string `json:"target_type"`
	Type             string `json:"type"`
	Value            string `json:"value"`
	ValueType        string `json:"value_type"`
	AllocationMethod string `json:"allocation_method"`
	TargetSelection  string `json:"target_selection"`
	Code             string `json:"code"`
}

// DiscountAllocation is a line's share of a discount application.
type DiscountAllocation struct {
	Amount                   string   `json:"amount"`
	AmountSet                MoneySet `json:"amount_set"`
	DiscountApplicationIndex int      `json:"discount_application_index"`
}

// TaxLine is a tax charged on a line or the order.
type TaxLine struct {
	Price         string      `json:"price"`
	Rate          json.Number `json:"rate"`
	Title         string      `json:"title"`
	PriceSet      MoneySet    `json:"price_set"`
	ChannelLiable bool        `json:"channel_liable"`
}

// Customer is the order's customer.
type Customer struct {
	ID                int64   `json:"id"`
	Email             string  `json:"email"`
	CreatedAt         string  `json:"created_at"`
	UpdatedAt         string  `json:"updated_at"`
	FirstName         string  `json:"first_name"`
	LastName          string  `json:"last_name"`
	State             string  `json:"state"`
	Note              *string `json:"note"`
	VerifiedEmail     bool    `json:"verified_email"`
	TaxExempt         bool    `json:"tax_exempt"`
	Phone             *string `json:"phone"`
	Currency          string  `json:"currency"`
	AdminGraphqlAPIID string  `json:"admin_graphql_api_id"`
}

// LineItem is a product line of an order.
type LineItem struct {
	ID                  int64                `json:"id"`
	AdminGraphqlAPIID   string               `json:"admin_graphql_api_id"`
	CurrentQuantity     int                  `json:"current_quantity"`
	FulfillableQuantity int                  `json:"fulfillable_quantity"`
	FulfillmentService  string               `json:"fulfillment_service"`
	FulfillmentStatus   *string              `json:"fulfillment_status"`
	GiftCard            bool                 `json:"gift_card"`
	Grams               int                  `json:"grams"`
	Name                string               `json:"name"`
	Price               string               `json:"price"`
	PriceSet            MoneySet             `json:"price_set"`
	ProductExists       bool                 `json:"product_exists"`
	ProductID           int64                `json:"product_id"`
	Quantity            int                  `json:"quantity"`
	RequiresShipping    bool                 `json:"requires_shipping"`
	SKU                 string               `json:"sku"`
	Taxable             bool                 `json:"taxable"`
	Title               string               `json:"title"`
	TotalDiscount       string               `json:"total_discount"`
	TotalDiscountSet    MoneySet             `json:"total_discount_set"`
	VariantID           int64                `json:"variant_id"`
	VariantTitle        *string              `json:"variant_title"`
	Vendor              *string              `json:"vendor"`
	TaxLines            []TaxLine            `json:"tax_lines"`
	DiscountAllocations []DiscountAllocation `json:"discount_allocations"`
}

// ShippingLine is the order's shipping.
type ShippingLine struct {
	ID                  int64                `json:"id"`
	Code                string               `json:"code"`
	DiscountedPrice     string               `json:"discounted_price"`
	DiscountedPriceSet  MoneySet             `json:"discounted_price_set"`
	Price               string               `json:"price"`
	PriceSet            MoneySet             `json:"price_set"`
	Source              string               `json:"source"`
	Title               string               `json:"title"`
	TaxLines            []TaxLine            `json:"tax_lines"`
	DiscountAllocations []DiscountAllocation `json:"discount_allocations"`
}

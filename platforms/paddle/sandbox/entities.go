package sandbox

// The entities below follow Paddle's entity objects field for field (the
// ones a sandbox keeps), so the JSON the sandbox serves and sends is the
// JSON Paddle serves and sends. Nullable fields are pointers or any.

// Discount: https://developer.paddle.com/api-reference/discounts/overview
type Discount struct {
	ID                        string   `json:"id"`
	Status                    string   `json:"status"`
	Description               string   `json:"description"`
	EnabledForCheckout        bool     `json:"enabled_for_checkout"`
	Code                      *string  `json:"code"`
	Type                      string   `json:"type"`
	Mode                      string   `json:"mode"`
	Amount                    string   `json:"amount"`
	CurrencyCode              *string  `json:"currency_code"`
	Recur                     bool     `json:"recur"`
	MaximumRecurringIntervals *int     `json:"maximum_recurring_intervals"`
	UsageLimit                *int     `json:"usage_limit"`
	RestrictTo                []string `json:"restrict_to"`
	ExpiresAt                 *string  `json:"expires_at"`
	CustomData                any      `json:"custom_data"`
	TimesUsed                 int      `json:"times_used"`
	DiscountGroupID           *string  `json:"discount_group_id"`
	CreatedAt                 string   `json:"created_at"`
	UpdatedAt                 string   `json:"updated_at"`
	ImportMeta                any      `json:"import_meta"`
}

// EventType: https://developer.paddle.com/api-reference/event-types/overview
type EventType struct {
	Name              string `json:"name"`
	Description       string `json:"description"`
	Group             string `json:"group"`
	AvailableVersions []int  `json:"available_versions"`
}

// NotificationSetting: https://developer.paddle.com/api-reference/notification-settings/overview
type NotificationSetting struct {
	ID                     string      `json:"id"`
	Description            string      `json:"description"`
	Type                   string      `json:"type"`
	Destination            string      `json:"destination"`
	Active                 bool        `json:"active"`
	APIVersion             int         `json:"api_version"`
	IncludeSensitiveFields bool        `json:"include_sensitive_fields"`
	SubscribedEvents       []EventType `json:"subscribed_events"`
	EndpointSecretKey      string      `json:"endpoint_secret_key"`
	TrafficSource          string      `json:"traffic_source"`
}

// Customer: https://developer.paddle.com/api-reference/customers/overview
type Customer struct {
	ID               string  `json:"id"`
	Name             *string `json:"name"`
	Email            string  `json:"email"`
	MarketingConsent bool    `json:"marketing_consent"`
	Status           string  `json:"status"`
	CustomData       any     `json:"custom_data"`
	Locale           string  `json:"locale"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	ImportMeta       any     `json:"import_meta"`
}

// Money is a unit price.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currency_code"`
}

// BillingCycle is how often a recurring price bills.
type BillingCycle struct {
	Interval  string `json:"interval"`
	Frequency int    `json:"frequency"`
}

// PriceQuantity limits how many of a price one checkout may buy.
type PriceQuantity struct {
	Minimum int `json:"minimum"`
	Maximum int `json:"maximum"`
}

// Price: https://developer.paddle.com/api-reference/prices/overview
type Price struct {
	ID           string        `json:"id"`
	ProductID    string        `json:"product_id"`
	Description  string        `json:"description"`
	Name         *string       `json:"name"`
	Type         string        `json:"type"`
	BillingCycle *BillingCycle `json:"billing_cycle"`
	TrialPeriod  any           `json:"trial_period"`
	TaxMode      string        `json:"tax_mode"`
	UnitPrice    Money         `json:"unit_price"`
	Overrides    []any         `json:"unit_price_overrides"`
	Quantity     PriceQuantity `json:"quantity"`
	Status       string        `json:"status"`
	CustomData   any           `json:"custom_data"`
	ImportMeta   any           `json:"import_meta"`
	CreatedAt    string        `json:"created_at"`
	UpdatedAt    string        `json:"updated_at"`
}

// Product is the product of a line item.
type Product struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Type        string  `json:"type"`
	TaxCategory string  `json:"tax_category"`
	Description *string `json:"description"`
	ImageURL    *string `json:"image_url"`
	CustomData  any     `json:"custom_data"`
	Status      string  `json:"status"`
	ImportMeta  any     `json:"import_meta"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

// TransactionItem is an item as the transaction was created with it.
type TransactionItem struct {
	Price     Price `json:"price"`
	Quantity  int   `json:"quantity"`
	Proration any   `json:"proration"`
}

// Totals are the amounts of a line item or a tax rate.
type Totals struct {
	Subtotal string `json:"subtotal"`
	Discount string `json:"discount"`
	Tax      string `json:"tax"`
	Total    string `json:"total"`
}

// LineItem is a calculated line of a transaction.
type LineItem struct {
	ID         string  `json:"id"`
	PriceID    string  `json:"price_id"`
	Quantity   int     `json:"quantity"`
	Proration  any     `json:"proration"`
	TaxRate    string  `json:"tax_rate"`
	UnitTotals Totals  `json:"unit_totals"`
	Totals     Totals  `json:"totals"`
	Product    Product `json:"product"`
}

// TransactionTotals are a transaction's totals (and its payout totals).
type TransactionTotals struct {
	Subtotal        string `json:"subtotal"`
	Discount        string `json:"discount"`
	Tax             string `json:"tax"`
	Total           string `json:"total"`
	Credit          string `json:"credit"`
	CreditToBalance string `json:"credit_to_balance"`
	Balance         string `json:"balance"`
	GrandTotal      string `json:"grand_total"`
	Fee             string `json:"fee"`
	Earnings        string `json:"earnings"`
	CurrencyCode    string `json:"currency_code"`
	ExchangeRate    string `json:"exchange_rate,omitempty"`
	FeeRate         string `json:"fee_rate,omitempty"`
}

// TaxRateUsed is one tax rate of a transaction.
type TaxRateUsed struct {
	TaxRate string `json:"tax_rate"`
	Totals  Totals `json:"totals"`
}

// TransactionDetails are the calculated totals of a transaction.
type TransactionDetails struct {
	TaxRatesUsed         []TaxRateUsed      `json:"tax_rates_used"`
	Totals               TransactionTotals  `json:"totals"`
	AdjustedTotals       TransactionTotals  `json:"adjusted_totals"`
	PayoutTotals         *TransactionTotals `json:"payout_totals"`
	AdjustedPayoutTotals any                `json:"adjusted_payout_totals"`
	LineItems            []LineItem         `json:"line_items"`
}

// Period is a billing period.
type Period struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

// Payment is a payment attempt.
type Payment struct {
	PaymentAttemptID      string  `json:"payment_attempt_id"`
	StoredPaymentMethodID string  `json:"stored_payment_method_id"`
	PaymentMethodID       string  `json:"payment_method_id"`
	Amount                string  `json:"amount"`
	Status                string  `json:"status"`
	ErrorCode             *string `json:"error_code"`
	MethodDetails         any     `json:"method_details"`
	CreatedAt             string  `json:"created_at"`
	CapturedAt            *string `json:"captured_at"`
}

// Transaction: https://developer.paddle.com/api-reference/transactions/overview
type Transaction struct {
	ID             string             `json:"id"`
	Status         string             `json:"status"`
	CustomerID     *string            `json:"customer_id"`
	AddressID      *string            `json:"address_id"`
	BusinessID     *string            `json:"business_id"`
	CustomData     any                `json:"custom_data"`
	CurrencyCode   string             `json:"currency_code"`
	Origin         string             `json:"origin"`
	SubscriptionID *string            `json:"subscription_id"`
	InvoiceID      *string            `json:"invoice_id"`
	InvoiceNumber  *string            `json:"invoice_number"`
	CollectionMode string             `json:"collection_mode"`
	DiscountID     *string            `json:"discount_id"`
	BillingDetails any                `json:"billing_details"`
	BillingPeriod  *Period            `json:"billing_period"`
	Items          []TransactionItem  `json:"items"`
	Details        TransactionDetails `json:"details"`
	Payments       []Payment          `json:"payments"`
	Checkout       map[string]any     `json:"checkout"`
	CreatedAt      string             `json:"created_at"`
	UpdatedAt      string             `json:"updated_at"`
	BilledAt       *string            `json:"billed_at"`
	RevisedAt      *string            `json:"revised_at"`
}

// AdjustmentTotals are an adjustment's (or its item's) amounts.
type AdjustmentTotals struct {
	Subtotal     string `json:"subtotal"`
	Tax          string `json:"tax"`
	Total        string `json:"total"`
	Fee          string `json:"fee,omitempty"`
	Earnings     string `json:"earnings,omitempty"`
	RetainedFee  string `json:"retained_fee,omitempty"`
	CurrencyCode string `json:"currency_code,omitempty"`
}

// ChargebackFee is a chargeback fee in the payout currency.
type ChargebackFee struct {
	Amount   string `json:"amount"`
	Original any    `json:"original"`
}

// AdjustmentPayout is how an adjustment changes the payout balance.
type AdjustmentPayout struct {
	AdjustmentTotals
	ChargebackFee ChargebackFee `json:"chargeback_fee"`
}

// AdjustmentItem is the part of one line item an adjustment refunds.
type AdjustmentItem struct {
	ID        string           `json:"id"`
	ItemID    string           `json:"item_id"`
	Type      string           `json:"type"`
	Amount    *string          `json:"amount"`
	Proration any              `json:"proration"`
	Totals    AdjustmentTotals `json:"totals"`
}

// Adjustment: https://developer.paddle.com/api-reference/adjustments/overview
type Adjustment struct {
	ID                     string           `json:"id"`
	Action                 string           `json:"action"`
	Type                   string           `json:"type"`
	TransactionID          string           `json:"transaction_id"`
	SubscriptionID         *string          `json:"subscription_id"`
	CustomerID             string           `json:"customer_id"`
	Reason                 string           `json:"reason"`
	CreditAppliedToBalance *bool            `json:"credit_applied_to_balance"`
	CurrencyCode           string           `json:"currency_code"`
	Status                 string           `json:"status"`
	Items                  []AdjustmentItem `json:"items"`
	Totals                 AdjustmentTotals `json:"totals"`
	PayoutTotals           AdjustmentPayout `json:"payout_totals"`
	TaxRatesUsed           any              `json:"tax_rates_used"`
	CreatedAt              string           `json:"created_at"`
	UpdatedAt              string           `json:"updated_at"`
}

// Event is one notification as Paddle delivers it:
// https://developer.paddle.com/webhooks/overview
type Event struct {
	EventID        string `json:"event_id"`
	EventType      string `json:"event_type"`
	OccurredAt     string `json:"occurred_at"`
	NotificationID string `json:"notification_id"`
	Data           any    `json:"data"`
}

package sandbox

// The subscription entity, field for field as Paddle sends it in every
// subscription.* notification (management_urls excepted, which Paddle
// leaves out of notifications):
// https://developer.paddle.com/api-reference/subscriptions/overview

// SubscriptionDiscount is the discount a subscription bills with: Paddle
// names it by id only.
type SubscriptionDiscount struct {
	ID       string  `json:"id"`
	StartsAt string  `json:"starts_at"`
	EndsAt   *string `json:"ends_at"`
}

// ScheduledChange is a change Paddle makes at the next billing date
// (action cancel, pause or resume).
type ScheduledChange struct {
	Action      string  `json:"action"`
	EffectiveAt string  `json:"effective_at"`
	ResumeAt    *string `json:"resume_at"`
}

// SubscriptionItem is one price a subscription bills.
type SubscriptionItem struct {
	Status             string  `json:"status"`
	Quantity           int     `json:"quantity"`
	Recurring          bool    `json:"recurring"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	PreviouslyBilledAt *string `json:"previously_billed_at"`
	NextBilledAt       *string `json:"next_billed_at"`
	TrialDates         *Period `json:"trial_dates"`
	Price              Price   `json:"price"`
	Product            Product `json:"product"`
}

// Subscription: https://developer.paddle.com/api-reference/subscriptions/overview
type Subscription struct {
	ID                   string                `json:"id"`
	Status               string                `json:"status"`
	CustomerID           string                `json:"customer_id"`
	AddressID            string                `json:"address_id"`
	BusinessID           *string               `json:"business_id"`
	CurrencyCode         string                `json:"currency_code"`
	CreatedAt            string                `json:"created_at"`
	UpdatedAt            string                `json:"updated_at"`
	StartedAt            *string               `json:"started_at"`
	FirstBilledAt        *string               `json:"first_billed_at"`
	NextBilledAt         *string               `json:"next_billed_at"`
	PausedAt             *string               `json:"paused_at"`
	CanceledAt           *string               `json:"canceled_at"`
	Discount             *SubscriptionDiscount `json:"discount"`
	CollectionMode       string                `json:"collection_mode"`
	BillingDetails       any                   `json:"billing_details"`
	CurrentBillingPeriod *Period               `json:"current_billing_period"`
	BillingCycle         BillingCycle          `json:"billing_cycle"`
	ScheduledChange      *ScheduledChange      `json:"scheduled_change"`
	Items                []SubscriptionItem    `json:"items"`
	CustomData           any                   `json:"custom_data"`
	ImportMeta           any                   `json:"import_meta"`
}

// subscriptionCreated is the subscription.created payload: the entity and
// the transaction that created it, which only this event carries.
type subscriptionCreated struct {
	Subscription
	TransactionID string `json:"transaction_id"`
}

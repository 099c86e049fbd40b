// Package platforms holds the interface every commerce platform adapter
// implements and the normalised events they translate webhooks into.
// Adapters translate; they never store.
package platforms

import (
	"errors"
	"net/http"
	"time"
)

// Platform names as stored on connections and webhook events.
const (
	Shopify     = "shopify"
	Stripe      = "stripe"
	Paddle      = "paddle"
	WooCommerce = "woocommerce"
	// API is the built-in platform for merchants who report orders from
	// their own checkout through the JSON API.
	API = "api"
)

// Event kinds of the normalised events.
const (
	KindOrderPaid      = "order_paid"
	KindOrderRefunded  = "order_refunded"
	KindOrderCancelled = "order_cancelled"
	KindCodeChanged    = "code_changed"
	KindAppUninstalled = "app_uninstalled"
	KindPrivacy        = "privacy"
)

// ErrSignature is returned when a webhook's signature is missing or wrong.
var ErrSignature = errors.New("platforms: webhook signature invalid")

// ErrPayload is returned when a webhook body cannot be understood.
var ErrPayload = errors.New("platforms: webhook payload malformed")

// Order is a paid order as every platform reports it. Amounts are integer
// minor units of Currency.
type Order struct {
	ExternalID     string    `json:"id"`
	Number         string    `json:"number,omitempty"`
	Codes          []string  `json:"codes"`
	Currency       string    `json:"currency"`
	Subtotal       int64     `json:"subtotal"` // after discounts, before tax and shipping
	Discount       int64     `json:"discount"`
	Total          int64     `json:"total"`
	CustomerID     string    `json:"customer_id,omitempty"`
	CustomerEmail  string    `json:"customer_email,omitempty"`
	CustomerName   string    `json:"customer_name,omitempty"`
	SubscriptionID string    `json:"subscription_id,omitempty"`
	Test           bool      `json:"test,omitempty"`
	PlacedAt       time.Time `json:"placed_at"`
}

// Refund is money given back on an order; Subtotal is the refunded part of
// the order subtotal (tax and shipping excluded). Full marks a cancellation
// or a refund of everything that was left.
type Refund struct {
	ExternalID      string    `json:"id"`
	OrderExternalID string    `json:"order_id"`
	Currency        string    `json:"currency"`
	Subtotal        int64     `json:"subtotal"`
	Full            bool      `json:"full,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

// CodeChange is a discount code created, changed or deleted on the platform.
type CodeChange struct {
	PlatformID    string `json:"platform_id"`
	Code          string `json:"code"`
	DiscountType  string `json:"discount_type"`
	DiscountValue int64  `json:"discount_value"`
	Deleted       bool   `json:"deleted,omitempty"`
}

// PrivacyRequest is a data request or an erasure request.
type PrivacyRequest struct {
	Action        string `json:"action"` // data_request, customer_redact, shop_redact
	CustomerEmail string `json:"customer_email,omitempty"`
	CustomerID    string `json:"customer_id,omitempty"`
	OrderIDs      []string
}

// Event is one normalised fact out of a webhook. Exactly one of the
// pointers matches Kind.
type Event struct {
	Kind    string
	Order   *Order
	Refund  *Refund
	Code    *CodeChange
	Privacy *PrivacyRequest
}

// Webhook is a verified delivery: who sent it and what it names.
type Webhook struct {
	Source  string // shop domain, account id or other key identifying the connection
	Topic   string
	EventID string
}

// Platform is what every adapter implements.
type Platform interface {
	// Name is the platform name stored on connections.
	Name() string
	// VerifyWebhook checks the signature of a raw delivery with secret and
	// returns what it names. It must not trust anything before checking.
	VerifyWebhook(h http.Header, body []byte, secret []byte, now time.Time) (Webhook, error)
	// ParseWebhook turns a stored, verified body into normalised events.
	ParseWebhook(topic string, body []byte) ([]Event, error)
}

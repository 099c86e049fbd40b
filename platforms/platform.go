// Package platforms holds the interface every commerce platform adapter
// implements and the normalised events they translate webhooks into.
// Adapters translate; they never store.
package platforms

import (
	"context"
	"errors"
	"fmt"
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
	// KindRefundUndone is a refund, chargeback or dispute that did not take
	// the money back after all (a refund that failed or was cancelled, a
	// dispute the merchant won, a chargeback reversed): its Refund names
	// the refund to undo by ExternalID and OrderExternalID.
	KindRefundUndone = "refund_undone"
)

// ErrSignature is returned when a webhook's signature is missing or wrong.
var ErrSignature = errors.New("platforms: webhook signature invalid")

// ErrIgnore marks a delivery to acknowledge without storing anything (a
// platform's test ping).
var ErrIgnore = errors.New("platforms: delivery to acknowledge and ignore")

// AppSigned is implemented by platforms whose deliveries are signed either
// with the app-wide secret or with a connection's own: SignedByApp tells
// which, from the (still unverified) delivery.
type AppSigned interface {
	SignedByApp(r *http.Request, body []byte) bool
}

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
	ExternalID      string `json:"id"`
	OrderExternalID string `json:"order_id"`
	Currency        string `json:"currency"`
	Subtotal        int64  `json:"subtotal"`
	// Amount is the refunded money, tax and shipping included, for
	// platforms that do not say which part of it was goods (Stripe): with
	// Subtotal 0, the engine takes the same share of the order's subtotal
	// as Amount is of its total.
	Amount    int64     `json:"amount,omitempty"`
	Full      bool      `json:"full,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Reason says, for a KindRefundUndone, why the money was not taken
	// back ("refund failed", "dispute won"); it is noted on the ledger.
	Reason string `json:"reason,omitempty"`
	// Note says how the goods' share was worked out where the platform did
	// not itemise the refund; it is shown with the refund on its conversion.
	Note string `json:"note,omitempty"`
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
	Source  string // shop domain, account id or store URL: the connection's ExternalID
	Topic   string // the platform's topic or event type, e.g. "orders/paid"
	EventID string // unique per event on that connection; redeliveries repeat it
}

// Platform is what every adapter implements to receive webhooks.
type Platform interface {
	// Name is the platform name stored on connections.
	Name() string
	// WebhookSource reads, without trusting it, which connection (its
	// ExternalID) a delivery claims to come from, so the receiver can find
	// that connection's secret. "" with an error when it cannot tell.
	WebhookSource(r *http.Request, body []byte) (string, error)
	// VerifyWebhook checks the signature of a raw delivery with secret and
	// returns what it names; ErrSignature when it does not verify.
	VerifyWebhook(h http.Header, body []byte, secret []byte, now time.Time) (Webhook, error)
	// ParseWebhook turns a stored, verified body into normalised events.
	// Topics the adapter does not act on give no events and no error.
	ParseWebhook(topic string, body []byte) ([]Event, error)
}

// Enricher is implemented by adapters whose webhooks leave out what only
// the platform's API tells (WooCommerce refund lines, Stripe discounts
// named by id): the worker passes each stored body through EnrichWebhook,
// with the connection's credentials, and parses what it returns. A body
// that needs nothing comes back unchanged.
type Enricher interface {
	EnrichWebhook(ctx context.Context, c *Conn, topic string, body []byte) ([]byte, error)
}

// Conn is what an adapter needs to call one store's API: its id on the
// platform and its decrypted credentials. An adapter that refreshes a token
// writes the new credentials here and sets Changed, and the caller saves them.
type Conn struct {
	ExternalID  string
	Credentials map[string]string
	Changed     bool
}

// DiscountCode is a code as the platform holds it.
type DiscountCode struct {
	PlatformID      string // the discount (price rule, coupon, ...) id
	PlatformCodeID  string // the code's own id, when the platform has one
	Code            string // as the platform spells it
	DiscountType    string // "percentage" (Value in basis points), "fixed_amount" (minor units), "free_shipping", "other"
	DiscountValue   int64
	Currency        string
	OncePerCustomer bool
	Active          bool
}

// CodePage is one page of an import. Next is the cursor of the following
// page ("" when this was the last); Total is the number of codes the
// platform reports in all, or -1 when it does not say.
type CodePage struct {
	Codes   []DiscountCode
	Next    string
	Total   int
	Skipped int // discounts on this page that have no code (automatic discounts), counted as done
}

// NewCode is a code to create on the platform for an affiliate.
type NewCode struct {
	Code            string
	Title           string
	DiscountType    string // "percentage" or "fixed_amount"
	DiscountValue   int64  // basis points or minor units
	Currency        string
	OncePerCustomer bool
}

// Catalog is implemented by adapters that import and create discount codes.
type Catalog interface {
	// ImportCodes fetches the page after cursor ("" = the first page).
	ImportCodes(ctx context.Context, c *Conn, cursor string) (CodePage, error)
	// CreateCode creates the code on the platform; a refusal the user must
	// see (code taken, invalid value) is a *RejectedError.
	CreateCode(ctx context.Context, c *Conn, code NewCode) (DiscountCode, error)
}

// RateLimitError says the platform throttled the call; retry after RetryAfter.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("platforms: rate limited, retry after %s", e.RetryAfter)
}

// RejectedError is a refusal by the platform that retrying will not fix,
// with the platform's reason, meant for the merchant.
type RejectedError struct {
	Reason string
}

func (e *RejectedError) Error() string { return "platforms: rejected: " + e.Reason }

// ErrUnauthorized means the platform refused the credentials (revoked or
// expired for good): the connection needs to be installed again.
var ErrUnauthorized = errors.New("platforms: credentials refused by the platform; reinstall needed")

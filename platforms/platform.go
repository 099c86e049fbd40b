// Package platforms holds the interface every commerce platform adapter
// implements and the normalised events they translate webhooks into.
// Adapters translate; they never store.
//
// It is one file. Read Platform first (what every adapter implements:
// parsing stored events), then Event and what it carries (Order, Refund,
// CodeChange, PrivacyRequest), then the capabilities an adapter has or
// not, each its own interface: Receiver (webhooks delivered to us, with
// AppSigned), Enricher, Catalog and CodeDeactivator (calls to a store's
// API). Callers ask for the one they need. Read an adapter next: each sits
// in platforms/<name>, with its local sandbox in platforms/<name>/sandbox.
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
	// KindSubscription is a subscription created, changed (plan,
	// quantity, status) or ended: its Subscription is its state after.
	KindSubscription = "subscription"
)

// ErrSignature is returned when a webhook's signature is missing or wrong.
var ErrSignature = errors.New("platforms: webhook signature invalid")

// ErrIgnore marks a delivery to acknowledge without storing anything (a
// platform's test ping).
var ErrIgnore = errors.New("platforms: delivery to acknowledge and ignore")

// AppSigned is implemented by Receivers whose deliveries are signed either
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
	// Lines are the order's goods, where the platform itemises them; the
	// sum of their Net is Subtotal. An order without lines is credited on
	// its Subtotal alone (no product rule can apply to it).
	Lines []OrderLine `json:"lines,omitempty"`
	// Shipping is the shipping charged, after shipping discounts and
	// before its tax; Tax is the tax on the goods (not on shipping).
	Shipping int64 `json:"shipping,omitempty"`
	Tax      int64 `json:"tax,omitempty"`
	// TaxesIncluded says the lines' prices include their tax (the shop's
	// prices are shown with tax), so a line's net takes its tax out.
	TaxesIncluded bool `json:"taxes_included,omitempty"`
}

// OrderLine is one line of an order: a product (or variant) times a
// quantity. Amounts are minor units of the order's currency: UnitPrice
// for one unit as listed (tax included when the order's TaxesIncluded),
// Discount and Tax for the whole line.
type OrderLine struct {
	ID        string `json:"id"` // the platform's line id; refunds name it
	ProductID string `json:"product_id,omitempty"`
	VariantID string `json:"variant_id,omitempty"`
	SKU       string `json:"sku,omitempty"`
	Title     string `json:"title,omitempty"`
	Quantity  int64  `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
	Discount  int64  `json:"discount,omitempty"` // allocated to this line: its own and its share of the order's
	Tax       int64  `json:"tax,omitempty"`
}

// Net is what the line's goods sold for: price times quantity, less the
// line's discount, less its tax when prices include tax. Never negative.
func (l OrderLine) Net(taxesIncluded bool) int64 {
	n := l.UnitPrice*l.Quantity - l.Discount
	if taxesIncluded {
		n -= l.Tax
	}
	return max(n, 0)
}

// CheckLines says what is wrong with an order's lines, if anything: a
// line without an id or with an id used twice, a negative amount or
// quantity, a price times quantity past what an int64 holds, a discount
// larger than the line.
func CheckLines(lines []OrderLine) error {
	seen := make(map[string]bool, len(lines))
	for i, l := range lines {
		switch {
		case l.ID == "":
			return fmt.Errorf("%w: line %d has no id", ErrPayload, i+1)
		case seen[l.ID]:
			return fmt.Errorf("%w: line id %q is used twice", ErrPayload, l.ID)
		case l.Quantity < 0 || l.UnitPrice < 0 || l.Discount < 0 || l.Tax < 0:
			return fmt.Errorf("%w: line %q has a negative amount or quantity", ErrPayload, l.ID)
		case l.Quantity > 0 && l.UnitPrice > maxLineAmount/l.Quantity:
			return fmt.Errorf("%w: line %q: price times quantity is too large", ErrPayload, l.ID)
		case l.Discount > l.UnitPrice*l.Quantity:
			return fmt.Errorf("%w: line %q: its discount is larger than the line", ErrPayload, l.ID)
		}
		seen[l.ID] = true
	}
	return nil
}

// maxLineAmount bounds a line's price times quantity (a hundred trillion
// minor units), so sums of lines never overflow.
const maxLineAmount = 100_000_000_000_000

// RefundLine is the part of one order line a refund gives back: Quantity
// units, and Subtotal, the goods' money after discounts and before tax
// (0 when the platform gives only the quantity).
type RefundLine struct {
	LineID   string `json:"line_id"`
	Quantity int64  `json:"quantity,omitempty"`
	Subtotal int64  `json:"subtotal,omitempty"`
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
	// Lines are the order lines refunded, where the platform itemises the
	// refund: each reverses its own line's commission. Subtotal is still
	// the sum of their goods.
	Lines []RefundLine `json:"lines,omitempty"`
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
	Kind         string
	Order        *Order
	Refund       *Refund
	Code         *CodeChange
	Privacy      *PrivacyRequest
	Subscription *Subscription
}

// Webhook is a verified delivery: who sent it and what it names.
type Webhook struct {
	Source  string // shop domain, account id or store URL: the connection's ExternalID
	Topic   string // the platform's topic or event type, e.g. "orders/paid"
	EventID string // unique per event on that connection; redeliveries repeat it
}

// Platform is what every adapter implements, however its events arrive:
// the worker parses each stored event with it.
type Platform interface {
	// Name is the platform name stored on connections.
	Name() string
	// ParseWebhook turns a stored, verified body into normalised events.
	// Topics the adapter does not act on give no events and no error.
	ParseWebhook(topic string, body []byte) ([]Event, error)
}

// Receiver is implemented by platforms that deliver their events as
// signed webhooks; the webhook route serves only these. (The JSON API
// platform is not one: its events are posted with an API key.)
type Receiver interface {
	Platform
	// WebhookSource reads, without trusting it, which connection (its
	// ExternalID) a delivery claims to come from, so the receiver can find
	// that connection's secret. "" with an error when it cannot tell.
	WebhookSource(r *http.Request, body []byte) (string, error)
	// VerifyWebhook checks the signature of a raw delivery with secret and
	// returns what it names; ErrSignature when it does not verify.
	VerifyWebhook(h http.Header, body []byte, secret []byte, now time.Time) (Webhook, error)
}

// Enricher is implemented by adapters whose webhooks leave out what only
// the platform's API tells (WooCommerce refund lines, Stripe discounts
// named by id): the worker passes each stored body through EnrichWebhook,
// with the connection's credentials, and parses what it returns. A body
// that needs nothing comes back unchanged.
type Enricher interface {
	EnrichWebhook(ctx context.Context, c *Conn, topic string, body []byte) ([]byte, error)
}

// SelectiveEnricher is an Enricher that reads the platform's API for some
// deliveries only: Enriches says which, from the stored body, so the
// others skip loading the store's credentials and are booked in batches.
type SelectiveEnricher interface {
	Enricher
	Enriches(topic string, body []byte) bool
}

// NeedsEnriching reports whether p reads anything from its platform's API
// for a delivery of topic with body.
func NeedsEnriching(p Platform, topic string, body []byte) bool {
	if s, ok := p.(SelectiveEnricher); ok {
		return s.Enriches(topic, body)
	}
	_, ok := p.(Enricher)
	return ok
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

// CodeDeactivator is implemented by adapters that can switch a discount
// code off on the platform, so it no longer applies at checkout. The code
// stays on record there. Deactivating a code that is already inactive or
// gone is not an error.
type CodeDeactivator interface {
	DeactivateCode(ctx context.Context, c *Conn, code DiscountCode) error
}

// RateLimitError says the platform throttled the call; retry after RetryAfter.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("platforms: rate limited, retry after %s", e.RetryAfter)
}

// Sleep waits d, or until ctx ends (then its error): how callers wait out
// a RateLimitError or poll a platform.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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

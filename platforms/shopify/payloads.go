package shopify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"codecredit/platforms"
)

// The webhook payloads are Shopify's REST resources; the field names follow
// the samples at https://shopify.dev/docs/api/webhooks?reference=toml (topics
// orders/paid, orders/cancelled, refunds/create). Only what the adapter uses
// is declared.

// decimal is an amount as Shopify writes it: a string ("12.50") or, in a
// few older fields, a bare JSON number. The text is kept for exact parsing.
type decimal string

// UnmarshalJSON keeps the literal text of a string or a number.
func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*d = decimal(n)
	return nil
}

// id is a numeric Shopify id kept as its decimal text (ids exceed 2^53).
type id string

// UnmarshalJSON accepts a number or a string.
func (i *id) UnmarshalJSON(b []byte) error {
	var d decimal
	if err := d.UnmarshalJSON(b); err != nil {
		return err
	}
	*i = id(d)
	return nil
}

type moneySet struct {
	ShopMoney struct {
		Amount       decimal `json:"amount"`
		CurrencyCode string  `json:"currency_code"`
	} `json:"shop_money"`
}

// amount is the shop-currency amount of a money field: its *_set's
// shop_money when present, else the plain field.
func amount(set *moneySet, plain decimal, currency string) (int64, error) {
	if set != nil && set.ShopMoney.Amount != "" {
		plain = set.ShopMoney.Amount
	}
	if plain == "" {
		return 0, nil
	}
	v, err := toMinor(string(plain), currency)
	if err != nil {
		return 0, fmt.Errorf("%w: amount: %v", platforms.ErrPayload, err)
	}
	return v, nil
}

type taxLine struct {
	Price    decimal   `json:"price"`
	PriceSet *moneySet `json:"price_set"`
}

type discountAllocation struct {
	Amount    decimal   `json:"amount"`
	AmountSet *moneySet `json:"amount_set"`
}

type lineItem struct {
	ID                  id                   `json:"id"`
	ProductID           id                   `json:"product_id"` // null for a custom line or a deleted product
	VariantID           id                   `json:"variant_id"`
	SKU                 string               `json:"sku"`
	Title               string               `json:"title"` // the product's title
	Name                string               `json:"name"`  // the product's and the variant's titles
	Price               decimal              `json:"price"`
	PriceSet            *moneySet            `json:"price_set"`
	Quantity            int64                `json:"quantity"`
	DiscountAllocations []discountAllocation `json:"discount_allocations"`
	TaxLines            []taxLine            `json:"tax_lines"`
}

// shippingLine is an entry of an order's shipping_lines: its price before
// discounts (tax included when the order's taxes_included), the shipping
// discounts allocated to it, and its tax.
type shippingLine struct {
	Price               decimal              `json:"price"`
	PriceSet            *moneySet            `json:"price_set"`
	DiscountAllocations []discountAllocation `json:"discount_allocations"`
	TaxLines            []taxLine            `json:"tax_lines"`
}

type customer struct {
	ID        id     `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

type order struct {
	ID            id        `json:"id"`
	Name          string    `json:"name"`
	Email         string    `json:"email"`
	ContactEmail  string    `json:"contact_email"`
	Currency      string    `json:"currency"` // the shop's currency
	Test          bool      `json:"test"`
	TaxesIncluded bool      `json:"taxes_included"`
	TotalPrice    decimal   `json:"total_price"`
	TotalPriceSet *moneySet `json:"total_price_set"`
	DiscountCodes []struct {
		Code string `json:"code"`
	} `json:"discount_codes"`
	LineItems     []lineItem     `json:"line_items"`
	ShippingLines []shippingLine `json:"shipping_lines"`
	Customer      *customer      `json:"customer"`
	ProcessedAt   *time.Time     `json:"processed_at"`
	CreatedAt     *time.Time     `json:"created_at"`
	CancelledAt   *time.Time     `json:"cancelled_at"`
	// ContractID is the subscription contract a renewal order bills, as
	// EnrichWebhook adds it (renewals.go).
	ContractID id `json:"codecredit_subscription_contract_id"`
}

// decode reads a JSON object into v; anything else is ErrPayload.
func decode(body []byte, v any) error {
	if err := checkObject(body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	return nil
}

// checkObject accepts only a JSON object.
func checkObject(body []byte) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return fmt.Errorf("%w: body is not a JSON object", platforms.ErrPayload)
	}
	return nil
}

func firstTime(ts ...*time.Time) time.Time {
	for _, t := range ts {
		if t != nil && !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

func currencyOf(c string) (string, error) {
	c = strings.ToUpper(strings.TrimSpace(c))
	if len(c) != 3 {
		return "", fmt.Errorf("%w: currency %q is not an ISO 4217 code", platforms.ErrPayload, c)
	}
	return c, nil
}

package sandbox

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"

	"codecredit/platforms/currency"
)

// ErrCodeRejected is returned when checkout would refuse a discount code:
// unknown, not active, used up, or already used by this customer.
var ErrCodeRejected = errors.New("sandbox: enter a valid discount code")

// OrderSpec is an order a customer pays at checkout.
type OrderSpec struct {
	Codes []string `json:"codes,omitempty"` // discount codes as the customer typed them
	Lines []Line   `json:"lines"`
	// Currency the customer pays in; empty means the shop currency. When it
	// differs, ExchangeRate (units of Currency per unit of the shop
	// currency, e.g. "0.92") converts the shop-currency prices.
	Currency     string `json:"currency,omitempty"`
	ExchangeRate string `json:"exchange_rate,omitempty"`
	Email        string `json:"email,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
	Shipping     string `json:"shipping,omitempty"` // shipping price in the shop currency, e.g. "4.99"
	TaxRate      int64  `json:"tax_rate,omitempty"` // basis points charged on each line after discounts
	Test         bool   `json:"test,omitempty"`
}

// Line is a product line of an order. Price is per unit in the shop
// currency, as a decimal string ("12.50") or, when empty, PriceMinor.
// ProductID and VariantID, when given, name the product and variant (so two
// orders can buy the same one); otherwise each line gets fresh ids. A
// ProductID of the shop's catalog fills in the title, SKU, variant and,
// when neither price is given, the price; a gift card is neither taxed
// nor discounted, as at Shopify's checkout.
type Line struct {
	ProductID  int64  `json:"product_id,omitempty"`
	VariantID  int64  `json:"variant_id,omitempty"`
	Title      string `json:"title"`
	SKU        string `json:"sku,omitempty"`
	Price      string `json:"price,omitempty"`
	PriceMinor int64  `json:"price_minor,omitempty"`
	Quantity   int    `json:"quantity"`
}

type order struct {
	ID          int64
	Number      int
	Token       string
	Email       string
	First, Last string
	CustomerID  int64
	Currency    string // shop currency
	Presentment string
	rateNum     int64 // presentment minor = shop minor × rateNum / rateDen
	rateDen     int64
	Test        bool
	Lines       []*orderLine
	Apps        []application
	Shipping    int64
	ShippingID  int64
	ShipAllocs  []allocation
	TaxRate     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Refunds     []*refund
	Disputes    []*dispute
	CancelledAt time.Time
	Source      string // source_name; "" is "web"
}

type orderLine struct {
	ID, ProductID, VariantID int64
	Title, SKU               string
	GiftCard                 bool
	Price                    int64
	Qty                      int
	Allocs                   []allocation
	Tax                      int64
	Refunded                 int
}

type allocation struct {
	Amount int64
	Index  int
}

// application is one discount applied to the order (a discount code).
type application struct {
	Kind, Code string
	Value      int64
	Display    string // the value as discount_applications shows it
}

func (l *orderLine) total() int64 { return l.Price * int64(l.Qty) }

func (l *orderLine) discount() int64 {
	n := int64(0)
	for _, a := range l.Allocs {
		n += a.Amount
	}
	return n
}

// net is the line's part of the subtotal: after discounts, before tax.
func (l *orderLine) net() int64 { return l.total() - l.discount() }

// PlaceOrder has a customer pay an order: the codes are applied as
// Shopify's checkout would (the discounts allocated across the lines), and
// orders/create then orders/paid are delivered to the subscribed app.
func (s *Sandbox) PlaceOrder(shop string, spec OrderSpec) (int64, error) {
	s.mu.Lock()
	o, err := s.placeOrder(shop, spec)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.flush(true)
	return o, nil
}

func (s *Sandbox) placeOrder(shop string, spec OrderSpec) (int64, error) {
	sh, err := s.shop(shop)
	if err != nil {
		return 0, err
	}
	o, err := s.newOrder(sh, spec)
	if err != nil {
		return 0, err
	}
	discounts, err := s.checkCodes(sh, spec.Codes, o.Email)
	if err != nil {
		return 0, err
	}
	for i, d := range discounts {
		o.apply(i, d, spec.Codes[i])
	}
	for _, l := range o.Lines {
		if !l.GiftCard {
			l.Tax = currency.MulDiv(l.net(), o.TaxRate, 10000)
		}
	}
	for _, d := range discounts {
		d.Codes[codeIndex(d, spec.Codes)].Usage++
		d.customers[strings.ToLower(o.Email)] = true
	}
	sh.orders[o.ID] = o
	s.emitOrder(sh, "orders/create", o)
	s.emitOrder(sh, "orders/paid", o)
	return o.ID, nil
}

func (s *Sandbox) newOrder(sh *Shop, spec OrderSpec) (*order, error) {
	if len(spec.Lines) == 0 {
		return nil, errors.New("sandbox: an order needs at least one line")
	}
	now := s.now()
	sh.orderSeq++
	o := &order{ID: s.id(), Number: sh.orderSeq, Token: randomHex(16), Email: spec.Email,
		First: spec.FirstName, Last: spec.LastName, Currency: sh.Currency, Presentment: sh.Currency,
		rateNum: 1, rateDen: 1, Test: spec.Test, TaxRate: spec.TaxRate, CreatedAt: now, UpdatedAt: now}
	if err := o.setPresentment(spec.Currency, spec.ExchangeRate); err != nil {
		return nil, err
	}
	if o.Email == "" {
		o.Email = fmt.Sprintf("customer%d@example.com", o.Number)
	}
	o.CustomerID = s.customerID(sh, o.Email)
	if err := s.addLines(sh, o, spec.Lines); err != nil {
		return nil, err
	}
	if spec.Shipping != "" {
		ship, err := parseMoney(spec.Shipping, sh.Currency)
		if err != nil {
			return nil, err
		}
		o.Shipping, o.ShippingID = ship, s.id()
	}
	return o, nil
}

// addLines adds the order's product lines; call with mu held.
func (s *Sandbox) addLines(sh *Shop, o *order, lines []Line) error {
	for _, l := range lines {
		ol := &orderLine{ID: s.id(), ProductID: l.ProductID, VariantID: l.VariantID,
			Title: l.Title, SKU: l.SKU, Price: l.PriceMinor, Qty: l.Quantity}
		if p := sh.product(l.ProductID); p != nil {
			ol.Title, ol.SKU = cmp.Or(ol.Title, p.Title), cmp.Or(ol.SKU, p.SKU)
			ol.VariantID, ol.GiftCard = cmp.Or(ol.VariantID, p.VariantID), p.GiftCard
			if l.Price == "" && l.PriceMinor == 0 {
				ol.Price = p.Price
			}
		}
		if l.Price != "" {
			var err error
			if ol.Price, err = parseMoney(l.Price, o.Currency); err != nil {
				return err
			}
		}
		if ol.Price < 0 || l.Quantity <= 0 {
			return fmt.Errorf("sandbox: line %q needs a price of zero or more and a positive quantity", l.Title)
		}
		ol.Title = cmp.Or(ol.Title, "Sandbox product")
		ol.ProductID, ol.VariantID = cmp.Or(ol.ProductID, s.id()), cmp.Or(ol.VariantID, s.id())
		o.Lines = append(o.Lines, ol)
	}
	return nil
}

func (o *order) setPresentment(currency, rate string) error {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" || currency == o.Currency {
		return nil
	}
	r, err := parseDecimal(rate, 6)
	if err != nil || r <= 0 {
		return fmt.Errorf("sandbox: paying in %s needs an ExchangeRate: %v", currency, err)
	}
	o.Presentment = currency
	o.rateNum = r * pow10(exponent(currency))
	o.rateDen = pow10(6) * pow10(exponent(o.Currency))
	return nil
}

// presentment converts shop-currency minor units to the customer's.
func (o *order) presentment(v int64) int64 {
	return currency.MulDiv(v, o.rateNum, o.rateDen)
}

// customerID gives each email of a shop a stable customer id; call with mu
// held.
func (s *Sandbox) customerID(sh *Shop, email string) int64 {
	if id := sh.addedCustomerID(email); id != 0 {
		return id
	}
	for _, o := range sh.orders {
		if strings.EqualFold(o.Email, email) {
			return o.CustomerID
		}
	}
	return s.id()
}

// checkCodes finds each code's discount and refuses what checkout would.
func (s *Sandbox) checkCodes(sh *Shop, codes []string, email string) ([]*discount, error) {
	var out []*discount
	for _, c := range codes {
		d := sh.byCode[strings.ToUpper(strings.TrimSpace(c))]
		switch {
		case d == nil:
			return nil, fmt.Errorf("%w: %q does not exist", ErrCodeRejected, c)
		case d.Status(s.now()) != "ACTIVE":
			return nil, fmt.Errorf("%w: %q is %s", ErrCodeRejected, c, strings.ToLower(d.Status(s.now())))
		case d.UsageLimit > 0 && d.usage() >= d.UsageLimit:
			return nil, fmt.Errorf("%w: %q has reached its usage limit", ErrCodeRejected, c)
		case d.OncePerCustomer && d.customers[strings.ToLower(email)]:
			return nil, fmt.Errorf("%w: %q was already used by %s", ErrCodeRejected, c, email)
		}
		for _, prev := range out {
			if prev == d {
				return nil, fmt.Errorf("%w: %q is applied twice", ErrCodeRejected, c)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func codeIndex(d *discount, typed []string) int {
	for i, c := range d.Codes {
		for _, t := range typed {
			if strings.EqualFold(strings.TrimSpace(t), c.Code) {
				return i
			}
		}
	}
	return 0
}

// Order returns the payload Shopify would send for an order now, decoded.
func (s *Sandbox) Order(shop string, id int64) (OrderPayload, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return OrderPayload{}, err
	}
	o, ok := sh.orders[id]
	if !ok {
		return OrderPayload{}, fmt.Errorf("%w: order %d", ErrNotFound, id)
	}
	return *orderPayload(sh, o), nil
}

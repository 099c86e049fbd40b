package sandbox

import (
	"encoding/json"
	"strings"

	"codecredit/platforms/currency"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// The REST API v3 order and refund, as the docs show them.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
// https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties
// (current: https://developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/,
// whose refund lists line_items, tax_lines, shipping_lines and fee_lines)

type addressJSON struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Company   string `json:"company"`
	Address1  string `json:"address_1"`
	Address2  string `json:"address_2"`
	City      string `json:"city"`
	State     string `json:"state"`
	Postcode  string `json:"postcode"`
	Country   string `json:"country"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

type taxJSON struct {
	ID       int64  `json:"id"`
	Total    string `json:"total"`
	Subtotal string `json:"subtotal"`
}

type metaJSON struct {
	ID    int64  `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

type lineJSON struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	ProductID   int64       `json:"product_id"`
	VariationID int64       `json:"variation_id"`
	Quantity    int         `json:"quantity"`
	TaxClass    string      `json:"tax_class"`
	Subtotal    string      `json:"subtotal"`
	SubtotalTax string      `json:"subtotal_tax"`
	Total       string      `json:"total"`
	TotalTax    string      `json:"total_tax"`
	Taxes       []taxJSON   `json:"taxes"`
	MetaData    []metaJSON  `json:"meta_data"`
	SKU         string      `json:"sku"`
	Price       json.Number `json:"price"`
}

type shippingJSON struct {
	ID          int64     `json:"id"`
	MethodTitle string    `json:"method_title"`
	MethodID    string    `json:"method_id"`
	Total       string    `json:"total"`
	TotalTax    string    `json:"total_tax"`
	Taxes       []taxJSON `json:"taxes"`
	MetaData    []any     `json:"meta_data"`
}

type couponLineJSON struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Discount    string `json:"discount"`
	DiscountTax string `json:"discount_tax"`
	MetaData    []any  `json:"meta_data"`
}

type refundEntryJSON struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
	Total  string `json:"total"`
}

type orderJSON struct {
	ID               int64             `json:"id"`
	ParentID         int64             `json:"parent_id"`
	Number           string            `json:"number"`
	OrderKey         string            `json:"order_key"`
	CreatedVia       string            `json:"created_via"`
	Version          string            `json:"version"`
	Status           string            `json:"status"`
	Currency         string            `json:"currency"`
	DateCreated      string            `json:"date_created"`
	DateCreatedGMT   string            `json:"date_created_gmt"`
	DateModified     string            `json:"date_modified"`
	DateModifiedGMT  string            `json:"date_modified_gmt"`
	DiscountTotal    string            `json:"discount_total"`
	DiscountTax      string            `json:"discount_tax"`
	ShippingTotal    string            `json:"shipping_total"`
	ShippingTax      string            `json:"shipping_tax"`
	CartTax          string            `json:"cart_tax"`
	Total            string            `json:"total"`
	TotalTax         string            `json:"total_tax"`
	PricesIncludeTax bool              `json:"prices_include_tax"`
	CustomerID       int64             `json:"customer_id"`
	CustomerNote     string            `json:"customer_note"`
	Billing          addressJSON       `json:"billing"`
	Shipping         addressJSON       `json:"shipping"`
	PaymentMethod    string            `json:"payment_method"`
	PaymentTitle     string            `json:"payment_method_title"`
	TransactionID    string            `json:"transaction_id"`
	DatePaid         *string           `json:"date_paid"`
	DatePaidGMT      *string           `json:"date_paid_gmt"`
	DateCompleted    *string           `json:"date_completed"`
	DateCompletedGMT *string           `json:"date_completed_gmt"`
	CartHash         string            `json:"cart_hash"`
	MetaData         []any             `json:"meta_data"`
	LineItems        []lineJSON        `json:"line_items"`
	TaxLines         []any             `json:"tax_lines"`
	ShippingLines    []shippingJSON    `json:"shipping_lines"`
	FeeLines         []any             `json:"fee_lines"`
	CouponLines      []couponLineJSON  `json:"coupon_lines"`
	Refunds          []refundEntryJSON `json:"refunds"`
}

type refundJSON struct {
	ID              int64          `json:"id"`
	DateCreated     string         `json:"date_created"`
	DateCreatedGMT  string         `json:"date_created_gmt"`
	Amount          string         `json:"amount"`
	Reason          string         `json:"reason"`
	RefundedBy      int64          `json:"refunded_by"`
	RefundedPayment bool           `json:"refunded_payment"`
	MetaData        []any          `json:"meta_data"`
	LineItems       []lineJSON     `json:"line_items"`
	TaxLines        []any          `json:"tax_lines"`
	ShippingLines   []shippingJSON `json:"shipping_lines"`
	FeeLines        []any          `json:"fee_lines"`
}

func (o *Order) json() orderJSON {
	c := o.Currency
	items, itemsTax, discount, discountTax := o.sums()
	first, last := splitName(o.Email)
	out := orderJSON{ID: o.ID, Number: idString(o.ID), OrderKey: "wc_order_" + idString(o.ID*7919),
		CreatedVia: "checkout", Version: "8.5.0", Status: o.Status, Currency: c,
		DateCreated: gmt(o.Created), DateCreatedGMT: gmt(o.Created), DateModified: gmt(o.Modified),
		DateModifiedGMT: gmt(o.Modified), DiscountTotal: money(discount, c), DiscountTax: money(discountTax, c),
		PricesIncludeTax: o.TaxesIncluded,
		ShippingTotal:    money(o.Shipping, c), ShippingTax: money(o.ShippingTax, c), CartTax: money(itemsTax, c),
		Total: money(items+itemsTax+o.Shipping+o.ShippingTax, c), TotalTax: money(itemsTax+o.ShippingTax, c),
		Billing:       addressJSON{FirstName: first, LastName: last, Address1: "969 Market", City: "San Francisco", State: "CA", Postcode: "94103", Country: "US", Email: o.Email, Phone: "(555) 555-5555"},
		Shipping:      addressJSON{FirstName: first, LastName: last, Address1: "969 Market", City: "San Francisco", State: "CA", Postcode: "94103", Country: "US"},
		PaymentMethod: "bacs", PaymentTitle: "Direct Bank Transfer", DatePaid: gmtPtr(o.Paid), DatePaidGMT: gmtPtr(o.Paid),
		MetaData: []any{}, TaxLines: []any{}, FeeLines: []any{}, LineItems: []lineJSON{}, CouponLines: []couponLineJSON{},
		Refunds: []refundEntryJSON{},
		ShippingLines: []shippingJSON{{ID: o.ID*10 + 9, MethodTitle: "Flat rate", MethodID: "flat_rate",
			Total: money(o.Shipping, c), TotalTax: money(o.ShippingTax, c), Taxes: []taxJSON{}, MetaData: []any{}}},
	}
	for _, l := range o.Lines {
		out.LineItems = append(out.LineItems, l.json(c, nil))
	}
	if o.SubscriptionID != 0 { // wcs_create_renewal_order
		out.CreatedVia = "subscription"
		out.MetaData = append(out.MetaData, metaJSON{ID: o.ID*10 + 1, Key: "_subscription_renewal", Value: idString(o.SubscriptionID)})
	}
	for _, cl := range o.Coupons {
		out.CouponLines = append(out.CouponLines, couponLineJSON{ID: cl.ID, Code: cl.Code,
			Discount: money(cl.Discount, c), DiscountTax: money(cl.DiscountTax, c), MetaData: []any{}})
	}
	for _, r := range o.Refunds {
		out.Refunds = append(out.Refunds, refundEntryJSON{ID: r.ID, Reason: r.Reason, Total: money(-r.Amount, c)})
	}
	return out
}

func (l lineItem) json(currency string, refundOf *int64) lineJSON {
	out := lineJSON{ID: l.ID, Name: l.Name, ProductID: l.ProductID, VariationID: l.VariationID, Quantity: l.Quantity,
		Subtotal: money(l.Subtotal, currency), SubtotalTax: money(l.SubtotalTax, currency),
		Total: money(l.Total, currency), TotalTax: money(l.TaxAmt, currency), MetaData: []metaJSON{},
		Taxes: []taxJSON{{ID: 1, Total: money(l.TaxAmt, currency), Subtotal: money(l.SubtotalTax, currency)}},
		SKU:   l.SKU, Price: price(l.Total, l.Quantity, currency)}
	if refundOf != nil {
		out.MetaData = append(out.MetaData, metaJSON{ID: l.ID + 1, Key: "_refunded_item_id", Value: idString(*refundOf)})
	}
	return out
}

func (r *RefundRecord) json(currency string) refundJSON {
	out := refundJSON{ID: r.ID, DateCreated: gmt(r.Created), DateCreatedGMT: gmt(r.Created),
		Amount: money(r.Amount, currency), Reason: r.Reason, RefundedBy: 1, MetaData: []any{}, LineItems: []lineJSON{},
		TaxLines: []any{}, ShippingLines: []shippingJSON{}, FeeLines: []any{}}
	for i, l := range r.Lines {
		out.LineItems = append(out.LineItems, l.json(currency, &r.refundOf[i]))
	}
	if r.Shipping != 0 || r.ShippingTax != 0 {
		out.ShippingLines = append(out.ShippingLines, shippingJSON{ID: r.ID*10 + 9, MethodTitle: "Flat rate",
			MethodID: "flat_rate", Total: money(-r.Shipping, currency), TotalTax: money(-r.ShippingTax, currency),
			Taxes: []taxJSON{}, MetaData: []any{}})
	}
	return out
}

// price is a line's price as the API gives it: a JSON number, total ÷
// |quantity| (after discounts, without tax; negative on a refund), with
// the digits a PHP float shows past the currency's (up to 8 more here).
func price(total int64, qty int, code string) json.Number {
	if qty == 0 {
		return "0"
	}
	scale := wcmoney.Exponent(code) + 8
	s := wcmoney.FormatScaled(currency.MulDiv(total, pow10(8), abs(int64(qty))), scale)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return json.Number(s)
}

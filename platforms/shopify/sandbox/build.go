package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"codecredit/platforms/currency"
)

// moneySet renders a shop-currency amount with its presentment amount.
func (o *order) moneySet(v int64) MoneySet {
	return MoneySet{
		ShopMoney:        Money{Amount: money(v, o.Currency), CurrencyCode: o.Currency},
		PresentmentMoney: Money{Amount: money(o.presentment(v), o.Presentment), CurrencyCode: o.Presentment},
	}
}

// shortDecimal renders v / 10^scale with trailing zeros trimmed but at
// least one decimal: 1500 bp at scale 2 → "15.0".
func shortDecimal(v int64, scale int) string {
	s := formatScaled(v, scale)
	if !strings.Contains(s, ".") {
		return s + ".0" // zero-decimal currencies: 500 yen is "500.0"
	}
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// totals of an order, in shop minor units.
type totals struct {
	lines, lineDiscounts, shipDiscount, tax, subtotal, price        int64
	refundedSubtotal, refundedTax, refundedDiscounts, refundedMoney int64
}

func (o *order) totals() totals {
	var t totals
	for _, l := range o.Lines {
		t.lines += l.total()
		t.lineDiscounts += l.discount()
		t.tax += l.Tax
		t.refundedDiscounts += currency.MulDiv(l.discount(), int64(l.Refunded), int64(l.Qty))
	}
	t.shipDiscount = o.shippingDiscount()
	t.subtotal = t.lines - t.lineDiscounts
	t.price = t.subtotal + o.Shipping - t.shipDiscount + t.tax
	for _, r := range o.Refunds {
		for _, rl := range r.Lines {
			t.refundedSubtotal += rl.Subtotal
			t.refundedTax += rl.Tax
		}
		t.refundedMoney += r.amount()
	}
	return t
}

func orderPayload(sh *Shop, o *order) *OrderPayload {
	t := o.totals()
	p := &OrderPayload{
		ID: o.ID, AdminGraphqlAPIID: gid("Order", o.ID), BuyerAcceptsMarketing: false,
		ConfirmationNumber: strings.ToUpper(o.Token[:9]), Confirmed: true, ContactEmail: o.Email,
		CreatedAt: timestamp(o.CreatedAt), Currency: o.Currency, CustomerLocale: "en",
		Email: o.Email, FinancialStatus: "paid", Name: fmt.Sprintf("#%d", o.Number),
		Number: o.Number - 1000, OrderNumber: o.Number,
		OrderStatusURL:      fmt.Sprintf("https://%s/%d/orders/%s/authenticate?key=%s", sh.Domain, sh.ID, o.Token, o.Token[:16]),
		PaymentGatewayNames: []string{"bogus"}, PresentmentCurrency: o.Presentment,
		ProcessedAt: timestamp(o.CreatedAt), SourceName: cmp.Or(o.Source, "web"), Tags: "", Test: o.Test, Token: o.Token,
		TotalOutstanding: money(0, o.Currency), TotalTipReceived: money(0, o.Currency),
		UpdatedAt: timestamp(o.UpdatedAt), TaxLines: []TaxLine{}, Refunds: []RefundPayload{},
		DiscountCodes: []DiscountCodeUsed{}, DiscountApplications: []DiscountApplication{},
		ShippingLines: []ShippingLine{},
	}
	p.setTotals(o, t)
	p.Customer = &Customer{ID: o.CustomerID, Email: o.Email, CreatedAt: timestamp(o.CreatedAt),
		UpdatedAt: timestamp(o.UpdatedAt), FirstName: o.First, LastName: o.Last, State: "disabled",
		VerifiedEmail: true, Currency: o.Currency, AdminGraphqlAPIID: gid("Customer", o.CustomerID)}
	if o.TaxRate > 0 {
		p.TaxLines = append(p.TaxLines, o.taxLine(t.tax))
	}
	for i, a := range o.Apps {
		p.DiscountApplications = append(p.DiscountApplications, a.payload())
		p.DiscountCodes = append(p.DiscountCodes, DiscountCodeUsed{Code: a.Code,
			Amount: money(o.appAmount(i), o.Currency), Type: a.codeType()})
	}
	for _, l := range o.Lines {
		p.LineItems = append(p.LineItems, o.lineItem(l))
	}
	if o.ShippingID != 0 {
		p.ShippingLines = append(p.ShippingLines, o.shippingLine())
	}
	for _, r := range o.Refunds {
		p.Refunds = append(p.Refunds, *o.refundPayload(r))
	}
	if !o.CancelledAt.IsZero() {
		at, reason := timestamp(o.CancelledAt), "customer"
		p.CancelledAt, p.CancelReason = &at, &reason
	}
	return p
}

func (p *OrderPayload) setTotals(o *order, t totals) {
	set := func(s *string, ms *MoneySet, v int64) { *s, *ms = money(v, o.Currency), o.moneySet(v) }
	set(&p.SubtotalPrice, &p.SubtotalPriceSet, t.subtotal)
	set(&p.TotalDiscounts, &p.TotalDiscountsSet, t.lineDiscounts+t.shipDiscount)
	set(&p.TotalLineItemsPrice, &p.TotalLineItemsPriceSet, t.lines)
	set(&p.TotalPrice, &p.TotalPriceSet, t.price)
	set(&p.TotalTax, &p.TotalTaxSet, t.tax)
	p.TotalShippingPriceSet = o.moneySet(o.Shipping - t.shipDiscount)
	set(&p.CurrentSubtotalPrice, &p.CurrentSubtotalPriceSet, t.subtotal-t.refundedSubtotal)
	set(&p.CurrentTotalDiscounts, &p.CurrentTotalDiscountsSet, t.lineDiscounts+t.shipDiscount-t.refundedDiscounts)
	set(&p.CurrentTotalPrice, &p.CurrentTotalPriceSet, t.price-t.refundedMoney)
	set(&p.CurrentTotalTax, &p.CurrentTotalTaxSet, t.tax-t.refundedTax)
	switch {
	case t.refundedMoney > 0 && t.refundedMoney >= t.price:
		p.FinancialStatus = "refunded"
	case t.refundedMoney > 0:
		p.FinancialStatus = "partially_refunded"
	}
}

func (o *order) taxLine(v int64) TaxLine {
	return TaxLine{Price: money(v, o.Currency), Rate: json.Number(strings.TrimSuffix(shortDecimal(o.TaxRate, 4), ".0")),
		Title: "Sandbox Tax", PriceSet: o.moneySet(v)}
}

func (o *order) lineItem(l *orderLine) LineItem {
	li := LineItem{ID: l.ID, AdminGraphqlAPIID: gid("LineItem", l.ID), CurrentQuantity: l.Qty - l.Refunded,
		FulfillableQuantity: l.Qty - l.Refunded, FulfillmentService: "manual", Grams: 200,
		Name: l.Title, Price: money(l.Price, o.Currency), PriceSet: o.moneySet(l.Price), ProductExists: true,
		ProductID: l.ProductID, Quantity: l.Qty, RequiresShipping: true, SKU: l.SKU, Taxable: true,
		Title: l.Title, TotalDiscount: money(0, o.Currency), TotalDiscountSet: o.moneySet(0),
		VariantID: l.VariantID, TaxLines: []TaxLine{}, DiscountAllocations: []DiscountAllocation{}}
	if l.GiftCard {
		li.GiftCard, li.Taxable, li.RequiresShipping, li.FulfillmentService = true, false, false, "gift_card"
	}
	if o.TaxRate > 0 && !l.GiftCard {
		li.TaxLines = append(li.TaxLines, o.taxLine(l.Tax))
	}
	li.DiscountAllocations = o.allocations(l.Allocs)
	return li
}

func (o *order) allocations(as []allocation) []DiscountAllocation {
	out := []DiscountAllocation{}
	for _, a := range as {
		out = append(out, DiscountAllocation{Amount: money(a.Amount, o.Currency),
			AmountSet: o.moneySet(a.Amount), DiscountApplicationIndex: a.Index})
	}
	return out
}

func (o *order) shippingLine() ShippingLine {
	after := o.Shipping - o.shippingDiscount()
	return ShippingLine{ID: o.ShippingID, Code: "Standard", Title: "Standard",
		Price: money(o.Shipping, o.Currency), PriceSet: o.moneySet(o.Shipping),
		DiscountedPrice: money(after, o.Currency), DiscountedPriceSet: o.moneySet(after),
		Source: "shopify", TaxLines: []TaxLine{}, DiscountAllocations: o.allocations(o.ShipAllocs)}
}

func (a application) payload() DiscountApplication {
	p := DiscountApplication{TargetType: "line_item", Type: "discount_code", Code: a.Code,
		AllocationMethod: "across", TargetSelection: "all", ValueType: "percentage"}
	switch a.Kind {
	case KindPercentage:
		p.Value = a.Display
	case KindFixedAmount:
		p.Value, p.ValueType = a.Display, "fixed_amount"
	case KindFreeShipping:
		p.TargetType, p.Value, p.AllocationMethod = "shipping_line", "100.0", "each"
	case KindBxgy:
		p.Value, p.AllocationMethod, p.TargetSelection = "100.0", "each", "entitled"
	}
	return p
}

func (a application) codeType() string {
	switch a.Kind {
	case KindFixedAmount:
		return "fixed_amount"
	case KindFreeShipping:
		return "shipping"
	}
	return "percentage"
}

func shopPayload(sh *Shop) ShopPayload {
	return ShopPayload{ID: sh.ID, Name: sh.Name, Email: sh.Email, Domain: sh.Domain,
		MyshopifyDomain: sh.Domain, Currency: sh.Currency, PlanName: strings.ToLower(sh.Plan),
		PlanDisplayName: sh.Plan, IanaTimezone: "Etc/UTC", MoneyFormat: "{{amount}} " + sh.Currency,
		CreatedAt: "2024-01-01T00:00:00+00:00", UpdatedAt: "2024-01-01T00:00:00+00:00"}
}

package sandbox

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func allocationsOf(li LineItem) []string {
	var out []string
	for _, a := range li.DiscountAllocations {
		out = append(out, a.Amount)
	}
	return out
}

// Checkout applies codes the way Shopify does, and the order's totals hold
// together: subtotal = lines − line discounts, total = subtotal + shipping
// after discounts + tax.
func TestPlaceOrderAllocations(t *testing.T) {
	tests := []struct {
		name      string
		currency  string
		discount  DiscountSpec
		spec      OrderSpec
		subtotal  string
		discounts string
		total     string
		allocs    [][]string
	}{
		{"percentage per line", "USD", DiscountSpec{Kind: KindPercentage, Value: 1500},
			OrderSpec{Lines: []Line{{Price: "19.99", Quantity: 2}, {Price: "5.00", Quantity: 1}}},
			"38.23", "6.75", "38.23", [][]string{{"6.00"}, {"0.75"}}},
		{"fixed amount split by price", "USD", DiscountSpec{Kind: KindFixedAmount, Value: 1000},
			OrderSpec{Lines: []Line{{Price: "30.00", Quantity: 1}, {Price: "10.00", Quantity: 1}}},
			"30.00", "10.00", "30.00", [][]string{{"7.50"}, {"2.50"}}},
		{"fixed amount leftover cent", "USD", DiscountSpec{Kind: KindFixedAmount, Value: 1000},
			OrderSpec{Lines: []Line{{Price: "10.00", Quantity: 1}, {Price: "10.00", Quantity: 1}, {Price: "10.00", Quantity: 1}}},
			"20.00", "10.00", "20.00", [][]string{{"3.34"}, {"3.33"}, {"3.33"}}},
		{"fixed amount above the order", "USD", DiscountSpec{Kind: KindFixedAmount, Value: 5000},
			OrderSpec{Lines: []Line{{Price: "20.00", Quantity: 1}}, Shipping: "5.00"},
			"0.00", "20.00", "5.00", [][]string{{"20.00"}}},
		{"free shipping", "USD", DiscountSpec{Kind: KindFreeShipping},
			OrderSpec{Lines: []Line{{Price: "20.00", Quantity: 1}}, Shipping: "4.99"},
			"20.00", "4.99", "20.00", [][]string{nil}},
		{"buy one get one", "USD", DiscountSpec{Kind: KindBxgy},
			OrderSpec{Lines: []Line{{Price: "12.00", Quantity: 2}, {Price: "8.00", Quantity: 1}}},
			"24.00", "8.00", "24.00", [][]string{nil, {"8.00"}}},
		{"tax and shipping on top", "USD", DiscountSpec{Kind: KindPercentage, Value: 1000},
			OrderSpec{Lines: []Line{{Price: "50.00", Quantity: 1}}, Shipping: "5.00", TaxRate: 800},
			"45.00", "5.00", "53.60", [][]string{{"5.00"}}},
		{"yen has no decimals", "JPY", DiscountSpec{Kind: KindPercentage, Value: 1000},
			OrderSpec{Lines: []Line{{Price: "1999", Quantity: 1}}},
			"1799", "200", "1799", [][]string{{"200"}}},
		{"dinar has three", "KWD", DiscountSpec{Kind: KindFixedAmount, Value: 1000},
			OrderSpec{Lines: []Line{{Price: "12.345", Quantity: 1}}},
			"11.345", "1.000", "11.345", [][]string{{"1.000"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			shop := e.sb.AddShop("shop-"+tt.currency, tt.currency).Domain
			tt.discount.Title, tt.discount.Codes = tt.name, []string{"CODE"}
			if _, err := e.sb.CreateDiscount(shop, tt.discount); err != nil {
				t.Fatal(err)
			}
			tt.spec.Codes = []string{"code"}
			id, err := e.sb.PlaceOrder(shop, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			o, _ := e.sb.Order(shop, id)
			if o.SubtotalPrice != tt.subtotal || o.TotalDiscounts != tt.discounts || o.TotalPrice != tt.total {
				t.Errorf("subtotal %s, discounts %s, total %s; want %s, %s, %s", o.SubtotalPrice, o.TotalDiscounts, o.TotalPrice, tt.subtotal, tt.discounts, tt.total)
			}
			if len(o.DiscountCodes) != 1 || o.DiscountCodes[0].Code != "code" || o.DiscountCodes[0].Amount != tt.discounts {
				t.Errorf("discount_codes %+v: want the code as typed, for %s", o.DiscountCodes, tt.discounts)
			}
			for i, li := range o.LineItems {
				if got := allocationsOf(li); !equal(got, tt.allocs[i]) {
					t.Errorf("line %d allocations %v, want %v", i, got, tt.allocs[i])
				}
			}
			if o.Currency != tt.currency || o.SubtotalPriceSet.ShopMoney.Amount != tt.subtotal {
				t.Errorf("currency %s, subtotal set %+v", o.Currency, o.SubtotalPriceSet)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A customer paying in another currency: the shop-currency amounts stay
// what the shop charges, the presentment amounts are converted.
func TestPresentmentCurrency(t *testing.T) {
	e := newEnv(t, nil)
	id, err := e.sb.PlaceOrder(testShop, OrderSpec{Currency: "EUR", ExchangeRate: "0.9",
		Lines: []Line{{Price: "10.00", Quantity: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := e.sb.Order(testShop, id)
	if o.Currency != "USD" || o.PresentmentCurrency != "EUR" || o.SubtotalPrice != "30.00" ||
		o.SubtotalPriceSet.PresentmentMoney != (Money{"27.00", "EUR"}) {
		t.Errorf("order %s %s %s %+v", o.Currency, o.PresentmentCurrency, o.SubtotalPrice, o.SubtotalPriceSet)
	}
	if _, err := e.sb.PlaceOrder(testShop, OrderSpec{Currency: "EUR", Lines: []Line{{Price: "1", Quantity: 1}}}); err == nil {
		t.Error("another currency without a rate was accepted")
	}
}

// Checkout refuses codes it would refuse in Shopify.
func TestCheckoutRefusesCodes(t *testing.T) {
	e := newEnv(t, nil)
	now := e.clock.Now()
	for _, d := range []DiscountSpec{
		{Title: "ended", Codes: []string{"ENDED"}, Kind: KindPercentage, Value: 1000, StartsAt: now.Add(-48 * time.Hour), EndsAt: now.Add(-time.Hour)},
		{Title: "later", Codes: []string{"LATER"}, Kind: KindPercentage, Value: 1000, StartsAt: now.Add(time.Hour)},
		{Title: "once", Codes: []string{"ONCE"}, Kind: KindPercentage, Value: 1000, OncePerCustomer: true},
		{Title: "limited", Codes: []string{"ONE"}, Kind: KindPercentage, Value: 1000, UsageLimit: 1},
	} {
		if _, err := e.sb.CreateDiscount(testShop, d); err != nil {
			t.Fatal(err)
		}
	}
	line := []Line{{Price: "10.00", Quantity: 1}}
	for _, c := range []string{"ONCE", "ONE"} {
		if _, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{c}, Email: "a@example.com", Lines: line}); err != nil {
			t.Fatalf("first use of %s: %v", c, err)
		}
	}
	tests := []struct{ code, email string }{
		{"NOPE", "a@example.com"}, {"ENDED", "a@example.com"}, {"LATER", "a@example.com"},
		{"ONCE", "A@example.com"}, {"ONE", "b@example.com"},
	}
	for _, tt := range tests {
		if _, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{tt.code}, Email: tt.email, Lines: line}); !errors.Is(err, ErrCodeRejected) {
			t.Errorf("%s for %s: %v, want ErrCodeRejected", tt.code, tt.email, err)
		}
	}
	if _, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{"ONCE"}, Email: "b@example.com", Lines: line}); err != nil {
		t.Errorf("once per customer refused another customer: %v", err)
	}
}

// Partial refunds give back each unit's share of the line after discounts;
// the shares of all refunds add up to the line exactly, and cancelling
// refunds what is left.
func TestRefundsAndCancel(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.sb.CreateDiscount(testShop, DiscountSpec{Title: "t", Codes: []string{"T"}, Kind: KindFixedAmount, Value: 2000}); err != nil {
		t.Fatal(err)
	}
	id, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{"T"}, Shipping: "4.00", TaxRate: 1000,
		Lines: []Line{{Title: "Cup", Price: "10.00", Quantity: 3}, {Title: "Pot", Price: "10.00", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := e.sb.Order(testShop, id)
	line := o.LineItems[0].ID // 30.00 − 15.00 of the 20.00 off = 15.00 for 3 cups
	var subtotals []string
	for range 2 {
		rid, err := e.sb.Refund(testShop, id, RefundSpec{Lines: []RefundLine{{LineItemID: line, Quantity: 1}}})
		if err != nil || rid == 0 {
			t.Fatal(err)
		}
		o, _ = e.sb.Order(testShop, id)
		subtotals = append(subtotals, string(o.Refunds[len(o.Refunds)-1].RefundLineItems[0].Subtotal))
	}
	if !equal(subtotals, []string{"5.00", "5.00"}) || o.FinancialStatus != "partially_refunded" || o.CurrentSubtotalPrice != "10.00" {
		t.Errorf("refund subtotals %v, status %s, current subtotal %s", subtotals, o.FinancialStatus, o.CurrentSubtotalPrice)
	}
	if _, err := e.sb.Refund(testShop, id, RefundSpec{Lines: []RefundLine{{LineItemID: line, Quantity: 2}}}); err == nil {
		t.Error("refunded more cups than are left")
	}
	if err := e.sb.Cancel(testShop, id); err != nil {
		t.Fatal(err)
	}
	o, _ = e.sb.Order(testShop, id)
	last := o.Refunds[len(o.Refunds)-1]
	var sum int64
	for _, r := range o.Refunds {
		for _, rl := range r.RefundLineItems {
			v, _ := parseMoney(string(rl.Subtotal), "USD")
			sum += v
		}
	}
	if o.CancelledAt == nil || o.FinancialStatus != "refunded" || o.CurrentSubtotalPrice != "0.00" || sum != 2000 || len(last.OrderAdjustments) != 1 || last.OrderAdjustments[0].Amount != "-4.00" {
		t.Errorf("cancelled order: cancelled_at %v, status %s, current subtotal %s, refunded subtotals %d, adjustments %+v",
			o.CancelledAt, o.FinancialStatus, o.CurrentSubtotalPrice, sum, last.OrderAdjustments)
	}
	if err := e.sb.Cancel(testShop, id); err == nil {
		t.Error("an order was cancelled twice")
	}
}

// share splits a line's amount over its units so that every refund of one
// unit gets its rounded share and the shares sum to the whole.
func TestShareSumsToWhole(t *testing.T) {
	for whole := int64(0); whole < 500; whole += 7 {
		for n := 1; n <= 7; n++ {
			var sum int64
			for done := 0; done < n; done++ {
				sum += share(whole, done, 1, n)
			}
			if sum != whole {
				t.Fatalf("share(%d over %d units) sums to %d", whole, n, sum)
			}
		}
	}
}

func TestMoneyParsing(t *testing.T) {
	tests := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"12.50", "USD", 1250, true}, {"12.5", "USD", 1250, true}, {"0.01", "USD", 1, true},
		{"1999", "JPY", 1999, true}, {"12.345", "KWD", 12345, true}, {"-4.00", "USD", -400, true},
		{"12.345", "USD", 0, false}, {"1.5", "JPY", 0, false}, {"abc", "USD", 0, false}, {"1e3", "USD", 0, false},
	}
	for _, tt := range tests {
		got, err := parseMoney(tt.in, tt.cur)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v", tt.in, tt.cur, got, err)
		}
		if tt.ok && money(got, tt.cur) != formatScaled(got, exponent(tt.cur)) {
			t.Errorf("money(%d) = %s", got, money(got, tt.cur))
		}
	}
	if s := strconv.Quote(money(5, "KWD")); s != `"0.005"` {
		t.Errorf("money(5 fils) = %s", s)
	}
}

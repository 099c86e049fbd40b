package sandbox

import (
	"fmt"
	"strconv"
	"strings"

	"codecredit/platforms/currency"
)

// price fills in a transaction's items and calculated details (per line:
// subtotal, discount, tax on the discounted amount, total) and returns the
// lines' money. Fees are 5% + 50 of the total, as a stand-in for Paddle's.
//
// As Paddle does, a price that includes tax has the tax taken out of its
// subtotal (10.00 with 10% tax is 9.09), the unit's and the line's each
// rounded on their own, and out of a flat discount; a percentage is of
// the subtotal, so before tax already. Totals are before tax either way.
func (s *Server) price(t *Transaction, items []Item, d *Discount) []*line {
	subs := make([]int64, len(items))
	for i, it := range items {
		subs[i] = s.pretax(it, it.UnitPrice*int64(max(it.Quantity, 1)))
	}
	discs := discountLines(d, items, subs)
	for i, it := range items {
		if d != nil && d.Type != "percentage" {
			discs[i] = s.pretax(it, discs[i])
		}
	}
	rate := taxRate(s.opts.TaxRate)
	var tot Totals
	var sum [4]int64
	lines := make([]*line, len(items))
	for i, it := range items {
		qty := int64(max(it.Quantity, 1))
		net := subs[i] - discs[i]
		tax := currency.MulDivHalfUp(net, s.opts.TaxRate, 10000)
		price := s.priceOf(it, t.CurrencyCode)
		li := LineItem{ID: newID("txnitm"), PriceID: price.ID, Quantity: int(qty), TaxRate: rate,
			UnitTotals: totals(s.pretax(it, it.UnitPrice), discs[i]/qty, tax/qty), Totals: totals(subs[i], discs[i], tax),
			Product: Product{ID: price.ProductID, Name: it.Name, Type: "standard", TaxCategory: "standard",
				Status: "active", CreatedAt: price.CreatedAt, UpdatedAt: price.UpdatedAt}}
		t.Items = append(t.Items, TransactionItem{Price: price, Quantity: int(qty)})
		t.Details.LineItems = append(t.Details.LineItems, li)
		lines[i] = &line{id: li.ID, net: net, tax: tax}
		sum[0], sum[1], sum[2] = sum[0]+subs[i], sum[1]+discs[i], sum[2]+tax
	}
	sum[3] = sum[0] - sum[1] + sum[2]
	tot = totals(sum[0], sum[1], sum[2])
	fee := min(currency.MulDivHalfUp(sum[3], 500, 10000)+50, sum[3])
	tt := TransactionTotals{Subtotal: tot.Subtotal, Discount: tot.Discount, Tax: tot.Tax, Total: tot.Total,
		Credit: "0", CreditToBalance: "0", Balance: "0", GrandTotal: tot.Total, Fee: itoa(fee),
		Earnings: itoa(sum[3] - sum[2] - fee), CurrencyCode: t.CurrencyCode}
	payout := tt
	payout.ExchangeRate, payout.FeeRate = "1.0", "0.05"
	t.Details.Totals, t.Details.AdjustedTotals, t.Details.PayoutTotals = tt, tt, &payout
	t.Details.TaxRatesUsed = []TaxRateUsed{{TaxRate: rate, Totals: tot}}
	return lines
}

// pretax is amount of an item before tax: less the tax it includes when
// the item's price includes tax.
func (s *Server) pretax(it Item, amount int64) int64 {
	if !it.TaxIncluded {
		return amount
	}
	return amount - currency.MulDivHalfUp(amount, s.opts.TaxRate, 10000+s.opts.TaxRate)
}

// priceOf is the catalog price an item is sold at.
func (s *Server) priceOf(it Item, currency string) Price {
	stamp := s.now()
	p := Price{ID: newID("pri"), ProductID: newID("pro"), Description: it.Name, Name: ptr(it.Name), Type: "standard",
		TaxMode: "account_setting", UnitPrice: Money{Amount: itoa(it.UnitPrice), CurrencyCode: currency},
		Overrides: []any{}, Quantity: PriceQuantity{Minimum: 1, Maximum: 999},
		Status: "active", CreatedAt: stamp, UpdatedAt: stamp}
	if it.TaxIncluded {
		p.TaxMode = "internal"
	}
	if it.Recurring {
		p.BillingCycle = monthly
	}
	return p
}

// discountLines is each line's share of the discount: a percentage of
// every line; a flat amount spread over the lines by subtotal (the last
// line takes the rounding), never more than the subtotal; a flat amount
// per seat on every line.
func discountLines(d *Discount, items []Item, subs []int64) []int64 {
	out := make([]int64, len(subs))
	if d == nil {
		return out
	}
	amount, _ := strconv.ParseInt(d.Amount, 10, 64)
	var total int64
	for _, v := range subs {
		total += v
	}
	switch d.Type {
	case "percentage":
		bps := percentBps(d.Amount)
		for i, v := range subs {
			out[i] = currency.MulDivHalfUp(v, bps, 10000)
		}
	case "flat":
		amount = min(amount, total)
		left := amount
		for i, v := range subs {
			if i == len(subs)-1 {
				out[i] = left
				break
			}
			out[i] = currency.MulDivHalfUp(amount, v, max(total, 1))
			left -= out[i]
		}
	case "flat_per_seat":
		for i, v := range subs {
			out[i] = min(amount*int64(max(items[i].Quantity, 1)), v)
		}
	}
	return out
}

// percentBps reads a percentage with up to two decimals as basis points.
func percentBps(v string) int64 {
	whole, frac, _ := strings.Cut(v, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f
}

// taxRate renders basis points as Paddle's decimal rate: 1000 → "0.1".
func taxRate(bps int64) string {
	s := fmt.Sprintf("%d.%04d", bps/10000, bps%10000)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// totals is a Totals of subtotal, discount and tax.
func totals(sub, disc, tax int64) Totals {
	return Totals{Subtotal: itoa(sub), Discount: itoa(disc), Tax: itoa(tax), Total: itoa(sub - disc + tax)}
}

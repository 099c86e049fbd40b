package stripe

import "codecredit/platforms"

// invoiceLine is the part of an Invoice Line Item
// (https://docs.stripe.com/api/invoice-line-item/object) read here. The
// product and the taxes moved in API version 2025-03-31.basil; both places
// are read.
type invoiceLine struct {
	ID          string `json:"id"`
	Amount      int64  `json:"amount"` // unit amount × quantity, before discounts, inclusive tax in it
	Quantity    *int64 `json:"quantity"`
	Description string `json:"description"`
	lineCredits
	Pricing *struct {
		PriceDetails *struct {
			Product string `json:"product"`
		} `json:"price_details"`
	} `json:"pricing"`
	Taxes []lineTax `json:"taxes"`
	// Price and TaxAmounts are where versions before basil have the
	// product and the taxes.
	Price *struct {
		Product ref `json:"product"`
	} `json:"price"`
	TaxAmounts []lineTax `json:"tax_amounts"`
}

// lineCredits are what an invoice or credit note line takes off its
// amount before tax: discount_amounts, and pretax_credit_amounts, which
// list the discounts again (type "discount") and the credit grants spent
// on the line (type "credit_balance_transaction"), which lower the total
// as a discount does.
type lineCredits struct {
	DiscountAmounts []struct {
		Amount int64 `json:"amount"`
	} `json:"discount_amounts"`
	PretaxCreditAmounts []struct {
		Amount int64  `json:"amount"`
		Type   string `json:"type"`
	} `json:"pretax_credit_amounts"`
}

// total is the line's discounts and credit grants.
func (c *lineCredits) total() int64 {
	var n int64
	for _, d := range c.DiscountAmounts {
		n += d.Amount
	}
	for _, p := range c.PretaxCreditAmounts {
		if p.Type == "credit_balance_transaction" {
			n += p.Amount
		}
	}
	return n
}

// lineTax is one tax of a line: taxes[] (tax_behavior) since basil,
// tax_amounts[] (inclusive) before it, on invoice and credit note lines.
type lineTax struct {
	Amount      int64  `json:"amount"`
	TaxBehavior string `json:"tax_behavior"`
	Inclusive   bool   `json:"inclusive"`
}

// lineList is a list of lines as an object carries it (the first page).
type lineList[T any] struct {
	Data    []T  `json:"data"`
	HasMore bool `json:"has_more"`
}

// taxOf sums a line's taxes, in either shape, and says whether they are
// inclusive (the line's amount has them in it); a line without tax is
// neither. mixed reports inclusive and exclusive taxes on the one line.
func taxOf(taxes ...[]lineTax) (tax int64, inclusive, mixed bool) {
	var in, ex bool
	for _, ts := range taxes {
		for _, t := range ts {
			tax += t.Amount
			if t.TaxBehavior == "inclusive" || t.Inclusive {
				in = true
			} else {
				ex = true
			}
		}
	}
	return tax, in, in && ex
}

// taxMode gathers whether an order's lines include their tax: the one
// behaviour of the lines that have tax, and whether they disagree.
type taxMode struct {
	inclusive, exclusive bool
}

// add counts one line's tax behaviour; ok is false when it cannot be
// told apart from the others (mixed on the line, or unlike the others).
func (m *taxMode) add(tax int64, inclusive, mixed bool) (ok bool) {
	if tax == 0 && !mixed {
		return true
	}
	if inclusive {
		m.inclusive = true
	} else {
		m.exclusive = true
	}
	return !mixed && !(m.inclusive && m.exclusive)
}

// orderLine is one line of a unit price times a quantity. Stripe gives
// the line's amount; a quantity that does not divide it (a tiered or
// volume price) is given as one unit of the whole amount, so the line's
// money stays exact.
func orderLine(id, product, title string, quantity *int64, amount, discount, tax int64) platforms.OrderLine {
	q := int64(1)
	if quantity != nil && *quantity > 0 && amount%*quantity == 0 {
		q = *quantity
	}
	return platforms.OrderLine{ID: id, ProductID: product, Title: title, Quantity: q, UnitPrice: amount / q,
		Discount: discount, Tax: tax}
}

// invoiceLines reads an invoice's goods lines into o (keepLines).
func invoiceLines(o *platforms.Order, lines lineList[invoiceLine]) bool {
	return keepLines(o, lines, func(l *invoiceLine) soldLine {
		tax, inclusive, mixed := taxOf(l.Taxes, l.TaxAmounts)
		product := ""
		if l.Pricing != nil && l.Pricing.PriceDetails != nil {
			product = l.Pricing.PriceDetails.Product
		} else if l.Price != nil {
			product = l.Price.Product.ID
		}
		return soldLine{orderLine(l.ID, product, l.Description, l.Quantity, l.Amount, l.total(), tax), inclusive, mixed}
	})
}

// soldLine is a line as read, and whether its tax is in its price (or
// some of it is: mixed).
type soldLine struct {
	platforms.OrderLine
	inclusive, mixed bool
}

// keepLines reads an object's lines into o: Lines and TaxesIncluded. The
// lines are left out (the order is credited on its Subtotal alone) when
// they cannot add up to the order: a list cut short (has_more: the object
// has more lines than the event carries), a credit line (a negative
// proration), taxes inclusive on some lines and exclusive on others, or
// sums that differ from o.Subtotal and o.Tax for any other reason; they
// must pass platforms.CheckLines. ok reports whether they were kept.
func keepLines[T any](o *platforms.Order, lines lineList[T], read func(*T) soldLine) (ok bool) {
	if lines.HasMore || len(lines.Data) == 0 {
		return false
	}
	var mode taxMode
	out := make([]platforms.OrderLine, 0, len(lines.Data))
	var tax, sum int64
	for i := range lines.Data {
		l := read(&lines.Data[i])
		if !mode.add(l.Tax, l.inclusive, l.mixed) {
			return false
		}
		out = append(out, l.OrderLine)
		tax += l.Tax
	}
	if tax != o.Tax || platforms.CheckLines(out) != nil {
		return false
	}
	for _, l := range out {
		sum += l.Net(mode.inclusive)
	}
	if sum != o.Subtotal {
		return false
	}
	o.Lines, o.TaxesIncluded = out, mode.inclusive
	return true
}

// creditNoteLine is the part of a Credit Note Line Item
// (https://docs.stripe.com/api/credit_notes/line_item) read here: amount
// is the gross credited, before discounts and exclusive tax.
type creditNoteLine struct {
	ID              string `json:"id"`
	Type            string `json:"type"` // invoice_line_item or custom_line_item
	InvoiceLineItem string `json:"invoice_line_item"`
	Quantity        *int64 `json:"quantity"`
	Amount          int64  `json:"amount"`
	lineCredits
	Taxes      []lineTax `json:"taxes"`
	TaxAmounts []lineTax `json:"tax_amounts"` // before basil
}

// refundLines itemises a credit note: one RefundLine per invoice line it
// credits (its invoice_line_item, the OrderLine's ID), with the goods'
// money after discounts and without tax. None when a line credits
// something else (a custom line), the list is cut short, or the lines do
// not add up to subtotal.
func refundLines(lines lineList[creditNoteLine], subtotal int64) []platforms.RefundLine {
	if lines.HasMore {
		return nil
	}
	var out []platforms.RefundLine
	var sum int64
	for _, l := range lines.Data {
		q := int64(0)
		if l.Quantity != nil {
			q = *l.Quantity
		}
		if l.Amount == 0 && q == 0 {
			continue
		}
		if l.Type != "invoice_line_item" || l.InvoiceLineItem == "" || q < 0 {
			return nil
		}
		net := l.Amount - l.total()
		if tax, inclusive, _ := taxOf(l.Taxes, l.TaxAmounts); inclusive {
			net -= tax
		}
		if net < 0 {
			return nil
		}
		out = append(out, platforms.RefundLine{LineID: l.InvoiceLineItem, Quantity: q, Subtotal: net})
		sum += net
	}
	if sum != subtotal {
		return nil
	}
	return out
}

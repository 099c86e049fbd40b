package models

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codecredit/platforms"
)

// Bounds on what the API accepts, checked before anything is stored; the
// engine checks what it cannot store again, for platform webhooks.
const (
	// MaxIDLength bounds, in bytes, order, refund, customer and
	// subscription ids, customer emails and the codes an order names.
	MaxIDLength = 255
	// maxKeyBytes bounds the text the engine indexes (ids, emails) for
	// platform webhooks, under PostgreSQL's limit on an index entry.
	maxKeyBytes = 1000
	// MaxLineLength bounds any other one-line text: names, searches.
	MaxLineLength = 1000
	// MaxOrderCodes is the most codes one order may name.
	MaxOrderCodes = 50
)

// Dates the API accepts for placed_at and created_at: [1970, 3000).
var (
	minEventTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxEventTime = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckText refuses text no database stores: invalid UTF-8 or a NUL.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return invalidf("%s must be valid UTF-8", field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return invalidf("%s must not contain NUL characters", field)
	}
	return nil
}

// CheckLine refuses text that is not printable UTF-8 on one line (no
// control characters: no line break, tab or NUL) or longer than max
// characters.
func CheckLine(field, s string, max int) error {
	if err := CheckText(field, s); err != nil {
		return err
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return invalidf("%s must be printable text on one line, without control characters such as line breaks, tabs or NUL", field)
	}
	if utf8.RuneCountInString(s) > max {
		return invalidf("%s must be at most %d characters", field, max)
	}
	return nil
}

// CheckID refuses an id that is not printable one-line text of at most
// MaxIDLength bytes (bytes, not characters: ids are keys of database
// indexes, whose entries are bounded in bytes).
func CheckID(field, s string) error {
	if err := CheckLine(field, s, MaxIDLength); err != nil {
		return err
	}
	if len(s) > MaxIDLength {
		return invalidf("%s must be at most %d bytes", field, MaxIDLength)
	}
	return nil
}

type field struct{ name, value string }

// checkIDs checks one-line text fields of ids, codes and emails.
func checkIDs(fields []field) error {
	for _, f := range fields {
		if err := CheckID(f.name, f.value); err != nil {
			return err
		}
	}
	return nil
}

func checkEventTime(name string, t time.Time) error {
	if !t.IsZero() && (t.Before(minEventTime) || !t.Before(maxEventTime)) {
		return invalidf("%s must be between 1970 and 2999", name)
	}
	return nil
}

// CheckOrder checks an order reported through the API before it is
// stored: whatever the engine would refuse, and printable one-line text
// of bounded length. It upper-cases the currency.
func CheckOrder(o *platforms.Order) error {
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if strings.TrimSpace(o.ExternalID) == "" {
		return invalidf("order id is required")
	}
	err := checkIDs([]field{{"id", o.ExternalID}, {"number", o.Number}, {"customer_id", o.CustomerID},
		{"customer_email", o.CustomerEmail}, {"subscription_id", o.SubscriptionID}})
	if err != nil {
		return err
	}
	if err := CheckLine("customer_name", o.CustomerName, MaxLineLength); err != nil {
		return err
	}
	if len(o.Codes) > MaxOrderCodes {
		return invalidf("an order names at most %d codes", MaxOrderCodes)
	}
	for i, c := range o.Codes {
		if err := CheckID(fmt.Sprintf("codes[%d]", i), c); err != nil {
			return err
		}
	}
	if err := checkEventTime("placed_at", o.PlacedAt); err != nil {
		return err
	}
	return validateOrder(o)
}

// validateOrder is what the engine refuses to book: an order without an
// id, a currency that is not ISO 4217, an amount outside 0..MaxAmount,
// text no database stores.
func validateOrder(o *platforms.Order) error {
	o.Currency = strings.ToUpper(o.Currency)
	if o.ExternalID == "" {
		return invalidf("order without an id")
	}
	if !ValidCurrency(o.Currency) {
		return invalidf("order %s: currency %q is not an ISO 4217 currency code (like USD, EUR or JPY)", o.ExternalID, o.Currency)
	}
	for _, a := range []struct {
		name string
		v    int64
	}{{"subtotal", o.Subtotal}, {"discount", o.Discount}, {"total", o.Total}, {"shipping", o.Shipping}, {"tax", o.Tax}} {
		if err := CheckAmount(a.name, a.v); err != nil {
			return err
		}
	}
	if err := validateLines(o); err != nil {
		return err
	}
	texts := append([]string{o.ExternalID, o.Number, o.CustomerID, o.CustomerEmail, o.CustomerName, o.SubscriptionID}, o.Codes...)
	for _, t := range texts {
		if err := CheckText("order "+o.ExternalID, t); err != nil {
			return err
		}
	}
	if len(o.ExternalID) > maxKeyBytes || len(o.CustomerEmail) > maxKeyBytes {
		return invalidf("order id or customer email longer than %d bytes", maxKeyBytes)
	}
	return nil
}

// CheckRefund checks a refund reported through the API before it is
// stored, like CheckOrder. It upper-cases the currency.
func CheckRefund(r *platforms.Refund) error {
	r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
	if strings.TrimSpace(r.ExternalID) == "" || strings.TrimSpace(r.OrderExternalID) == "" {
		return invalidf("a refund needs an id and an order_id")
	}
	err := checkIDs([]field{{"id", r.ExternalID}, {"order_id", r.OrderExternalID}})
	if err != nil {
		return err
	}
	if err := checkEventTime("created_at", r.CreatedAt); err != nil {
		return err
	}
	return validateRefund(r)
}

// validateRefund is what the engine refuses to book.
func validateRefund(r *platforms.Refund) error {
	if r.ExternalID == "" || r.OrderExternalID == "" {
		return invalidf("refund needs an id and an order id")
	}
	if err := CheckText("refund id", r.ExternalID); err != nil {
		return err
	}
	if err := CheckText("refund order_id", r.OrderExternalID); err != nil {
		return err
	}
	if len(r.ExternalID) > maxKeyBytes || len(r.OrderExternalID) > maxKeyBytes {
		return invalidf("refund id or order id longer than %d bytes", maxKeyBytes)
	}
	if r.Currency != "" && !ValidCurrency(strings.ToUpper(r.Currency)) {
		return invalidf("refund %s: currency %q is not an ISO 4217 currency code (like USD, EUR or JPY)", r.ExternalID, r.Currency)
	}
	if err := CheckAmount("subtotal", r.Subtotal); err != nil {
		return err
	}
	if err := CheckAmount("amount", r.Amount); err != nil {
		return err
	}
	return validateRefundLines(r)
}

// validateRefundLines checks the lines a refund names: at most
// MaxOrderLines, each naming a line, with amounts in bounds.
func validateRefundLines(r *platforms.Refund) error {
	if len(r.Lines) > MaxOrderLines {
		return invalidf("refund %s names %d lines; at most %d are taken", r.ExternalID, len(r.Lines), MaxOrderLines)
	}
	for _, l := range r.Lines {
		if l.LineID == "" {
			return invalidf("refund %s: each refunded line needs its line_id", r.ExternalID)
		}
		if err := CheckText("refund line_id", l.LineID); err != nil {
			return err
		}
		if l.Quantity < 0 || l.Quantity > MaxAmount {
			return invalidf("refund %s: line %q has an impossible quantity", r.ExternalID, l.LineID)
		}
		if err := CheckAmount("refund line subtotal", l.Subtotal); err != nil {
			return err
		}
	}
	return nil
}

// MaxOrderLines bounds the lines of one order.
const MaxOrderLines = 1000

// validateLines checks an order's lines, each well formed
// (platforms.CheckLines) with amounts and texts in bounds. An order of
// more than MaxOrderLines lines is taken without them.
func validateLines(o *platforms.Order) error {
	if len(o.Lines) > MaxOrderLines {
		o.Lines = nil // credited on its subtotal alone, as an order without lines
	}
	if err := platforms.CheckLines(o.Lines); err != nil {
		return invalidf("order %s: %s", o.ExternalID, strings.TrimPrefix(err.Error(), platforms.ErrPayload.Error()+": "))
	}
	for _, l := range o.Lines {
		if l.UnitPrice*l.Quantity > MaxAmount || l.Tax > MaxAmount {
			return invalidf("order %s: line %q is larger than %d minor units", o.ExternalID, l.ID, MaxAmount)
		}
		for _, t := range []string{l.ID, l.ProductID, l.VariantID, l.SKU, l.Title} {
			if err := CheckText("order "+o.ExternalID+" line", t); err != nil {
				return err
			}
		}
	}
	return nil
}

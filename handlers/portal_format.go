package handlers

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"codecredit/models"
)

// portalLocale formats money and dates on portal pages for the reader's
// browser language (the first of Accept-Language), in the account's
// currency: "$1,234.50" and "Dec 5, 2026" in en-US, as the admin shows
// them; "1.234,50 €" and "5 Dec 2026" in de-DE. Amounts are formatted from
// their integer minor units, never through a float.
type portalLocale struct {
	tag     language.Tag
	printer *message.Printer
}

// languagesWithSymbolAfter put the currency symbol after the amount.
var languagesWithSymbolAfter = map[string]bool{"de": true, "fr": true, "es": true, "it": true, "pt": true,
	"pl": true, "ru": true, "sv": true, "fi": true, "nb": true, "da": true, "cs": true, "sk": true, "hu": true}

// languagesWithNumericDates write dates year first.
var languagesWithNumericDates = map[string]bool{"ja": true, "zh": true, "ko": true, "lt": true, "sv": true}

// newPortalLocale reads an Accept-Language header; none, or one that does
// not parse, is en-US.
func newPortalLocale(acceptLanguage string) portalLocale {
	tag := language.AmericanEnglish
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(tags) > 0 && tags[0] != language.Und {
		tag = tags[0]
	}
	return portalLocale{tag: tag, printer: message.NewPrinter(tag)}
}

// Money formats minor units of currency: "$4.00", "-$4.00", "4,00 €".
func (l portalLocale) Money(amount int64, cur string) string {
	text := models.FormatMinor(amount, cur) // "-1234.50", digits only
	neg := strings.HasPrefix(text, "-")
	text = strings.TrimPrefix(text, "-")
	whole, frac, _ := strings.Cut(text, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return models.FormatMinor(amount, cur) + " " + cur
	}
	out := l.printer.Sprint(number.Decimal(n))
	if frac != "" {
		out += l.decimalSeparator() + frac
	}
	symbol := cur
	if unit, err := currency.ParseISO(cur); err == nil {
		symbol = l.printer.Sprint(currency.Symbol(unit))
	}
	base, _ := l.tag.Base()
	if languagesWithSymbolAfter[base.String()] {
		out += "\u00a0" + symbol
	} else {
		out = symbol + out
	}
	if neg {
		out = "-" + out
	}
	return out
}

// decimalSeparator is the locale's: "." or ",".
func (l portalLocale) decimalSeparator() string {
	s := l.printer.Sprint(number.Decimal(1.5, number.Scale(1)))
	return strings.TrimSuffix(strings.TrimPrefix(s, "1"), "5")
}

// Date formats a day (UTC, as the admin does): "Dec 5, 2026" in English
// as spoken in the US, "2026-12-05" where dates go year first, "5 Dec
// 2026" elsewhere.
func (l portalLocale) Date(t time.Time) string {
	t = t.UTC()
	base, _ := l.tag.Base()
	region, _ := l.tag.Region()
	switch {
	case languagesWithNumericDates[base.String()]:
		return t.Format("2006-01-02")
	case base.String() == "en" && region.String() == "US":
		return t.Format("Jan 2, 2006")
	}
	return t.Format("2 Jan 2006")
}

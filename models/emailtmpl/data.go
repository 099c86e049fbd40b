package emailtmpl

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"codecredit/platforms"
)

// Program is the merchant's affiliate program an email is about.
type Program struct {
	Name    string // the program's name: the branding's, or the merchant's shop name
	SiteURL string // the shop's site, when known
	LogoURL string // https logo shown atop the emails, when set
	Color   string // brand colour as #rrggbb, when set
}

// Person is the affiliate an email goes to.
type Person struct {
	Name  string
	Email string
}

// Code is one discount code as an affiliate shares it.
type Code struct {
	Code     string
	Discount string // "15% off", "10.00 USD off"
	// Link opens the shop; with AutoApply it also applies the code, so a
	// customer need not type it.
	Link      string
	AutoApply bool
	// TrackedLink is the code's tracked link (APP_URL/r/{slug}): it counts
	// the visit, then sends on to the store the way Link does.
	TrackedLink string
}

// Assignment is the data of a code-assignment email.
type Assignment struct {
	Program    Program
	Affiliate  Person
	Codes      []Code
	Commission string // the commission terms, in words
	PortalURL  string
}

// EarningsLine is one currency of an earnings summary; amounts are
// formatted ("12.34 USD").
type EarningsLine struct {
	Currency string
	Earned   string // commission booked in the period
	Reversed string // commission taken back in the period (refunds), as a positive amount
	Pending  string // balance still in its hold period
	Approved string // balance payable
	Paid     string // paid so far
}

// Summary is the data of an earnings summary email.
type Summary struct {
	Program     Program
	Affiliate   Person
	Period      string // "March 2026"
	Conversions int    // orders with the affiliate's codes in the period
	Lines       []EarningsLine
	PortalURL   string
}

// Reversal is the data of a reversal notice.
type Reversal struct {
	Program     Program
	Affiliate   Person
	OrderNumber string
	Code        string
	Amount      string // the commission taken back, formatted, positive
	Full        bool   // the whole order was refunded or cancelled
	Clawback    bool   // the commission had been paid: it is deducted from the next payout
	PortalURL   string
}

// Login is the data of the portal sign-in email.
type Login struct {
	Program   Program
	Affiliate Person
	LinkURL   string // single use
	Expires   string // "15 minutes"
}

// Payout is the data of a payout notice: a payout was paid, or could not
// be paid and needs the affiliate (new payout details, a claim).
type Payout struct {
	Program   Program
	Affiliate Person
	Amount    string // formatted
	Method    string // "PayPal"
	Paid      bool
	Reason    string // the platform's reason when not paid
	Action    string // what the affiliate should do when not paid
	Reference string // the platform's id of the payment
	PortalURL string
}

// Sample returns made-up data of kind, for previews and checks.
func Sample(kind string) (any, error) {
	p := Program{Name: "Acme Outdoor", SiteURL: "https://acme-outdoor.example"}
	a := Person{Name: "Jane Doe", Email: "jane@example.com"}
	portal := "https://app.example.com/portal/"
	switch kind {
	case KindCodeAssignment:
		return Assignment{Program: p, Affiliate: a, PortalURL: portal,
			Codes: []Code{{Code: "JANE15", Discount: "15% off", Link: "https://acme-outdoor.example/discount/JANE15", AutoApply: true,
				TrackedLink: "https://app.example.com/r/jane15"},
				{Code: "JANESHIP", Discount: "free shipping", Link: "https://acme-outdoor.example"}},
			Commission: "10% of each order's subtotal (after discounts, before tax and shipping)"}, nil
	case KindEarningsSummary:
		return Summary{Program: p, Affiliate: a, Period: "March 2026", Conversions: 12, PortalURL: portal,
			Lines: []EarningsLine{{Currency: "USD", Earned: "84.00 USD", Reversed: "6.50 USD", Pending: "120.00 USD",
				Approved: "40.00 USD", Paid: "310.00 USD"}}}, nil
	case KindReversalNotice:
		return Reversal{Program: p, Affiliate: a, OrderNumber: "#1042", Code: "JANE15", Amount: "4.20 USD", PortalURL: portal}, nil
	case KindPortalLogin:
		return Login{Program: p, Affiliate: a, LinkURL: "https://app.example.com/portal/auth?token=sample", Expires: "15 minutes"}, nil
	case KindPayoutNotice:
		return Payout{Program: p, Affiliate: a, Amount: "42.00 USD", Method: "PayPal", Paid: true, Reference: "5UXD2E8A7EBQJ", PortalURL: portal}, nil
	}
	return nil, fmt.Errorf("%w: unknown email kind %q", ErrTemplate, kind)
}

// ShareLink is the link an affiliate shares for code: on Shopify the
// shop's discount link https://{shop}/discount/{CODE}, which applies the
// code by itself (the shareableUrls of a discount,
// https://shopify.dev/docs/api/admin-graphql/latest/objects/DiscountShareableUrl);
// elsewhere the shop's own site, where the customer types the code.
// WooCommerce's shareable checkout links also need products
// (https://developer.woocommerce.com/docs/best-practices/urls-and-routing/checkout-urls),
// and Stripe and Paddle have no per-shop page we know of. storeID is the
// connection's external id: the shop domain on Shopify, the store URL on
// WooCommerce. site is the merchant's own site setting, preferred when set
// and the platform cannot apply the code.
func ShareLink(platform, storeID, site, code string) (link string, autoApply bool) {
	switch platform {
	case platforms.Shopify:
		if storeID != "" && !strings.ContainsAny(storeID, "/?#@") {
			return "https://" + storeID + "/discount/" + url.PathEscape(code), true
		}
	case platforms.WooCommerce:
		if site == "" && strings.HasPrefix(storeID, "http") {
			return storeID, false
		}
	}
	return site, false
}

// Percent writes basis points as a percentage: 1000 → "10%", 1250 → "12.5%".
func Percent(bps int64) string {
	s := strconv.FormatInt(bps/100, 10)
	if frac := bps % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s + "%"
}

// DiscountText says what a code gives: value is basis points for a
// percentage; amount is the formatted fixed amount ("10.00 USD").
func DiscountText(discountType string, bps int64, amount string) string {
	switch discountType {
	case "percentage":
		return Percent(bps) + " off"
	case "fixed_amount":
		return amount + " off"
	case "free_shipping":
		return "free shipping"
	}
	return "a discount"
}

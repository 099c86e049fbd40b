package handlers

import (
	"net/url"
	"strings"

	"codecredit/models"
	"codecredit/platforms"
)

// LinkOptions say where tracked links send visitors besides the stores'
// own addresses.
type LinkOptions struct {
	// ShopifyStorefront, when set (SHOPIFY_BASE_URL, or the local Shopify
	// sandbox), takes the place of https://{shop} in Shopify discount
	// links, naming the shop in a shop query parameter instead.
	ShopifyStorefront string
}

// destination is where a link sends its visitor. applies says whether
// the platform applies the code on arrival; note says how, or why not,
// for the merchant. An empty url means there is nowhere to send the
// visitor: the redirect shows the code instead.
type destination struct {
	URL     string `json:"destination"`
	Applies bool   `json:"applies_code"`
	Note    string `json:"note"`
}

// linkDestination follows each platform's documented way of applying a
// code from a URL:
//   - Shopify: https://{shop}/discount/{code}?redirect={path}
//     (help.shopify.com, "Shareable discount links"); the store keeps the
//     code in the visitor's cart for checkout.
//   - Stripe: a Payment Link with ?prefilled_promo_code={code}
//     (docs.stripe.com/payment-links/url-parameters); the merchant sets
//     the Payment Link's address per store.
//   - Paddle: ?discount_code={code} on the merchant's hosted checkout
//     (developer.paddle.com/paddlejs/hosted-checkout-url-parameters); a
//     page opening Paddle.js must pass it on as discountCode.
//   - WooCommerce: core has no address that applies a coupon; the link
//     lands on the store and the customer types the code.
func linkDestination(t *models.LinkTarget, o LinkOptions) destination {
	switch t.Platform {
	case platforms.Shopify:
		q := url.Values{"redirect": {orSlash(t.LandingPath)}}
		base := "https://" + t.ExternalID
		if o.ShopifyStorefront != "" {
			base = strings.TrimRight(o.ShopifyStorefront, "/")
			q.Set("shop", t.ExternalID)
		}
		return destination{URL: base + "/discount/" + url.PathEscape(t.Code) + "?" + q.Encode(), Applies: true,
			Note: "Shopify applies the code through its discount link, then shows the landing page."}
	case platforms.Stripe:
		if t.CheckoutURL == "" {
			return destination{Note: "Set the address of a Stripe Payment Link for this store (Links settings): the link opens it with the code filled in (prefilled_promo_code; the Payment Link must allow promotion codes). Until then the link shows the code to copy."}
		}
		return destination{URL: withQuery(t.CheckoutURL, "prefilled_promo_code", t.Code), Applies: true,
			Note: "Opens your Stripe Payment Link with the code filled in (prefilled_promo_code)."}
	case platforms.Paddle:
		if t.CheckoutURL == "" {
			return destination{Note: "Set the address of a Paddle hosted checkout (or of your page that opens Paddle.js) for this store: the link adds discount_code. Until then the link shows the code to copy."}
		}
		return destination{URL: withQuery(t.CheckoutURL, "discount_code", t.Code), Applies: true,
			Note: "Opens your Paddle checkout with discount_code; a page of yours that opens Paddle.js must pass it on as discountCode."}
	case platforms.WooCommerce:
		return destination{URL: strings.TrimRight(t.ExternalID, "/") + t.LandingPath,
			Note: "WooCommerce has no address that applies a coupon without a plugin: the link counts the visit and lands on your store; the customer types the code at checkout."}
	}
	return destination{Note: "This code belongs to no store with a checkout address: the link counts the visit and shows the code to copy."}
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// withQuery adds name=value to raw's query, keeping what it has.
func withQuery(raw, name, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

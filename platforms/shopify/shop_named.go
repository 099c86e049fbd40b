package shopify

import (
	"fmt"
	"strings"

	"codecredit/platforms"
)

// namedShop is what the bodies that name their shop carry: the compliance
// topics' shop_domain and shop_id, as documented at
// https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance, and
// app/uninstalled's shop resource (myshopify_domain, and domain, which is the
// shop's primary domain and may be a custom one).
type namedShop struct {
	ShopDomain      string `json:"shop_domain"`
	ShopID          id     `json:"shop_id"`
	MyshopifyDomain string `json:"myshopify_domain"`
	Domain          string `json:"domain"`
}

// shopActedOn is the shop a verified delivery acts on. X-Shopify-Shop-Domain
// is not covered by the HMAC, so for the topics whose body names the shop
// (customers/data_request, customers/redact, shop/redact, app/uninstalled)
// the body decides, and such a body that names no myshopify.com shop is
// refused. Other topics (orders/paid, ...) name none; header is theirs.
func shopActedOn(topic string, body []byte, header string) (string, error) {
	switch topic {
	case TopicCustomersDataRequest, TopicCustomersRedact, TopicShopRedact, TopicAppUninstalled:
	default:
		return header, nil
	}
	var n namedShop
	if err := decode(body, &n); err != nil {
		return "", err
	}
	named := n.ShopDomain
	if topic == TopicAppUninstalled {
		named = n.MyshopifyDomain
		if named == "" {
			named = n.Domain
		}
	}
	shop := NormalizeShop(named)
	switch {
	case shop != "":
		return shop, nil
	case strings.TrimSpace(named) == "" && n.ShopID != "":
		return "", fmt.Errorf("%w: %s names shop %s by id only, which cannot be matched to a store", platforms.ErrPayload, topic, n.ShopID)
	default:
		return "", fmt.Errorf("%w: %s does not name a myshopify.com shop (%q)", platforms.ErrPayload, topic, named)
	}
}

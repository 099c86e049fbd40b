package shopify

import (
	"fmt"
	"strings"

	"codecredit/platforms"
)

// discountPayload is the body of discounts/create, discounts/update and
// discounts/delete: the discount's GraphQL id and little else, e.g.
// {"admin_graphql_api_id":"gid://shopify/DiscountCodeNode/1","title":"…",
// "status":"ACTIVE","created_at":"…","updated_at":"…"} (delete carries
// "deleted_at" instead); see https://shopify.dev/docs/api/webhooks?reference=toml
// (topic discounts/create).
type discountPayload struct {
	GID    string `json:"admin_graphql_api_id"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// Discount node id prefixes: code discounts have codes, automatic ones do not.
const (
	gidCodeDiscount      = "gid://shopify/DiscountCodeNode/"
	gidAutomaticDiscount = "gid://shopify/DiscountAutomaticNode/"
)

// parseDiscountChange models a discounts/* delivery as a CodeChange naming
// the discount (PlatformID) with Code empty, meaning "re-read this
// discount's codes" (the payload does not carry them; DiscountCodes does),
// or Deleted for discounts/delete, meaning "every code of this discount is
// gone". Automatic discounts have no codes and give no event.
func parseDiscountChange(topic string, body []byte) ([]platforms.Event, error) {
	var p discountPayload
	if err := decode(body, &p); err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(p.GID, gidAutomaticDiscount):
		return nil, nil
	case !strings.HasPrefix(p.GID, gidCodeDiscount) || len(p.GID) == len(gidCodeDiscount):
		return nil, fmt.Errorf("%w: discount id %q is not a code discount id", platforms.ErrPayload, p.GID)
	}
	change := &platforms.CodeChange{PlatformID: p.GID, Deleted: topic == TopicDiscountsDelete}
	return []platforms.Event{{Kind: platforms.KindCodeChanged, Code: change}}, nil
}

// Privacy actions of platforms.PrivacyRequest.
const (
	PrivacyDataRequest    = "data_request"
	PrivacyCustomerRedact = "customer_redact"
	PrivacyShopRedact     = "shop_redact"
)

// privacyPayload is the body of the compliance topics, as documented at
// https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance.
type privacyPayload struct {
	ShopID     id     `json:"shop_id"`
	ShopDomain string `json:"shop_domain"`
	Customer   *struct {
		ID    id     `json:"id"`
		Email string `json:"email"`
	} `json:"customer"`
	OrdersRequested []id `json:"orders_requested"`
	OrdersToRedact  []id `json:"orders_to_redact"`
}

// parsePrivacy reads customers/data_request, customers/redact and shop/redact.
func parsePrivacy(topic string, body []byte) ([]platforms.Event, error) {
	var p privacyPayload
	if err := decode(body, &p); err != nil {
		return nil, err
	}
	req := &platforms.PrivacyRequest{}
	switch topic {
	case TopicCustomersDataRequest:
		req.Action, req.OrderIDs = PrivacyDataRequest, ids(p.OrdersRequested)
	case TopicCustomersRedact:
		req.Action, req.OrderIDs = PrivacyCustomerRedact, ids(p.OrdersToRedact)
	default:
		req.Action = PrivacyShopRedact
	}
	if c := p.Customer; c != nil {
		req.CustomerID, req.CustomerEmail = string(c.ID), strings.TrimSpace(c.Email)
	}
	if req.Action != PrivacyShopRedact && req.CustomerID == "" && req.CustomerEmail == "" {
		return nil, fmt.Errorf("%w: %s without a customer", platforms.ErrPayload, topic)
	}
	return []platforms.Event{{Kind: platforms.KindPrivacy, Privacy: req}}, nil
}

func ids(in []id) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if v != "" {
			out = append(out, string(v))
		}
	}
	return out
}

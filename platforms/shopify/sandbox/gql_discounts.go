package sandbox

import (
	"encoding/json"
	"strings"
	"time"
)

// The discount part of the GraphQL Admin API
// (https://shopify.dev/docs/api/admin-graphql/2026-10/queries/codeDiscountNodes
// and the DiscountCodeNode, DiscountCodeBasic, DiscountCodeFreeShipping and
// DiscountCodeBxgy objects).

func (s *Sandbox) codeDiscountNodes(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "codeDiscountNodes", "read_discounts"); err != nil {
			return nil, err
		}
		list := s.filtered(sh, strArg(a, "query"))
		ids := make([]int64, len(list))
		for i, d := range list {
			ids[i] = d.ID
		}
		return connection("DiscountCodeNode", ids, a, func(i int) *gobj { return s.discountNode(list[i]) })
	}
}

func (s *Sandbox) codeDiscountNode(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "codeDiscountNode", "read_discounts"); err != nil {
			return nil, err
		}
		for _, d := range sh.discounts {
			if gid("DiscountCodeNode", d.ID) == strArg(a, "id") {
				return s.discountNode(d), nil
			}
		}
		return nil, nil
	}
}

func (s *Sandbox) codeDiscountNodeByCode(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "codeDiscountNodeByCode", "read_discounts"); err != nil {
			return nil, err
		}
		if d := sh.byCode[strings.ToUpper(strings.TrimSpace(strArg(a, "code")))]; d != nil {
			return s.discountNode(d), nil
		}
		return nil, nil
	}
}

// discountCodesCount counts redeem codes (of the discounts the query
// matches).
func (s *Sandbox) discountCodesCount(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "discountCodesCount", "read_discounts"); err != nil {
			return nil, err
		}
		n := 0
		for _, d := range s.filtered(sh, strArg(a, "query")) {
			n += len(d.Codes)
		}
		return count(n, a), nil
	}
}

// filtered applies a search query such as "status:active
// discount_type:percentage"; words without a field match the title.
func (s *Sandbox) filtered(sh *Shop, query string) []*discount {
	out := []*discount{}
	for _, d := range sh.discounts {
		if s.matchQuery(d, query) {
			out = append(out, d)
		}
	}
	return out
}

func (s *Sandbox) matchQuery(d *discount, query string) bool {
	for _, term := range strings.Fields(query) {
		k, v, ok := strings.Cut(term, ":")
		v = strings.ToLower(strings.Trim(v, `'"`))
		switch {
		case !ok:
			if !strings.Contains(strings.ToLower(d.Title), strings.ToLower(term)) {
				return false
			}
		case k == "status" && strings.ToLower(d.Status(s.now())) != v:
			return false
		case k == "discount_type" && discountType(d.Kind) != v:
			return false
		case k == "title" && !strings.Contains(strings.ToLower(d.Title), v):
			return false
		}
	}
	return true
}

func discountType(kind string) string {
	if kind == KindBxgy {
		return "bogo"
	}
	return kind
}

func (s *Sandbox) discountNode(d *discount) *gobj {
	return &gobj{typ: "DiscountCodeNode", fields: map[string]any{
		"id": gid("DiscountCodeNode", d.ID), "codeDiscount": s.codeDiscountObject(d)}}
}

// gqlTime renders a DateTime as the GraphQL Admin API does.
func gqlTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func (s *Sandbox) codeDiscountObject(d *discount) *gobj {
	f := map[string]any{
		"title": d.Title, "status": d.Status(s.now()), "summary": s.summary(d),
		"startsAt": gqlTime(d.StartsAt), "endsAt": gqlTime(d.EndsAt),
		"createdAt": gqlTime(d.CreatedAt), "updatedAt": gqlTime(d.UpdatedAt),
		"asyncUsageCount": d.usage(), "usageLimit": nil, "appliesOncePerCustomer": d.OncePerCustomer,
		"codesCount":      count(len(d.Codes), map[string]any{"limit": nil}),
		"codes":           codesResolver(d),
		"combinesWith":    &gobj{typ: "DiscountCombinesWith", fields: map[string]any{"orderDiscounts": false, "productDiscounts": false, "shippingDiscounts": false}},
		"discountClasses": []string{"ORDER"},
	}
	if d.UsageLimit > 0 {
		f["usageLimit"] = d.UsageLimit
	}
	o := &gobj{typ: "DiscountCodeBasic", fields: f}
	switch d.Kind {
	case KindPercentage, KindFixedAmount:
		f["recurringCycleLimit"] = 0
		f["customerGets"] = customerGets(s.discountValue(d))
	case KindFreeShipping:
		o.typ = "DiscountCodeFreeShipping"
		f["discountClasses"] = []string{"SHIPPING"}
		f["appliesOnOneTimePurchase"], f["appliesOnSubscription"] = true, false
		f["maximumShippingPrice"] = nil
	case KindBxgy:
		o.typ = "DiscountCodeBxgy"
		f["discountClasses"] = []string{"PRODUCT"}
		f["usesPerOrderLimit"] = nil
		f["customerBuys"] = &gobj{typ: "DiscountCustomerBuys", fields: map[string]any{"items": allItems(),
			"value": &gobj{typ: "DiscountQuantity", fields: map[string]any{"quantity": "1"}}}}
		f["customerGets"] = customerGets(&gobj{typ: "DiscountOnQuantity", fields: map[string]any{
			"quantity": &gobj{typ: "DiscountQuantity", fields: map[string]any{"quantity": "1"}},
			"effect":   percentageObject(10000)}})
	}
	return o
}

func codesResolver(d *discount) resolver {
	return func(a map[string]any) (any, error) {
		ids := make([]int64, len(d.Codes))
		for i, c := range d.Codes {
			ids[i] = c.ID
		}
		return connection("DiscountRedeemCode", ids, a, func(i int) *gobj {
			c := d.Codes[i]
			return &gobj{typ: "DiscountRedeemCode", fields: map[string]any{"id": gid("DiscountRedeemCode", c.ID),
				"code": c.Code, "asyncUsageCount": c.Usage}}
		})
	}
}

func (s *Sandbox) discountValue(d *discount) *gobj {
	if d.Kind == KindPercentage {
		return percentageObject(d.Value)
	}
	return &gobj{typ: "DiscountAmount", fields: map[string]any{
		"amount": moneyV2(d.Value, d.currency), "appliesOnEachItem": false}}
}

func percentageObject(bp int64) *gobj {
	return &gobj{typ: "DiscountPercentage",
		fields: map[string]any{"percentage": json.Number(shortDecimal(bp, 4))}}
}

func moneyV2(minor int64, currency string) *gobj {
	return &gobj{typ: "MoneyV2", fields: map[string]any{"amount": shortDecimal(minor, exponent(currency)), "currencyCode": currency}}
}

func allItems() *gobj {
	return &gobj{typ: "AllDiscountItems", fields: map[string]any{"allItems": true}}
}

func customerGets(value *gobj) *gobj {
	return &gobj{typ: "DiscountCustomerGets", fields: map[string]any{"value": value, "items": allItems(),
		"appliesOnOneTimePurchase": true, "appliesOnSubscription": false}}
}

func (s *Sandbox) summary(d *discount) string {
	switch d.Kind {
	case KindPercentage:
		return strings.TrimSuffix(shortDecimal(d.Value, 2), ".0") + "% off entire order"
	case KindFixedAmount:
		return money(d.Value, d.currency) + " " + d.currency + " off entire order"
	case KindFreeShipping:
		return "Free shipping on all products"
	}
	return "Buy 1 item, get 1 item free"
}

package sandbox

import (
	"net/http"
	"strings"
)

// updatePromotionCode is POST /v1/promotion_codes/{id}
// (https://docs.stripe.com/api/promotion_codes/update): active and
// metadata. An inactive code is no longer redeemable: sales and
// subscriptions started with it are refused, as Checkout refuses it. A
// code is reactivated only while its coupon is valid and no other active
// code has its text.
func updatePromotionCode(a *account, r *http.Request, id string) (any, int, *apiError) {
	p := a.promo(id)
	if p == nil {
		return missing("promotion code", "id", id)
	}
	f := r.Form
	for name := range f {
		if name != "active" && !strings.HasPrefix(name, "metadata[") && !strings.HasPrefix(name, "expand") {
			return invalid(name, "Received unknown parameter: %s", name)
		}
	}
	if v := f.Get("active"); v != "" {
		if v != "true" && v != "false" {
			return invalid("active", "Invalid boolean: %s", v)
		}
		active := v == "true"
		if active && !p.Active {
			if c := a.coupons[p.CouponID]; c == nil || !c.Valid {
				return invalid("active", "This promotion code cannot be reactivated: its coupon is no longer valid.")
			}
			if a.activeCode(p.Code) != nil {
				return invalid("active", "An active promotion code with `code: %s` already exists.", p.Code)
			}
		}
		p.Active = active
	}
	for k, v := range formMap(f, "metadata") {
		if p.Metadata == nil {
			p.Metadata = map[string]string{}
		}
		p.Metadata[k] = v
	}
	return promoJSON(a, p, expands(f, "promotion.coupon")), 0, nil
}

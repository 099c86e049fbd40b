package sandbox

import (
	"encoding/json"
	"strings"
)

// The JSON of the API objects the sandbox serves, field for field as the
// API reference documents them; expandable fields are ids unless expanded.

// accountJSON is an Account (https://docs.stripe.com/api/accounts/object).
func accountJSON(a *account) map[string]any {
	return map[string]any{
		"id": a.ID, "object": "account", "type": "standard", "country": "US",
		"email": a.Email, "default_currency": a.Currency, "created": a.created,
		"charges_enabled": true, "payouts_enabled": true, "details_submitted": true,
		"business_profile": map[string]any{"name": a.Name, "url": nil, "support_email": a.Email},
		"settings":         map[string]any{"dashboard": map[string]any{"display_name": a.Name, "timezone": "Etc/UTC"}},
		"metadata":         map[string]string{},
	}
}

// couponJSON is a Coupon (https://docs.stripe.com/api/coupons/object).
func couponJSON(c *coupon) map[string]any {
	out := map[string]any{
		"id": c.ID, "object": "coupon", "name": nullable(c.Name), "duration": c.Duration,
		"duration_in_months": nil, "amount_off": nil, "currency": nil, "percent_off": nil,
		"max_redemptions": nil, "redeem_by": nil, "times_redeemed": c.TimesRedeemed,
		"valid": c.Valid, "created": c.Created, "livemode": true, "metadata": meta(c.Metadata),
	}
	if c.PercentBps > 0 {
		out["percent_off"] = json.Number(percentText(c.PercentBps))
	} else {
		out["amount_off"], out["currency"] = c.AmountOff, c.Currency
	}
	if c.Duration == "repeating" {
		out["duration_in_months"] = c.DurationInMonths
	}
	if c.MaxRedemptions > 0 {
		out["max_redemptions"] = c.MaxRedemptions
	}
	return out
}

// promoJSON is a Promotion Code (https://docs.stripe.com/api/promotion_codes/object),
// its coupon expanded or not.
func promoJSON(a *account, p *promoCode, expandCoupon bool) map[string]any {
	var cp any = p.CouponID
	if c := a.coupons[p.CouponID]; expandCoupon && c != nil {
		cp = couponJSON(c)
	}
	return map[string]any{
		"id": p.ID, "object": "promotion_code", "code": p.Code, "active": p.Active,
		"created": p.Created, "customer": nil, "customer_account": nil, "expires_at": nil,
		"livemode": true, "max_redemptions": nil, "metadata": meta(p.Metadata),
		"promotion": map[string]any{"type": "coupon", "coupon": cp},
		"restrictions": map[string]any{"first_time_transaction": p.FirstTime, "minimum_amount": nil,
			"minimum_amount_currency": nil},
		"times_redeemed": p.TimesRedeemed,
	}
}

// endpointJSON is a Webhook Endpoint (https://docs.stripe.com/api/webhook_endpoints/object);
// the secret is only shown on creation.
func endpointJSON(e *endpoint, withSecret bool) map[string]any {
	out := map[string]any{
		"id": e.ID, "object": "webhook_endpoint", "api_version": e.APIVersion, "application": nil,
		"created": e.Created, "description": nullable(e.Description), "enabled_events": e.Events,
		"livemode": true, "metadata": map[string]string{}, "status": "enabled", "url": e.URL,
	}
	if withSecret {
		out["secret"] = e.Secret
	}
	return out
}

// listJSON is the list envelope (https://docs.stripe.com/api/pagination).
func listJSON(path string, data []any, hasMore bool) map[string]any {
	if data == nil {
		data = []any{}
	}
	return map[string]any{"object": "list", "data": data, "has_more": hasMore, "url": path}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func meta(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// validCode reports whether a promotion code uses only the characters
// Stripe allows: letters, digits and dashes.
func validCode(code string) bool {
	if code == "" || len(code) > 500 {
		return false
	}
	return strings.Trim(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == ""
}

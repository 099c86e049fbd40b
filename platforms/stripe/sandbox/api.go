package sandbox

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/stripe/stripe-go/v85"
)

// coupons serves /v1/coupons and /v1/coupons/{id}.
func (s *Server) coupons(a *account, r *http.Request, id string) (any, int, *apiError) {
	switch {
	case id == "" && r.Method == http.MethodPost:
		return s.createCoupon(a, r)
	case id == "" && r.Method == http.MethodGet:
		var data []any
		for _, c := range sortedCoupons(a) {
			data = append(data, couponJSON(c))
		}
		return listJSON("/v1/coupons", data, false), 0, nil
	case id != "" && r.Method == http.MethodGet:
		if c := a.coupons[id]; c != nil {
			return couponJSON(c), 0, nil
		}
		return missing("coupon", "id", id)
	}
	e := unrecognized(r)
	return nil, http.StatusNotFound, &e
}

func sortedCoupons(a *account) []*coupon {
	out := make([]*coupon, 0, len(a.coupons))
	for _, c := range a.coupons {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created > out[j].Created || out[i].Created == out[j].Created && out[i].ID < out[j].ID
	})
	return out
}

// createCoupon is POST /v1/coupons (https://docs.stripe.com/api/coupons/create).
func (s *Server) createCoupon(a *account, r *http.Request) (any, int, *apiError) {
	f := r.Form
	c := &coupon{ID: f.Get("id"), Name: f.Get("name"), Duration: f.Get("duration"), Valid: true,
		Created: s.opts.Now().Unix(), Metadata: formMap(f, "metadata")}
	if c.ID == "" {
		c.ID = strings.ToUpper(newID("")[:8])
	}
	if a.coupons[c.ID] != nil {
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "resource_already_exists",
			Param: "id", Message: "Coupon already exists."}
	}
	switch c.Duration {
	case "once", "forever":
	case "repeating":
		n, err := strconv.ParseInt(f.Get("duration_in_months"), 10, 64)
		if err != nil || n <= 0 {
			return invalid("duration_in_months", "You must specify duration_in_months when duration is repeating.")
		}
		c.DurationInMonths = n
	case "":
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_missing",
			Param: "duration", Message: "Missing required param: duration."}
	default:
		return invalid("duration", "Invalid duration: must be one of once, repeating, or forever")
	}
	if err := couponAmount(c, f.Get("percent_off"), f.Get("amount_off"), f.Get("currency")); err != nil {
		return nil, http.StatusBadRequest, err
	}
	if v := f.Get("max_redemptions"); v != "" {
		c.MaxRedemptions, _ = strconv.ParseInt(v, 10, 64)
	}
	a.coupons[c.ID] = c
	return couponJSON(c), 0, nil
}

// couponAmount reads exactly one of percent_off and amount_off+currency.
func couponAmount(c *coupon, pct, amount, currency string) *apiError {
	switch {
	case pct != "" && amount != "":
		return &apiError{Type: "invalid_request_error", Param: "percent_off",
			Message: "You may only specify one of these parameters: amount_off, percent_off."}
	case pct != "":
		bps, ok := percentBps(pct)
		if !ok || bps <= 0 || bps > 10000 {
			return &apiError{Type: "invalid_request_error", Param: "percent_off",
				Message: "Invalid percent_off: must be greater than 0 and at most 100, with at most two decimals."}
		}
		c.PercentBps = bps
	case amount != "":
		n, err := strconv.ParseInt(amount, 10, 64)
		if err != nil || n <= 0 {
			return &apiError{Type: "invalid_request_error", Param: "amount_off", Message: "Invalid positive integer"}
		}
		if len(currency) != 3 {
			return &apiError{Type: "invalid_request_error", Code: "parameter_missing", Param: "currency",
				Message: "You must pass currency when passing amount_off."}
		}
		c.AmountOff, c.Currency = n, strings.ToLower(currency)
	default:
		return &apiError{Type: "invalid_request_error", Code: "parameter_missing", Param: "percent_off",
			Message: "Must provide one of: percent_off, amount_off."}
	}
	return nil
}

// promotionCodes serves /v1/promotion_codes and /v1/promotion_codes/{id}.
func (s *Server) promotionCodes(a *account, r *http.Request, id string) (any, int, *apiError) {
	switch {
	case id == "" && r.Method == http.MethodPost:
		return s.createPromotionCode(a, r)
	case id == "" && r.Method == http.MethodGet:
		return listPromotionCodes(a, r)
	case id != "" && r.Method == http.MethodGet:
		if p := a.promo(id); p != nil {
			return promoJSON(a, p, expands(r.Form, "promotion.coupon")), 0, nil
		}
		return missing("promotion code", "id", id)
	case id != "" && r.Method == http.MethodPost:
		return updatePromotionCode(a, r, id)
	}
	e := unrecognized(r)
	return nil, http.StatusNotFound, &e
}

// createPromotionCode is POST /v1/promotion_codes
// (https://docs.stripe.com/api/promotion_codes/create). A code is unique,
// whatever its case, among the account's active codes.
func (s *Server) createPromotionCode(a *account, r *http.Request) (any, int, *apiError) {
	f := r.Form
	if t := f.Get("promotion[type]"); t != "coupon" {
		return invalid("promotion[type]", "Invalid promotion[type]: must be coupon")
	}
	couponID := f.Get("promotion[coupon]")
	if couponID == "" {
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_missing",
			Param: "promotion[coupon]", Message: "Missing required param: promotion[coupon]."}
	}
	c := a.coupons[couponID]
	if c == nil || !c.Valid {
		return missing("coupon", "promotion[coupon]", couponID)
	}
	code := f.Get("code")
	if code == "" {
		code = strings.ToUpper(newID("")[:8])
	}
	if !validCode(code) {
		return invalid("code", "Invalid code: %s. Promotion codes may only contain letters, digits and dashes.", code)
	}
	active := formBool(f, "active", true)
	if active && a.activeCode(code) != nil {
		return invalid("", "An active promotion code with `code: %s` already exists.", code)
	}
	p := &promoCode{ID: newID("promo_"), Code: code, CouponID: c.ID, Active: active,
		FirstTime: formBool(f, "restrictions[first_time_transaction]", false),
		Created:   s.opts.Now().Unix(), Metadata: formMap(f, "metadata")}
	a.promos = append(a.promos, p)
	return promoJSON(a, p, expands(f, "promotion.coupon")), 0, nil
}

// listPromotionCodes is GET /v1/promotion_codes, newest first, paged by
// limit and starting_after, filtered by code, active and coupon.
func listPromotionCodes(a *account, r *http.Request) (any, int, *apiError) {
	f := r.Form
	limit := 10
	if v := f.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return invalid("limit", "Invalid integer: %s; limit must be between 1 and 100.", v)
		}
		limit = n
	}
	var rows []*promoCode
	for i := len(a.promos) - 1; i >= 0; i-- {
		p := a.promos[i]
		if code := f.Get("code"); code != "" && !strings.EqualFold(p.Code, code) {
			continue
		}
		if v := f.Get("active"); v != "" && strconv.FormatBool(p.Active) != v {
			continue
		}
		if v := f.Get("coupon"); v != "" && p.CouponID != v {
			continue
		}
		rows = append(rows, p)
	}
	if after := f.Get("starting_after"); after != "" {
		i := indexOf(rows, after)
		if i < 0 {
			return invalid("starting_after", "No such promotion code: '%s'", after)
		}
		rows = rows[i+1:]
	}
	hasMore := len(rows) > limit
	rows = rows[:min(limit, len(rows))]
	expand := expands(f, "data.promotion.coupon")
	data := make([]any, 0, len(rows))
	for _, p := range rows {
		data = append(data, promoJSON(a, p, expand))
	}
	return listJSON("/v1/promotion_codes", data, hasMore), 0, nil
}

func indexOf(rows []*promoCode, id string) int {
	for i, p := range rows {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// webhookEndpoints serves /v1/webhook_endpoints (https://docs.stripe.com/api/webhook_endpoints).
func (s *Server) webhookEndpoints(a *account, r *http.Request, id string) (any, int, *apiError) {
	switch {
	case id == "" && r.Method == http.MethodPost:
		return s.createEndpoint(a, r)
	case id == "" && r.Method == http.MethodGet:
		var data []any
		for i := len(a.endpoints) - 1; i >= 0; i-- {
			data = append(data, endpointJSON(a.endpoints[i], false))
		}
		return listJSON("/v1/webhook_endpoints", data, false), 0, nil
	case id != "" && r.Method == http.MethodDelete:
		for i, e := range a.endpoints {
			if e.ID == id {
				a.endpoints = append(a.endpoints[:i], a.endpoints[i+1:]...)
				return map[string]any{"id": id, "object": "webhook_endpoint", "deleted": true}, 0, nil
			}
		}
		return missing("webhook endpoint", "id", id)
	}
	e := unrecognized(r)
	return nil, http.StatusNotFound, &e
}

func (s *Server) createEndpoint(a *account, r *http.Request) (any, int, *apiError) {
	f := r.Form
	e := &endpoint{ID: newID("we_"), URL: f.Get("url"), Secret: newID("whsec_"), Description: f.Get("description"),
		APIVersion: f.Get("api_version"), Events: formArray(f, "enabled_events"),
		Connect: formBool(f, "connect", false), Created: s.opts.Now().Unix()}
	if e.URL == "" || len(e.Events) == 0 {
		param := "url"
		if e.URL != "" {
			param = "enabled_events"
		}
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_missing",
			Param: param, Message: "Missing required param: " + param + "."}
	}
	if e.APIVersion == "" {
		e.APIVersion = stripe.APIVersion
	}
	a.endpoints = append(a.endpoints, e)
	return endpointJSON(e, true), 0, nil
}

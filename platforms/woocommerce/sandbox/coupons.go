package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// couponInput is a coupon create or update body.
type couponInput struct {
	Code              *string `json:"code"`
	DiscountType      *string `json:"discount_type"`
	Amount            *string `json:"amount"`
	Description       *string `json:"description"`
	UsageLimit        *int    `json:"usage_limit"`
	UsageLimitPerUser *int    `json:"usage_limit_per_user"`
	FreeShipping      *bool   `json:"free_shipping"`
	DateExpires       *string `json:"date_expires"`
}

func (st *Store) listCoupons(w http.ResponseWriter, r *http.Request, _ []int64) {
	code := r.URL.Query().Get("code")
	st.mu.Lock()
	var out []couponJSON
	for _, c := range st.coupons {
		if code == "" || strings.EqualFold(code, c.Code) {
			out = append(out, c.json(st.cfg.Currency))
		}
	}
	st.mu.Unlock()
	writePage(w, r, out)
}

func (st *Store) getCoupon(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.couponByID(ids[0])
	if c == nil {
		writeError(w, http.StatusNotFound, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
		return
	}
	writeJSON(w, http.StatusOK, c.json(st.cfg.Currency))
}

// createCoupon refuses a code already taken (case-insensitively, as the
// store's database compares) with woocommerce_rest_coupon_code_already_exists.
func (st *Store) createCoupon(w http.ResponseWriter, r *http.Request, _ []int64) {
	var in couponInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Code == nil || strings.TrimSpace(*in.Code) == "" {
		writeError(w, http.StatusBadRequest, "woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
		return
	}
	st.mu.Lock()
	if st.couponByCode(*in.Code) != nil {
		st.mu.Unlock()
		writeError(w, http.StatusBadRequest, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
		return
	}
	now := st.srv.now()
	c := &Coupon{Code: strings.TrimSpace(*in.Code), DiscountType: "fixed_cart", Created: now, Modified: now}
	if msg := st.applyCouponInput(c, in); msg != "" {
		st.mu.Unlock()
		writeError(w, http.StatusBadRequest, "rest_invalid_param", msg)
		return
	}
	c.ID = st.id()
	st.coupons = append(st.coupons, c)
	out := c.json(st.cfg.Currency)
	jobs := st.deliveriesFor("coupon.created", out)
	st.mu.Unlock()
	st.deliver(jobs)
	writeJSON(w, http.StatusCreated, out)
}

func (st *Store) updateCoupon(w http.ResponseWriter, r *http.Request, ids []int64) {
	var in couponInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
		return
	}
	st.mu.Lock()
	c := st.couponByID(ids[0])
	if c == nil {
		st.mu.Unlock()
		writeError(w, http.StatusNotFound, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
		return
	}
	if in.Code != nil {
		if other := st.couponByCode(*in.Code); other != nil && other.ID != c.ID {
			st.mu.Unlock()
			writeError(w, http.StatusBadRequest, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
			return
		}
	}
	next := *c
	if msg := st.applyCouponInput(&next, in); msg != "" {
		st.mu.Unlock()
		writeError(w, http.StatusBadRequest, "rest_invalid_param", msg)
		return
	}
	next.Modified = st.srv.now()
	*c = next
	out := c.json(st.cfg.Currency)
	jobs := st.deliveriesFor("coupon.updated", out)
	st.mu.Unlock()
	st.deliver(jobs)
	writeJSON(w, http.StatusOK, out)
}

// deleteCoupon deletes for good with force=true; without it the coupon is
// trashed, which WooCommerce also reports as coupon.deleted.
func (st *Store) deleteCoupon(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	c := st.couponByID(ids[0])
	if c == nil {
		st.mu.Unlock()
		writeError(w, http.StatusNotFound, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
		return
	}
	out := c.json(st.cfg.Currency)
	for i, x := range st.coupons {
		if x.ID == c.ID {
			st.coupons = append(st.coupons[:i], st.coupons[i+1:]...)
			break
		}
	}
	jobs := st.deliveriesFor("coupon.deleted", map[string]int64{"id": c.ID})
	st.mu.Unlock()
	st.deliver(jobs)
	writeJSON(w, http.StatusOK, out)
}

// applyCouponInput sets the given fields on c; a message when one is invalid.
func (st *Store) applyCouponInput(c *Coupon, in couponInput) string {
	if in.Code != nil {
		c.Code = strings.TrimSpace(*in.Code)
	}
	if in.DiscountType != nil {
		switch *in.DiscountType {
		case "percent", "fixed_cart", "fixed_product":
			c.DiscountType = *in.DiscountType
		default:
			return "Invalid parameter(s): discount_type"
		}
	}
	if in.Amount != nil {
		scale := wcmoney.Exponent(st.cfg.Currency)
		if c.DiscountType == "percent" {
			scale = 2
		}
		v, err := wcmoney.ParseScaled(*in.Amount, scale)
		if err != nil || v < 0 || (c.DiscountType == "percent" && v > 10000) {
			return "Invalid parameter(s): amount"
		}
		c.Amount = v
	}
	return st.applyCouponLimits(c, in)
}

func (st *Store) applyCouponLimits(c *Coupon, in couponInput) string {
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.UsageLimit != nil {
		c.UsageLimit = max(*in.UsageLimit, 0)
	}
	if in.UsageLimitPerUser != nil {
		c.UsageLimitPerUser = max(*in.UsageLimitPerUser, 0)
	}
	if in.FreeShipping != nil {
		c.FreeShipping = *in.FreeShipping
	}
	if in.DateExpires != nil {
		if *in.DateExpires == "" {
			c.Expires = time.Time{}
		} else if t, ok := parseDate(*in.DateExpires); ok {
			c.Expires = t
		} else {
			return "Invalid parameter(s): date_expires"
		}
	}
	return ""
}

package woocommerce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// pageSize is the REST API's largest page.
const pageSize = 100

// Coupon discount types.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#coupon-properties
const (
	DiscountPercent      = "percent"
	DiscountFixedCart    = "fixed_cart"
	DiscountFixedProduct = "fixed_product"
)

// ErrCodeExists is the REST error code for a coupon code already taken.
const ErrCodeExists = "woocommerce_rest_coupon_code_already_exists"

// wcCoupon is the REST API v3 coupon.
type wcCoupon struct {
	ID                int64  `json:"id"`
	Code              string `json:"code"`
	Amount            string `json:"amount"`
	Status            string `json:"status,omitempty"`
	DiscountType      string `json:"discount_type"`
	Description       string `json:"description,omitempty"`
	DateModifiedGMT   string `json:"date_modified_gmt,omitempty"`
	DateExpiresGMT    string `json:"date_expires_gmt,omitempty"`
	UsageCount        int    `json:"usage_count"`
	UsageLimit        *int   `json:"usage_limit"`
	UsageLimitPerUser *int   `json:"usage_limit_per_user"`
	FreeShipping      bool   `json:"free_shipping"`
}

// ImportCodes reads one page of the store's coupons, oldest first so that
// coupons created meanwhile land on later pages; the cursor is the next
// page number. Total comes from X-WP-Total.
func (a *Adapter) ImportCodes(ctx context.Context, c *platforms.Conn, cursor string) (platforms.CodePage, error) {
	page := 1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return platforms.CodePage{}, fmt.Errorf("woocommerce: bad import cursor %q", cursor)
		}
		page = n
	}
	currency, err := a.currency(ctx, c)
	if err != nil {
		return platforms.CodePage{}, err
	}
	var coupons []wcCoupon
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(pageSize)}, "orderby": {"id"}, "order": {"asc"}}
	h, err := a.do(ctx, c, call{method: http.MethodGet, path: "/coupons", query: q, out: &coupons})
	if err != nil {
		return platforms.CodePage{}, err
	}
	out := platforms.CodePage{Total: totalHeader(h, "X-WP-Total")}
	for _, cp := range coupons {
		out.Codes = append(out.Codes, a.discountCode(cp, currency))
	}
	if pages := totalHeader(h, "X-WP-TotalPages"); (pages < 0 && len(coupons) == pageSize) || page < pages {
		out.Next = strconv.Itoa(page + 1)
	}
	return out, nil
}

// DiscountCodes reads one coupon back from the store (the worker's code
// sync after a coupon webhook). A coupon gone from the store is no code.
func (a *Adapter) DiscountCodes(ctx context.Context, c *platforms.Conn, discountID string) ([]platforms.DiscountCode, error) {
	if _, err := strconv.ParseInt(discountID, 10, 64); err != nil {
		return nil, fmt.Errorf("woocommerce: bad coupon id %q", discountID)
	}
	currency, err := a.currency(ctx, c)
	if err != nil {
		return nil, err
	}
	var cp wcCoupon
	_, err = a.do(ctx, c, call{method: http.MethodGet, path: "/coupons/" + discountID, out: &cp})
	if _, gone := isAPIError(err, http.StatusNotFound, http.StatusGone); gone {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []platforms.DiscountCode{a.discountCode(cp, currency)}, nil
}

// CreateCode creates a coupon. A code the store already has, or a value it
// refuses, is a *platforms.RejectedError with WooCommerce's message.
func (a *Adapter) CreateCode(ctx context.Context, c *platforms.Conn, code platforms.NewCode) (platforms.DiscountCode, error) {
	currency, err := a.currency(ctx, c)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	body, err := newCoupon(code, currency)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	var cp wcCoupon
	_, err = a.do(ctx, c, call{method: http.MethodPost, path: "/coupons", body: body, out: &cp})
	if apiErr, ok := isAPIError(err, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity); ok {
		return platforms.DiscountCode{}, &platforms.RejectedError{Reason: apiErr.Message}
	}
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	return a.discountCode(cp, currency), nil
}

// newCoupon is the REST body creating code; percentages are sent as
// "12.50" for 1250 basis points, fixed amounts in the store's currency.
func newCoupon(code platforms.NewCode, storeCurrency string) (map[string]any, error) {
	body := map[string]any{"code": code.Code, "description": code.Title}
	switch code.DiscountType {
	case "percentage":
		if code.DiscountValue <= 0 || code.DiscountValue > 10000 {
			return nil, &platforms.RejectedError{Reason: "a percentage discount must be between 0 and 100%"}
		}
		body["discount_type"], body["amount"] = DiscountPercent, wcmoney.FormatScaled(code.DiscountValue, 2)
	case "fixed_amount":
		if code.Currency != "" && !strings.EqualFold(code.Currency, storeCurrency) {
			return nil, &platforms.RejectedError{Reason: fmt.Sprintf("the store sells in %s, not %s", storeCurrency, code.Currency)}
		}
		body["discount_type"], body["amount"] = DiscountFixedCart, wcmoney.FormatMinor(code.DiscountValue, storeCurrency)
	default:
		return nil, &platforms.RejectedError{Reason: fmt.Sprintf("WooCommerce coupons cannot be of type %q", code.DiscountType)}
	}
	if code.OncePerCustomer {
		body["usage_limit_per_user"] = 1
	}
	return body, nil
}

// discountCode maps a coupon: percent → "percentage" in basis points
// ("10.00" → 1000); fixed_cart → "fixed_amount" in minor units of the
// store currency; fixed_product (an amount off each item) → "other" in
// minor units; a zero-amount coupon granting free shipping →
// "free_shipping". A coupon expired, used up or not published is inactive.
func (a *Adapter) discountCode(cp wcCoupon, currency string) platforms.DiscountCode {
	dc := platforms.DiscountCode{PlatformID: strconv.FormatInt(cp.ID, 10), Code: cp.Code, Currency: currency,
		OncePerCustomer: cp.UsageLimitPerUser != nil && *cp.UsageLimitPerUser == 1, Active: a.usable(cp)}
	switch cp.DiscountType {
	case DiscountPercent:
		dc.DiscountType = "percentage"
		dc.DiscountValue, _ = wcmoney.ParseScaled(cp.Amount, 2)
		dc.Currency = ""
	case DiscountFixedCart:
		dc.DiscountType = "fixed_amount"
		dc.DiscountValue, _ = wcmoney.ParseMinor(cp.Amount, currency)
	default:
		dc.DiscountType = "other"
		dc.DiscountValue, _ = wcmoney.ParseMinor(cp.Amount, currency)
	}
	if cp.FreeShipping && dc.DiscountValue == 0 {
		dc.DiscountType, dc.Currency = "free_shipping", ""
	}
	return dc
}

func (a *Adapter) usable(cp wcCoupon) bool {
	if cp.Status != "" && cp.Status != "publish" {
		return false
	}
	if exp := gmt(cp.DateExpiresGMT); !exp.IsZero() && !a.now().Before(exp) {
		return false
	}
	return cp.UsageLimit == nil || *cp.UsageLimit <= 0 || cp.UsageCount < *cp.UsageLimit
}

// currency is the store's currency, read once and kept in the credentials.
func (a *Adapter) currency(ctx context.Context, c *platforms.Conn) (string, error) {
	if cur := c.Credentials[CredCurrency]; cur != "" {
		return cur, nil
	}
	cur, err := a.StoreCurrency(ctx, c)
	if err != nil {
		return "", err
	}
	if c.Credentials == nil {
		c.Credentials = map[string]string{}
	}
	c.Credentials[CredCurrency], c.Changed = cur, true
	return cur, nil
}

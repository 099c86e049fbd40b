package woocommerce

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"codecredit/platforms"
)

// expiredFor is how far in the past DeactivateCode sets a coupon's expiry
// date: WooCommerce reads date_expires in the site's timezone, which we do
// not know, so a day back is in the past whatever the site's offset.
const expiredFor = 24 * time.Hour

// DeactivateCode switches a coupon off by expiring it: PUT /coupons/{id}
// with date_expires in the past. The REST API documents no enabled flag
// for coupons (https://woocommerce.github.io/woocommerce-rest-api-docs/#coupon-properties);
// date_expires is the documented writable field WooCommerce checks when a
// customer applies a coupon ("This coupon has expired"), and the merchant
// sees it in the coupon list. Trashing the coupon (DELETE without force)
// would take it off the list, and a draft status is not documented. A
// coupon already expired keeps its date; one gone from the store (404) is
// not an error.
func (a *Adapter) DeactivateCode(ctx context.Context, c *platforms.Conn, code platforms.DiscountCode) error {
	if _, err := strconv.ParseInt(code.PlatformID, 10, 64); err != nil {
		return &platforms.RejectedError{Reason: fmt.Sprintf("Codecredit does not know the WooCommerce coupon id of %s", code.Code)}
	}
	path := "/coupons/" + code.PlatformID
	var cp wcCoupon
	_, err := a.do(ctx, c, call{method: http.MethodGet, path: path, out: &cp})
	if _, gone := isAPIError(err, http.StatusNotFound, http.StatusGone); gone {
		return nil
	}
	if err != nil {
		return err
	}
	if exp := gmt(cp.DateExpiresGMT); !exp.IsZero() && !a.now().Before(exp) {
		return nil
	}
	body := map[string]any{"date_expires": a.now().UTC().Add(-expiredFor).Format("2006-01-02T15:04:05")}
	_, err = a.do(ctx, c, call{method: http.MethodPut, path: path, body: body, out: &cp})
	if _, gone := isAPIError(err, http.StatusNotFound, http.StatusGone); gone {
		return nil
	}
	if apiErr, ok := isAPIError(err, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity); ok {
		return &platforms.RejectedError{Reason: apiErr.Message}
	}
	return err
}

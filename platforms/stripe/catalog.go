package stripe

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// PageSize is how many promotion codes one import page holds (Stripe's maximum).
const PageSize = 100

// ImportCodes reads one page of the account's promotion codes, with their
// coupons expanded (GET /v1/promotion_codes?limit=100&starting_after=...).
// Each code keeps the coupon id as PlatformID and its own id (promo_...) as
// PlatformCodeID, the name orders give it. Stripe lists no total: Total is -1.
func (a *Adapter) ImportCodes(ctx context.Context, c *platforms.Conn, cursor string) (platforms.CodePage, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return platforms.CodePage{}, err
	}
	p := &stripe.PromotionCodeListParams{}
	p.Limit = stripe.Int64(PageSize)
	if cursor != "" {
		p.StartingAfter = stripe.String(cursor)
	}
	p.AddExpand("data.promotion.coupon")
	p.StripeAccount = account
	list := sc.V1PromotionCodes.List(ctx, p)
	if err := list.Err(); err != nil {
		return platforms.CodePage{}, callError("list promotion codes", err)
	}
	page := platforms.CodePage{Total: -1}
	data := list.Data()
	for _, pc := range data {
		page.Codes = append(page.Codes, discountCode(pc))
	}
	if list.Meta().HasMore && len(data) > 0 {
		page.Next = data[len(data)-1].ID
	}
	return page, nil
}

// discountCode maps a promotion code and its expanded coupon
// (https://docs.stripe.com/api/promotion_codes/object). Stripe has no
// "once per customer"; its nearest, restrictions.first_time_transaction,
// stands for it.
func discountCode(pc *stripe.PromotionCode) platforms.DiscountCode {
	dc := platforms.DiscountCode{PlatformCodeID: pc.ID, Code: pc.Code, Active: pc.Active, DiscountType: "other"}
	if pc.Restrictions != nil {
		dc.OncePerCustomer = pc.Restrictions.FirstTimeTransaction
	}
	if pc.Promotion == nil || pc.Promotion.Coupon == nil {
		return dc
	}
	cp := pc.Promotion.Coupon
	dc.PlatformID = cp.ID
	if cp.Object != "coupon" {
		return dc // not expanded: only its id is known
	}
	dc.Active = dc.Active && cp.Valid
	switch {
	case cp.PercentOff > 0:
		dc.DiscountType, dc.DiscountValue = "percentage", percentToBasisPoints(cp.PercentOff)
	case cp.AmountOff > 0:
		dc.DiscountType, dc.DiscountValue = "fixed_amount", cp.AmountOff
		dc.Currency = strings.ToUpper(string(cp.Currency))
	}
	return dc
}

// CreateCode creates the promotion code on the account, on a coupon with
// the code's discount: ours when it exists already (coupons are shared by
// every code with the same terms), else a new one. A code Stripe refuses
// (taken by another active code, invalid) is a *platforms.RejectedError
// with Stripe's message; a code we created before (a retried job) is
// returned as it is.
func (a *Adapter) CreateCode(ctx context.Context, c *platforms.Conn, code platforms.NewCode) (platforms.DiscountCode, error) {
	sc, account, err := a.client(c)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	coupon, err := ensureCoupon(ctx, sc, account, code)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	p := &stripe.PromotionCodeCreateParams{
		Code:      stripe.String(code.Code),
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(coupon)},
	}
	if code.OncePerCustomer {
		p.Restrictions = &stripe.PromotionCodeCreateRestrictionsParams{FirstTimeTransaction: stripe.Bool(true)}
	}
	if code.Title != "" {
		p.AddMetadata("codecredit_title", code.Title)
	}
	p.AddExpand("promotion.coupon")
	p.StripeAccount = account
	pc, err := sc.V1PromotionCodes.Create(ctx, p)
	if err == nil {
		return discountCode(pc), nil
	}
	err = rejection("create promotion code", err)
	var rej *platforms.RejectedError
	if errors.As(err, &rej) {
		if ours, ok := findOwnCode(ctx, sc, account, code.Code, coupon); ok {
			return discountCode(ours), nil
		}
	}
	return platforms.DiscountCode{}, err
}

// findOwnCode finds an active promotion code with this text on our coupon.
func findOwnCode(ctx context.Context, sc *stripe.Client, account *string, code, coupon string) (*stripe.PromotionCode, bool) {
	p := &stripe.PromotionCodeListParams{Code: stripe.String(code), Active: stripe.Bool(true)}
	p.Limit = stripe.Int64(10)
	p.AddExpand("data.promotion.coupon")
	p.StripeAccount = account
	list := sc.V1PromotionCodes.List(ctx, p)
	if list.Err() != nil {
		return nil, false
	}
	for _, pc := range list.Data() {
		if pc.Promotion != nil && pc.Promotion.Coupon != nil && pc.Promotion.Coupon.ID == coupon &&
			strings.EqualFold(pc.Code, code) {
			return pc, true
		}
	}
	return nil, false
}

// ensureCoupon returns the id of our coupon for the code's discount,
// creating it on first use. Its id says its terms ("codecredit_pct_1500",
// "codecredit_off_500_usd"), so the same terms always find the same
// coupon. It applies once: to an order, or to a subscription's first invoice.
func ensureCoupon(ctx context.Context, sc *stripe.Client, account *string, code platforms.NewCode) (string, error) {
	p, err := couponParams(code)
	if err != nil {
		return "", err
	}
	p.StripeAccount = account
	_, err = sc.V1Coupons.Create(ctx, p)
	if err == nil || !isAlreadyExists(err) {
		if err != nil {
			return "", rejection("create coupon", err)
		}
		return *p.ID, nil
	}
	rp := &stripe.CouponRetrieveParams{}
	rp.StripeAccount = account
	got, err := sc.V1Coupons.Retrieve(ctx, *p.ID, rp)
	if err != nil {
		return "", callError("retrieve coupon", err)
	}
	if !got.Valid {
		return "", &platforms.RejectedError{Reason: fmt.Sprintf("Stripe coupon %s is no longer valid; delete it in Stripe to create codes with this discount again", got.ID)}
	}
	return got.ID, nil
}

// couponParams is the create request of our coupon for a discount. The
// percentage goes as an exact decimal string, never through a float.
func couponParams(code platforms.NewCode) (*stripe.CouponCreateParams, error) {
	p := &stripe.CouponCreateParams{Duration: stripe.String("once")}
	switch code.DiscountType {
	case "percentage":
		if code.DiscountValue <= 0 || code.DiscountValue > 10000 {
			return nil, &platforms.RejectedError{Reason: "a percentage discount must be between 0.01% and 100%"}
		}
		pct := currency.BasisPointsToPercent(code.DiscountValue)
		p.ID = stripe.String("codecredit_pct_" + strconv.FormatInt(code.DiscountValue, 10))
		p.Name = stripe.String(pct + "% off")
		p.AddExtra("percent_off", pct)
	case "fixed_amount":
		cur := strings.ToLower(strings.TrimSpace(code.Currency))
		if code.DiscountValue <= 0 || len(cur) != 3 {
			return nil, &platforms.RejectedError{Reason: "a fixed amount discount needs a positive amount and a currency"}
		}
		p.ID = stripe.String("codecredit_off_" + strconv.FormatInt(code.DiscountValue, 10) + "_" + cur)
		p.Name = stripe.String(formatMinor(code.DiscountValue, cur) + " " + strings.ToUpper(cur) + " off")
		p.AmountOff = stripe.Int64(code.DiscountValue)
		p.Currency = stripe.String(cur)
	default:
		return nil, &platforms.RejectedError{Reason: fmt.Sprintf("Stripe codes can only carry a percentage or a fixed amount, not %q", code.DiscountType)}
	}
	return p, nil
}

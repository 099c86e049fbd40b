package stripe

import (
	"context"
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// DeactivateCode switches a promotion code off (POST
// /v1/promotion_codes/{id} with active=false,
// https://docs.stripe.com/api/promotion_codes/update): customers can no
// longer redeem it, and it stays listed on the account. The code is found
// by its promo_ id, or by its text among the active codes when the id is
// not known; a code already inactive, or gone, is left as it is.
func (a *Adapter) DeactivateCode(ctx context.Context, c *platforms.Conn, code platforms.DiscountCode) error {
	sc, account, err := a.client(c)
	if err != nil {
		return err
	}
	id := code.PlatformCodeID
	if id == "" {
		if id, err = activeCodeID(ctx, sc, account, code.Code); err != nil || id == "" {
			return err
		}
	}
	p := &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(false)}
	p.StripeAccount = account
	_, err = sc.V1PromotionCodes.Update(ctx, id, p)
	if err == nil || isMissing(err) {
		return nil
	}
	return rejection("deactivate promotion code", err)
}

// activeCodeID is the id of the active promotion code spelled code, or ""
// when the account has none.
func activeCodeID(ctx context.Context, sc *stripe.Client, account *string, code string) (string, error) {
	p := &stripe.PromotionCodeListParams{Code: stripe.String(code), Active: stripe.Bool(true)}
	p.Limit = stripe.Int64(1)
	p.StripeAccount = account
	list := sc.V1PromotionCodes.List(ctx, p)
	if err := list.Err(); err != nil {
		return "", callError("find promotion code", err)
	}
	if data := list.Data(); len(data) > 0 {
		return data[0].ID, nil
	}
	return "", nil
}

// isMissing reports whether Stripe answered that the object does not exist.
func isMissing(err error) bool {
	var se *stripe.Error
	return errors.As(err, &se) && (se.Code == stripe.ErrorCodeResourceMissing || se.HTTPStatusCode == http.StatusNotFound)
}

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// affiliateWithPayout is one affiliate as the merchant's API shows it:
// the affiliate's fields and, opened for the merchant, the payout details
// (null when none), the methods the account offers and who changed the
// method lately.
type affiliateWithPayout struct {
	*models.Affiliate
	PayoutDetails       *models.PayoutDetailsView   `json:"payout_details"`
	PayoutMethods       []string                    `json:"payout_methods"`
	PayoutMethodChanges []models.PayoutMethodChange `json:"payout_method_changes"`
}

// showAffiliate answers with one affiliate of the caller's account and its
// payout details.
func (h *affiliateHandlers) showAffiliate(c echo.Context, a *models.Affiliate) error {
	ctx, acct := c.Request().Context(), account(c).ID
	out := affiliateWithPayout{Affiliate: a}
	var err error
	if out.PayoutDetails, err = h.store.GetPayoutDetails(ctx, acct, a.ID); err != nil {
		return err
	}
	if out.PayoutMethods, err = h.store.PayoutMethods(ctx, acct); err != nil {
		return err
	}
	if out.PayoutMethodChanges, err = h.store.ListPayoutMethodChanges(ctx, acct, a.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// SetPayoutDetails sets or overrides an affiliate's payout method
// ({"method": "paypal|stripe_connect|store_credit|manual", "paypal_email",
// "bank_details"}), recording the caller as who changed it, and answers
// with the affiliate as GetAffiliate does. A refused field is a 400
// naming it; nothing changes.
func (h *affiliateHandlers) SetPayoutDetails(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in models.PayoutMethodInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	if _, err := h.store.SavePayoutMethod(ctx, acct, id, in, actor(c)); err != nil {
		return err
	}
	a, err := h.store.GetAffiliate(ctx, acct, id)
	if err != nil {
		return err
	}
	return h.showAffiliate(c, a)
}

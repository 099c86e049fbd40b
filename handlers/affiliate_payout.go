package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// affiliateWithPayout is one affiliate as the merchant's API shows it:
// the affiliate's fields and, opened for the merchant, the payout details
// the affiliate entered in the portal (null when none).
type affiliateWithPayout struct {
	*models.Affiliate
	PayoutDetails *models.PayoutDetailsView `json:"payout_details"`
}

// showAffiliate answers with one affiliate of the caller's account and its
// payout details.
func (h *affiliateHandlers) showAffiliate(c echo.Context, a *models.Affiliate) error {
	details, err := h.store.GetPayoutDetails(c.Request().Context(), account(c).ID, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, affiliateWithPayout{Affiliate: a, PayoutDetails: details})
}

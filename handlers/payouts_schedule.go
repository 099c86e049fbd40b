package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// payoutScheduleHandlers serve the payout schedule and the preview of a
// run paid by one method.
type payoutScheduleHandlers struct {
	store *models.Store
}

// scheduleBody is the payout schedule as the API reads and shows it:
// {payout_schedule: {day_of_month, methods} or null for off}.
type scheduleBody struct {
	PayoutSchedule *models.ScheduleInput `json:"payout_schedule"`
}

// GetPayoutSchedule shows the account's payout schedule (null: off).
func (h *payoutScheduleHandlers) GetPayoutSchedule(c echo.Context) error {
	sch, err := h.store.GetPayoutSchedule(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, scheduleBody{PayoutSchedule: sch})
}

// SavePayoutSchedule sets the payout schedule: {payout_schedule:
// {day_of_month (1-28), methods: [paypal, stripe_connect, store_credit]}}
// or {payout_schedule: null} to turn it off. On or after that day each
// month, one run per method starts by itself.
func (h *payoutScheduleHandlers) SavePayoutSchedule(c echo.Context) error {
	var in scheduleBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := h.store.SavePayoutSchedule(c.Request().Context(), account(c).ID, in.PayoutSchedule); err != nil {
		return err
	}
	return h.GetPayoutSchedule(c)
}

// PreviewPayoutRun shows what a run paid by ?method= (paypal,
// stripe_connect, store_credit) would pay now, and who it would leave out
// and why; nothing changes.
func (h *payoutScheduleHandlers) PreviewPayoutRun(c echo.Context) error {
	v, err := h.store.PreviewRun(c.Request().Context(), account(c).ID, c.QueryParam("method"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

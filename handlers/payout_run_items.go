package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ListPayoutRuns lists the account's payout runs, newest first, each with
// its items' totals per status.
func (h *paypalHandlers) ListPayoutRuns(c echo.Context) error {
	runs, err := h.store.ListPayoutRuns(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": runs})
}

// GetRunItems shows one run with every item, whatever its method: the
// affiliate, method, amount, status (queued, sending, unclaimed, paid,
// failed, returned) with the platform's reason, the totals per status and
// whether a retry can pay each failed item.
func (h *paypalHandlers) GetRunItems(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.store.GetRunItems(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// RetryFailedItems pays again every failed item of the run that a retry
// can fix, in a new PayPal run queued at once: 201 with what it retried.
// Nothing left to retry (a second click, items paid since) is 409.
func (h *paypalHandlers) RetryFailedItems(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := h.store.RetryFailedItems(ctx, account(c).ID, id)
	if err != nil {
		return err
	}
	if h.queue != nil {
		if err := h.queue.EnqueuePayPalSend(ctx, res.RetryRunID); err != nil {
			h.log.Warn("queue paypal send; the sweeper will", "run_id", res.RetryRunID, "error", err)
		}
	}
	return c.JSON(http.StatusCreated, res)
}

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// RetryEvent takes one of the account's failed deliveries off the
// dead-letter list and queues it for the worker; the event comes back as
// pending (without a queue, the sweeper takes it up). One that is not
// failed is a 409 and changes nothing.
func (h *eventHandlers) RetryEvent(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ev, err := h.store.ReviveEvent(ctx, account(c).ID, id)
	if err != nil {
		return err
	}
	if h.jobs != nil {
		if err := h.jobs.RetryEvent(ctx, ev.ID); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusAccepted, ev)
}

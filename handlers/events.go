package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// eventHandlers show the platform deliveries stored for an account and
// what became of them, so orders and refunds that could not be booked are
// visible with their error.
type eventHandlers struct {
	store *models.Store
	jobs  JobQueue
}

// eventStatuses are the ?status= values ListEvents accepts.
var eventStatuses = map[models.EventStatus]bool{
	models.EventProcessed: true, models.EventPending: true, models.EventRetrying: true, models.EventFailed: true,
}

// ListEvents lists the account's deliveries, newest first: ?status=
// (processed, pending, retrying, failed), ?page=, ?per_page=. Failed ones
// carry last_error and the platform's order_id.
func (h *eventHandlers) ListEvents(c echo.Context) error {
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	f := models.EventFilter{Status: models.EventStatus(c.QueryParam("status")), Page: p.Page, PerPage: p.PerPage}
	if f.Status != "" && !eventStatuses[f.Status] {
		return badRequest("status must be one of processed, pending, retrying, failed")
	}
	rows, total, err := h.store.ListEvents(c.Request().Context(), account(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

// GetEvent shows one of the account's deliveries; another account's is a 404.
func (h *eventHandlers) GetEvent(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ev, err := h.store.GetAccountEvent(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

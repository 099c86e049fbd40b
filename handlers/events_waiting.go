package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ListWaitingRefunds lists the account's refunds still waiting for their
// order, the longest waiting first, each with its age (?page=, ?per_page=).
func (h *eventHandlers) ListWaitingRefunds(c echo.Context) error {
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	rows, total, err := h.store.ListWaitingRefunds(c.Request().Context(), account(c).ID, p.Page, p.PerPage)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// connectionHandlers show an account's store connections and their
// import progress.
type connectionHandlers struct {
	store *models.Store
	jobs  JobQueue
}

// ListConnections lists the account's connections with import progress
// (import_done of import_total, import_state), for the admin's progress bar.
func (h *connectionHandlers) ListConnections(c echo.Context) error {
	conns, err := h.store.ListConnections(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": conns})
}

// StartImport imports the connection's discount codes again (new codes
// are added, known ones refreshed).
func (h *connectionHandlers) StartImport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	conn, err := h.store.GetConnection(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if conn.AccountID != account(c).ID {
		return fmt.Errorf("%w: connection", models.ErrNotFound)
	}
	if conn.Status != models.ConnectionActive {
		return echo.NewHTTPError(http.StatusConflict, "the store is "+conn.Status+"; connect it again first")
	}
	if h.jobs == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "no job queue")
	}
	if err := h.jobs.EnqueueImport(c.Request().Context(), conn.ID); err != nil {
		return unavailable(err)
	}
	return c.JSON(http.StatusAccepted, map[string]any{"connection_id": conn.ID, "import": "queued"})
}

// ListDataRequests shows the customers' data requests received from the
// platforms, each with the export of what Codecredit holds about them, for
// the merchant to send on.
func (h *connectionHandlers) ListDataRequests(c echo.Context) error {
	reqs, err := h.store.ListDataRequests(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	type view struct {
		models.DataRequest
		Export json.RawMessage `json:"export"`
	}
	out := make([]view, len(reqs))
	for i, r := range reqs {
		out[i] = view{DataRequest: r, Export: json.RawMessage(r.Export)}
	}
	return c.JSON(http.StatusOK, map[string]any{"data": out})
}

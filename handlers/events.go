package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// eventHandlers show the platform deliveries stored for an account and
// what became of them, so orders and refunds that could not be booked are
// visible with their error.
type eventHandlers struct {
	store   *models.Store
	jobs    JobQueue
	parsers map[string]platforms.Platform
}

// eventStatuses are the ?status= values ListEvents accepts.
var eventStatuses = map[models.EventStatus]bool{
	models.EventProcessed: true, models.EventPending: true, models.EventRetrying: true, models.EventFailed: true,
}

// ListEvents lists the account's deliveries, newest first: ?status=
// (processed, pending, retrying, failed), ?page=, ?per_page=. Failed ones
// carry last_error and the platform's order_id; each says what became of
// it (state, conversion_id, refund_id, reason) as GetEvent does.
func (h *eventHandlers) ListEvents(c echo.Context) error {
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	f := models.EventFilter{Status: models.EventStatus(c.QueryParam("status")), Page: p.Page, PerPage: p.PerPage}
	if f.Status != "" && !eventStatuses[f.Status] {
		return badRequest("status must be one of processed, pending, retrying, failed")
	}
	rows, total, err := h.store.ListEventBookings(c.Request().Context(), account(c).ID, f, h.parse)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

// GetEvent shows one of the account's deliveries and what became of it
// (state: queued, booked, waiting_for_order, failed, ignored, with the
// conversion and the reason); another account's is a 404.
func (h *eventHandlers) GetEvent(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ev, err := h.store.EventBookingOf(c.Request().Context(), account(c).ID, id, h.parse)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

// parse reads a stored delivery with its platform's adapter; events the
// JSON API stored are read even when no adapter is configured for it.
func (h *eventHandlers) parse(ev *models.WebhookEvent) ([]platforms.Event, error) {
	p, ok := h.parsers[ev.Platform]
	if !ok && ev.Platform == platforms.API {
		p, ok = api.Platform{}, true
	}
	if !ok {
		return nil, nil
	}
	return p.ParseWebhook(ev.Topic, ev.Body)
}

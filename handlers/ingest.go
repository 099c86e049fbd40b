package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// ingestHandlers take orders and refunds from merchants whose checkout is
// their own. Like a webhook: store the raw event first, then enqueue it.
type ingestHandlers struct {
	store *models.Store
	jobs  JobQueue
	log   *slog.Logger
}

// ingestResult answers a reported event: 202 when stored for processing,
// 200 with duplicate true when the same id was already reported.
// StatusURL (also the Location header) reads what became of it.
type ingestResult struct {
	EventID   uint64 `json:"event_id"`
	Duplicate bool   `json:"duplicate"`
	StatusURL string `json:"status_url"`
}

// CreateOrder reports a paid order (platforms.Order JSON). A resend of the
// same order id is a no-op.
func (h *ingestHandlers) CreateOrder(c echo.Context) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var o platforms.Order
	if err := decodeStrict(body, &o); err != nil {
		return err
	}
	if err := api.ValidateOrder(&o); err != nil {
		return err
	}
	if err := models.CheckOrder(&o); err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c)
	conn, err := h.store.APIConnection(ctx, acct.ID)
	if err != nil {
		return err
	}
	return h.storeEvent(c, conn, api.TopicOrderPaid, "order:"+o.ExternalID, body)
}

// CreateSubscription reports a subscription's state after a change
// (platforms.Subscription JSON: id, status, currency, amount per
// interval × interval_count, started_at, changed_at, canceled_at); the
// reports of recurring revenue by affiliate read them. A state sent again
// is a no-op; one older than the state kept changes nothing.
func (h *ingestHandlers) CreateSubscription(c echo.Context) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var sub platforms.Subscription
	if err := decodeStrict(body, &sub); err != nil {
		return err
	}
	if err := api.ValidateSubscription(&sub); err != nil {
		return err
	}
	if !models.ValidCurrency(sub.Currency) {
		return badRequest("currency %q is not an ISO 4217 code", sub.Currency)
	}
	ctx, acct := c.Request().Context(), account(c)
	conn, err := h.store.APIConnection(ctx, acct.ID)
	if err != nil {
		return err
	}
	return h.storeEvent(c, conn, api.TopicSubscription, "subscription:"+sub.ExternalID+":"+sub.ChangedAt.UTC().Format(time.RFC3339Nano), body)
}

// CreateRefund reports a refund (platforms.Refund JSON); "full": true is a
// cancellation of the whole order.
func (h *ingestHandlers) CreateRefund(c echo.Context) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var r platforms.Refund
	if err := decodeStrict(body, &r); err != nil {
		return err
	}
	if err := api.ValidateRefund(&r); err != nil {
		return err
	}
	if err := models.CheckRefund(&r); err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c)
	conn, err := h.store.APIConnection(ctx, acct.ID)
	if err != nil {
		return err
	}
	if err := h.store.CheckRefundCurrency(ctx, conn.ID, r); err != nil {
		return err
	}
	topic := api.TopicOrderRefunded
	if r.Full {
		topic = api.TopicOrderCancelled
	}
	return h.storeEvent(c, conn, topic, refundEventID(r), body)
}

// refundEventID keys a refund by its order and its id: refund ids are
// unique per order, so two orders may each have a refund "1".
func refundEventID(r platforms.Refund) string {
	return "refund:" + url.PathEscape(r.OrderExternalID) + "/" + url.PathEscape(r.ExternalID)
}

// storeEvent saves the raw event once per id, then hands it to the workers.
// A failed enqueue still answers 202: the event is stored and the sweeper
// enqueues it again.
func (h *ingestHandlers) storeEvent(c echo.Context, conn *models.Connection, topic, eventID string, body []byte) error {
	ctx, acct := c.Request().Context(), account(c)
	ev, created, err := h.store.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: acct.ID, ConnectionID: conn.ID,
		Platform: platforms.API, Topic: topic, ExternalEventID: eventID, Body: body})
	if errors.Is(err, models.ErrInvalid) {
		return err
	} else if err != nil {
		return unavailable(storeRetryLater, err) // 503: the sender retries; a resend is a no-op
	}
	status := "/api/v1/events/" + strconv.FormatUint(ev.ID, 10)
	c.Response().Header().Set(echo.HeaderLocation, status)
	if !created {
		return c.JSON(http.StatusOK, ingestResult{EventID: ev.ID, Duplicate: true, StatusURL: status})
	}
	if h.jobs != nil {
		if err := h.jobs.EnqueueEvent(ctx, ev.ID); err != nil {
			h.log.WarnContext(ctx, "enqueue failed; the sweeper will retry", "event_id", ev.ID,
				"request_id", requestID(c), "error", err)
		}
	}
	return c.JSON(http.StatusAccepted, ingestResult{EventID: ev.ID, StatusURL: status})
}

package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// enqueueBudget bounds the enqueue after a delivery is stored.
const enqueueBudget = 250 * time.Millisecond

// maxWebhookBody is the largest delivery accepted (the platforms' own
// payloads stay far below it).
const maxWebhookBody = 1 << 20

// webhookHandlers receive every platform's webhooks on one route: read
// the raw body, verify its signature, store the raw event once, enqueue
// it, answer at once.
type webhookHandlers struct {
	store     *models.Store
	platforms map[string]platforms.Platform
	verifier  *webhookVerifier
	jobs      JobQueue
	log       *slog.Logger
	now       func() time.Time
}

// ReceiveWebhook handles POST /webhooks/:platform. A bad or missing
// signature is a 401 and stores nothing; a redelivery is a 200 no-op; when
// the database is down the answer is 503, so the platform retries later.
func (h *webhookHandlers) ReceiveWebhook(c echo.Context) error {
	name := c.Param("platform")
	dup, err := h.receive(c, name)
	if _, known := h.platforms[name]; known {
		countWebhook(name, err, dup)
	}
	return err
}

func (h *webhookHandlers) receive(c echo.Context, name string) (duplicate bool, err error) {
	p, ok := h.platforms[name].(platforms.Receiver)
	if !ok { // no such platform, or one whose events are not webhooks
		return false, echo.NewHTTPError(http.StatusNotFound, "unknown platform "+name)
	}
	body, err := readWebhookBody(c.Request())
	if err != nil {
		return false, err
	}
	if handled, err := h.accountUpdated(c, p, body); handled { // stripe_account_updated.go
		return false, err
	}
	conn, wh, err := h.verifier.verify(c.Request(), p, body)
	if err != nil {
		return false, err
	}
	if conn == nil {
		return false, c.JSON(http.StatusOK, map[string]any{"ok": true, "ignored": "no such store here; nothing to do"})
	}
	ev, created, err := h.store.StoreWebhookEvent(c.Request().Context(), &models.WebhookEvent{
		AccountID: conn.AccountID, ConnectionID: conn.ID, Platform: name, Topic: wh.Topic,
		ExternalEventID: wh.EventID, Body: body, ReceivedAt: h.now()})
	if err != nil {
		return false, unavailable(storeRetryLater, err)
	}
	if created {
		h.enqueue(c.Request().Context(), ev.ID)
	}
	return !created, c.JSON(http.StatusOK, map[string]any{"ok": true, "event_id": ev.ID, "duplicate": !created})
}

// readWebhookBody reads a delivery's raw body, refusing one over
// maxWebhookBody.
func readWebhookBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		return nil, badRequest("could not read the body: %v", err)
	}
	if len(body) > maxWebhookBody {
		return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, "webhook body over 1 MB")
	}
	return body, nil
}

// enqueue hands a stored event to the workers. The event is stored: a
// slow or absent Redis must not hold the platform's request, and the
// sweeper queues what this misses.
func (h *webhookHandlers) enqueue(ctx context.Context, eventID uint64) {
	if h.jobs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, enqueueBudget)
	defer cancel()
	if err := h.jobs.EnqueueEvent(ctx, eventID); err != nil {
		h.log.Warn("enqueue webhook event; the sweeper will pick it up", "event_id", eventID, "error", err)
	}
}

// storeRetryLater is the 503 for a storage failure, so the sender retries.
const storeRetryLater = "temporarily unable to store the webhook; retry later"

package handlers

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
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

// webhookHandlers receive every platform's webhooks on one route:
// verify the signature over the raw body, store the raw event once,
// enqueue it, answer at once.
type webhookHandlers struct {
	store      *models.Store
	platforms  map[string]platforms.Platform
	appSecrets map[string][]byte
	jobs       JobQueue
	log        *slog.Logger
	now        func() time.Time
	sources    sourceCache
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
	p, ok := h.platforms[name]
	if !ok || name == platforms.API {
		return false, echo.NewHTTPError(http.StatusNotFound, "unknown platform "+name)
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxWebhookBody+1))
	if err != nil {
		return false, badRequest("could not read the body: %v", err)
	}
	if len(body) > maxWebhookBody {
		return false, echo.NewHTTPError(http.StatusRequestEntityTooLarge, "webhook body over 1 MB")
	}
	conn, wh, err := h.verify(c.Request(), p, body)
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
		return false, unavailable(err)
	}
	if created && h.jobs != nil {
		// The event is stored: a slow or absent Redis must not hold the
		// platform's request; the sweeper queues what this misses.
		enq, cancel := context.WithTimeout(c.Request().Context(), enqueueBudget)
		defer cancel()
		if err := h.jobs.EnqueueEvent(enq, ev.ID); err != nil {
			h.log.Warn("enqueue webhook event; the sweeper will pick it up", "event_id", ev.ID, "error", err)
		}
	}
	return !created, c.JSON(http.StatusOK, map[string]any{"ok": true, "event_id": ev.ID, "duplicate": !created})
}

// verify finds the delivery's connection and checks its signature, with
// the platform's app-wide secret when it has one (checked before anything
// is looked up) or else the connection's own webhook secret. A verified
// delivery for a store we do not know is (nil, nil) for privacy topics
// (the data is already gone) and a 404 otherwise.
func (h *webhookHandlers) verify(r *http.Request, p platforms.Platform, body []byte) (*models.Connection, platforms.Webhook, error) {
	var wh platforms.Webhook
	source, err := p.WebhookSource(r, body)
	if errors.Is(err, platforms.ErrIgnore) {
		return nil, wh, nil
	}
	if err != nil || source == "" {
		return nil, wh, echo.NewHTTPError(http.StatusUnauthorized, "cannot tell which store sent this webhook")
	}
	secret, verified := h.appSecrets[p.Name()], false
	if as, ok := p.(platforms.AppSigned); ok && !as.SignedByApp(r, body) {
		secret = nil // signed with the connection's own secret
	}
	if len(secret) > 0 {
		if wh, err = h.check(p, r, body, secret, source); err != nil {
			return nil, wh, err
		}
		verified = true
	}
	conn, cached, err := h.sources.get(r.Context(), h.store, p.Name(), source, true)
	switch {
	case errors.Is(err, models.ErrNotFound) && verified:
		if isPrivacy(p, wh.Topic, body) {
			return nil, wh, nil
		}
		return nil, wh, echo.NewHTTPError(http.StatusNotFound, "unknown store "+source)
	case errors.Is(err, models.ErrNotFound):
		return nil, wh, echo.NewHTTPError(http.StatusUnauthorized, "unknown store or invalid signature")
	case err != nil:
		return nil, wh, unavailable(err)
	}
	if verified {
		return conn, wh, nil
	}
	wh, err = h.verifyWithConnection(r, p, body, conn, source)
	if err != nil && cached {
		// The store may have been connected again with a new secret.
		conn, _, err = h.sources.get(r.Context(), h.store, p.Name(), source, false)
		if errors.Is(err, models.ErrNotFound) {
			return nil, wh, echo.NewHTTPError(http.StatusUnauthorized, "unknown store or invalid signature")
		} else if err != nil {
			return nil, wh, unavailable(err)
		}
		wh, err = h.verifyWithConnection(r, p, body, conn, source)
	}
	return conn, wh, err
}

func (h *webhookHandlers) verifyWithConnection(r *http.Request, p platforms.Platform, body []byte, conn *models.Connection, source string) (platforms.Webhook, error) {
	creds, err := h.store.ReadCredentials(conn)
	if err != nil {
		return platforms.Webhook{}, err
	}
	secret := creds["webhook_secret"]
	if secret == "" {
		return platforms.Webhook{}, echo.NewHTTPError(http.StatusUnauthorized, "this store has no webhook secret; connect it again")
	}
	return h.check(p, r, body, []byte(secret), source)
}

// check verifies the signature and that the delivery names what it claimed.
func (h *webhookHandlers) check(p platforms.Platform, r *http.Request, body, secret []byte, source string) (platforms.Webhook, error) {
	wh, err := p.VerifyWebhook(r.Header, body, secret, h.now())
	if errors.Is(err, platforms.ErrPayload) {
		// Signed, but it does not say which store it is for.
		return wh, echo.NewHTTPError(http.StatusUnauthorized, "webhook refused: "+strings.TrimPrefix(err.Error(), "platforms: "))
	}
	if err != nil {
		return wh, echo.NewHTTPError(http.StatusUnauthorized, "invalid webhook signature")
	}
	if wh.Source != "" && wh.Source != source {
		return wh, echo.NewHTTPError(http.StatusUnauthorized, "webhook source does not match its signature")
	}
	if wh.EventID == "" || wh.Topic == "" {
		return wh, badRequest("webhook without an event id or topic")
	}
	return wh, nil
}

// isPrivacy reports whether a delivery is a privacy request.
func isPrivacy(p platforms.Platform, topic string, body []byte) bool {
	events, err := p.ParseWebhook(topic, body)
	return err == nil && len(events) > 0 && events[0].Kind == platforms.KindPrivacy
}

// unavailable answers 503 for a storage failure, so the sender retries.
func unavailable(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	he := echo.NewHTTPError(http.StatusServiceUnavailable, "temporarily unable to store the webhook; retry later")
	he.Internal = err
	return he
}

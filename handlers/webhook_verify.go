package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// webhookVerifier tells which connection a delivery is for and checks its
// signature: with the platform's app-wide secret when it has one, else
// with the connection's own webhook secret. Connections are looked up
// through a short-lived cache, asked again when a cached connection's
// secret fails (the store may have been connected again).
type webhookVerifier struct {
	store      *models.Store
	appSecrets map[string][]byte
	now        func() time.Time
	sources    sourceCache
}

// verify finds the delivery's connection and checks its signature, with
// the platform's app-wide secret when it has one (checked before anything
// is looked up) or else the connection's own webhook secret. A verified
// delivery for a store we do not know is (nil, nil) for privacy topics
// (the data is already gone) and a 404 otherwise.
func (h *webhookVerifier) verify(r *http.Request, p platforms.Receiver, body []byte) (*models.Connection, platforms.Webhook, error) {
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
		return nil, wh, unavailable(storeRetryLater, err)
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
			return nil, wh, unavailable(storeRetryLater, err)
		}
		wh, err = h.verifyWithConnection(r, p, body, conn, source)
	}
	return conn, wh, err
}

func (h *webhookVerifier) verifyWithConnection(r *http.Request, p platforms.Receiver, body []byte, conn *models.Connection, source string) (platforms.Webhook, error) {
	return h.verifyWithSecret(r, p, body, conn, source, "webhook_secret")
}

// verifyWithSecret verifies with the connection's secret named key; a
// Stripe Connect endpoint's deliveries are signed with its own secret
// (connect_webhook_secret, stripe_account_updated.go).
func (h *webhookVerifier) verifyWithSecret(r *http.Request, p platforms.Receiver, body []byte, conn *models.Connection, source, key string) (platforms.Webhook, error) {
	creds, err := h.store.ReadCredentials(conn)
	if err != nil {
		return platforms.Webhook{}, err
	}
	if creds[key] == "" {
		key = "webhook_secret" // a connection made before it had a Connect endpoint
	}
	secret := creds[key]
	if secret == "" {
		return platforms.Webhook{}, echo.NewHTTPError(http.StatusUnauthorized, "this store has no webhook secret; connect it again")
	}
	return h.check(p, r, body, []byte(secret), source)
}

// check verifies the signature and that the delivery names what it claimed.
func (h *webhookVerifier) check(p platforms.Receiver, r *http.Request, body, secret []byte, source string) (platforms.Webhook, error) {
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

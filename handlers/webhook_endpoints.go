package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms/egress"
)

// webhookEndpointHandlers serve the outgoing webhook endpoints
// (/api/v1/webhook-endpoints) and their delivery log.
type webhookEndpointHandlers struct {
	store *models.Store
	// allowLocal lets endpoints be plain http on localhost or 127.0.0.1.
	allowLocal bool
}

// checkURL refuses, under the url field, an endpoint the server must not
// post to: not https, or naming a loopback, private, link-local or other
// special address (names are checked again when each delivery is sent).
func (h *webhookEndpointHandlers) checkURL(in *models.WebhookEndpointInput) error {
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if err != nil || in.URL == "" {
		return nil // the store words what is wrong with it
	}
	if err := (egress.Policy{}).AllowingLocal(u, h.allowLocal).CheckURL(u); err != nil {
		msg := strings.TrimPrefix(err.Error(), egress.ErrForbidden.Error()+": ")
		return &models.FieldError{Field: "url", Err: fmt.Errorf("%w: this address cannot receive webhooks: %s", models.ErrInvalid, msg)}
	}
	return nil
}

// ListWebhookEndpoints lists the account's endpoints (without secrets).
func (h *webhookEndpointHandlers) ListWebhookEndpoints(c echo.Context) error {
	eps, err := h.store.ListWebhookEndpoints(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": eps})
}

// ListWebhookEventTypes lists the event types an endpoint may subscribe to.
func (h *webhookEndpointHandlers) ListWebhookEventTypes(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"data": models.WebhookEventTypes})
}

// CreateWebhookEndpoint registers an endpoint; the answer shows its secret.
func (h *webhookEndpointHandlers) CreateWebhookEndpoint(c echo.Context) error {
	var in models.WebhookEndpointInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := h.checkURL(&in); err != nil {
		return err
	}
	ep, err := h.store.CreateWebhookEndpoint(c.Request().Context(), account(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ep)
}

// GetWebhookEndpoint shows one endpoint with its secret.
func (h *webhookEndpointHandlers) GetWebhookEndpoint(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ep, err := h.store.GetWebhookEndpoint(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ep)
}

// UpdateWebhookEndpoint replaces an endpoint's URL, description, event
// types and enabled state.
func (h *webhookEndpointHandlers) UpdateWebhookEndpoint(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in models.WebhookEndpointInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := h.checkURL(&in); err != nil {
		return err
	}
	ep, err := h.store.UpdateWebhookEndpoint(c.Request().Context(), account(c).ID, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ep)
}

// DeleteWebhookEndpoint removes an endpoint and its delivery log.
func (h *webhookEndpointHandlers) DeleteWebhookEndpoint(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteWebhookEndpoint(c.Request().Context(), account(c).ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// RotateWebhookSecret gives an endpoint a new secret (the old one signs
// too for a day); the answer shows the new one.
func (h *webhookEndpointHandlers) RotateWebhookSecret(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ep, err := h.store.RotateWebhookSecret(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ep)
}

// SendTestWebhook queues a webhook.test event for the endpoint.
func (h *webhookEndpointHandlers) SendTestWebhook(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := h.store.SendTestWebhook(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, d)
}

// ListWebhookDeliveries lists an endpoint's deliveries, newest first, with
// their payloads and attempts: ?page=, ?per_page=.
func (h *webhookEndpointHandlers) ListWebhookDeliveries(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	rows, total, err := h.store.ListWebhookDeliveries(c.Request().Context(), account(c).ID, id, p.Page, p.PerPage)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

// RedeliverWebhook sends a delivery again, with the same event id.
func (h *webhookEndpointHandlers) RedeliverWebhook(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	did, err := parseID("delivery_id", c.Param("delivery_id"), false)
	if err != nil {
		return err
	}
	d, err := h.store.RedeliverWebhook(c.Request().Context(), account(c).ID, id, did)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, d)
}

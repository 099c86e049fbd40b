package handlers

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// PayPalQueue queues the send of a PayPal payout run; jobs.Client
// implements it. Without one, a run waits for the worker's sweeper.
type PayPalQueue interface {
	EnqueuePayPalSend(ctx context.Context, runID uint64) error
}

// paypalHandlers serve PayPal payout runs and the PayPal credentials.
type paypalHandlers struct {
	store *models.Store
	queue PayPalQueue // nil: the sweeper queues the send
	log   *slog.Logger
	// baseURL is PayPal's API (PAYPAL_BASE_URL), empty for the live one.
	baseURL string
}

// StartPayPalRun pays through PayPal every affiliate whose payout method
// is PayPal and whose approved balance reaches the minimum:
// {idempotency_key}. 201 with the run, stored before PayPal is called; the
// same key again is 200 with the same run and pays nothing more.
func (h *paypalHandlers) StartPayPalRun(c echo.Context) error {
	var in struct {
		IdempotencyKey string `json:"idempotency_key"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	run, created, err := h.store.StartPayPalRun(ctx, account(c).ID, in.IdempotencyKey)
	if err != nil {
		return err
	}
	if h.queue != nil {
		if err := h.queue.EnqueuePayPalSend(ctx, run.ID); err != nil {
			h.log.Warn("queue paypal send; the sweeper will", "run_id", run.ID, "error", err)
		}
	}
	if created {
		return c.JSON(http.StatusCreated, run)
	}
	return c.JSON(http.StatusOK, run)
}

// GetPayPalRun shows a PayPal run with its batch and each payout's state
// (prepared, sent, paid, failed), PayPal's status and the reason.
func (h *paypalHandlers) GetPayPalRun(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.store.GetPayPalRun(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// paypalSettingsView says whether PayPal is set up; the secret never leaves.
type paypalSettingsView struct {
	Configured bool   `json:"configured"`
	ClientID   string `json:"client_id,omitempty"`
	WebhookID  string `json:"webhook_id,omitempty"`
}

// GetPayPalSettings shows the PayPal app the account pays through.
func (h *paypalHandlers) GetPayPalSettings(c echo.Context) error {
	creds, err := h.store.PayPalCredentials(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	if creds == nil {
		return c.JSON(http.StatusOK, paypalSettingsView{})
	}
	return c.JSON(http.StatusOK, paypalSettingsView{Configured: true, ClientID: creds.ClientID, WebhookID: creds.WebhookID})
}

// SavePayPalSettings stores, sealed, the PayPal REST app's credentials:
// {client_id, secret, webhook_id}.
func (h *paypalHandlers) SavePayPalSettings(c echo.Context) error {
	var in models.PayPalCredentials
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := h.store.SavePayPalCredentials(c.Request().Context(), account(c).ID, in); err != nil {
		return err
	}
	return h.GetPayPalSettings(c)
}

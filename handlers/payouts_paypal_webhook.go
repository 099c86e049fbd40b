package handlers

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/platforms/paypal"
)

// ReceivePayPalWebhook books a PayPal Payouts item event: the item's payout
// names the account, whose PayPal app verifies the delivery with PayPal
// (verify-webhook-signature) before anything is booked. A repeated event
// id, or a state older than the one booked, changes nothing. Batch events
// and other types are acknowledged and ignored (the send job reads the batch).
func (h *paypalHandlers) ReceivePayPalWebhook(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, paypal.MaxWebhookBody+1))
	if err != nil {
		return badRequest("could not read the body")
	}
	if len(body) > paypal.MaxWebhookBody {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "body over 1 MiB")
	}
	ev, err := paypal.ParseEvent(body)
	if err != nil {
		return badRequest("not a PayPal webhook event")
	}
	if ev.Item == nil {
		return c.NoContent(http.StatusOK)
	}
	payoutID, err := strconv.ParseUint(ev.Item.SenderItemID, 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no payout "+strconv.Quote(ev.Item.SenderItemID))
	}
	ctx := c.Request().Context()
	acct, err := h.store.PayoutItemAccount(ctx, payoutID)
	if err != nil {
		return err
	}
	creds, err := h.store.PayPalCredentials(ctx, acct)
	if err != nil || creds == nil {
		return echo.NewHTTPError(http.StatusUnauthorized, "no PayPal app to verify the delivery with")
	}
	client, err := paypal.New(paypal.Config{ClientID: creds.ClientID, Secret: creds.Secret, WebhookID: creds.WebhookID, BaseURL: h.baseURL})
	if err != nil {
		return err
	}
	switch err := client.VerifyWebhook(ctx, c.Request().Header, body); {
	case errors.Is(err, paypal.ErrSignature), errors.Is(err, paypal.ErrStale):
		return echo.NewHTTPError(http.StatusUnauthorized, "signature not verified")
	case errors.Is(err, paypal.ErrEvent):
		return badRequest("not a PayPal webhook event")
	case err != nil:
		h.log.Warn("paypal webhook: could not verify", "error", err)
		return echo.NewHTTPError(http.StatusServiceUnavailable, "PayPal could not be asked; deliver again")
	}
	if _, err := h.store.ApplyPayPalEvent(ctx, acct, ev.ID, jobs.ItemUpdate(*ev.Item)); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return c.NoContent(http.StatusOK)
}

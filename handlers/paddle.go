package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// PaddleConnector is the slice of the Paddle adapter the connect handler
// uses; *paddle.Adapter implements it.
type PaddleConnector interface {
	Connect(ctx context.Context, apiKey string) (platforms.Conn, error)
}

// paddleConnect connects a merchant's Paddle Billing account with an API
// key the merchant pastes (Paddle has no OAuth for apps).
type paddleConnect struct {
	installer
	paddle PaddleConnector
}

// newPaddleConnect builds the handler. jobs may be nil (the import is
// then started from the admin); log nil means slog.Default().
func newPaddleConnect(store *models.Store, connector PaddleConnector, jobs JobQueue, log *slog.Logger) *paddleConnect {
	return &paddleConnect{installer: newInstaller(store, jobs, log), paddle: connector}
}

// paddleConnectRequest is the body of POST /api/v1/connections/paddle.
type paddleConnectRequest struct {
	APIKey string `json:"api_key"`
}

// ConnectPaddle handles POST /api/v1/connections/paddle {"api_key": "pdl_..."}:
// Paddle must accept the key, our webhook destination is registered on the
// Paddle account, the connection is installed on the caller's account and
// the import of its discount codes starts; 201 answers the connection.
func (h *paddleConnect) ConnectPaddle(c echo.Context) error {
	var req paddleConnectRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.APIKey) == "" {
		return badRequest("api_key is required: a Paddle Billing API key (pdl_live_apikey_... or pdl_sdbx_apikey_...)")
	}
	ctx, acct := c.Request().Context(), account(c)
	got, err := h.paddle.Connect(ctx, req.APIKey)
	if err != nil {
		return h.paddleError(err)
	}
	conn, err := h.finish(ctx, installation{Install: models.Install{AccountID: acct.ID, Platform: platforms.Paddle,
		ExternalID: got.ExternalID, Credentials: models.Credentials(got.Credentials), Currency: acct.Currency,
		ShopName: paddleName(req.APIKey)}})
	if err != nil {
		return err
	}
	h.log.InfoContext(ctx, "paddle account connected", "connection_id", conn.ID, "account_id", conn.AccountID)
	return c.JSON(http.StatusCreated, conn)
}

// paddleName names a Paddle connection: Paddle's API does not tell the
// seller's name, only, by the key, whether it is a sandbox account.
func paddleName(apiKey string) string {
	if strings.HasPrefix(strings.TrimSpace(apiKey), "pdl_sdbx_") {
		return "Paddle sandbox account"
	}
	return "Paddle account"
}

// paddleError words a failed connect for the merchant: a refused key or
// request is a 400 with the reason, throttling and outages a 502.
func (h *paddleConnect) paddleError(err error) error {
	return platformError(h.log, platformCall{platform: "Paddle", action: "connect", logKey: "paddle",
		refused: "Paddle refused this API key; check it is a Paddle Billing key of the right environment " +
			"with permission to read and write discounts and notification settings",
		busy: "Paddle is busy; ", failed: "could not connect to Paddle; try again"}, err)
}

package handlers

import (
	"context"
	"errors"
	"fmt"
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

// ImportQueue starts the import of a connection's discount codes;
// jobs.Client implements it.
type ImportQueue interface {
	EnqueueImport(ctx context.Context, connID uint64) error
}

// PaddleConnect connects a merchant's Paddle Billing account with an API
// key the merchant pastes (Paddle has no OAuth for apps).
type PaddleConnect struct {
	store   *models.Store
	paddle  PaddleConnector
	imports ImportQueue
	log     *slog.Logger
}

// NewPaddleConnect builds the handler. imports may be nil (the import is
// then started from the admin); log nil means slog.Default().
func NewPaddleConnect(store *models.Store, connector PaddleConnector, imports ImportQueue, log *slog.Logger) *PaddleConnect {
	if log == nil {
		log = slog.Default()
	}
	return &PaddleConnect{store: store, paddle: connector, imports: imports, log: log}
}

// paddleConnectRequest is the body of POST /api/v1/connections/paddle.
type paddleConnectRequest struct {
	APIKey string `json:"api_key"`
}

// ConnectPaddle handles POST /api/v1/connections/paddle {"api_key": "pdl_..."}:
// Paddle must accept the key, our webhook destination is registered on the
// Paddle account, the connection is installed on the caller's account and
// the import of its discount codes starts; 201 answers the connection.
func (h *PaddleConnect) ConnectPaddle(c echo.Context) error {
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
	conn, err := h.store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Paddle,
		ExternalID: got.ExternalID, Credentials: models.Credentials(got.Credentials), Currency: acct.Currency,
		ShopName: paddleName(req.APIKey)})
	if err != nil {
		return err
	}
	if h.imports != nil {
		if err := h.imports.EnqueueImport(ctx, conn.ID); err != nil {
			h.log.WarnContext(ctx, "enqueue code import; start it again from the admin", "connection_id", conn.ID, "error", err)
		}
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
func (h *PaddleConnect) paddleError(err error) error {
	var rl *platforms.RateLimitError
	var rej *platforms.RejectedError
	switch {
	case errors.As(err, &rej):
		return badRequest("Paddle refused to connect: %s", rej.Reason)
	case errors.Is(err, platforms.ErrUnauthorized):
		return badRequest("Paddle refused this API key; check it is a Paddle Billing key of the right environment " +
			"with permission to read and write discounts and notification settings")
	case errors.As(err, &rl):
		return badGateway(fmt.Sprintf("Paddle is busy; try again in %s", rl.RetryAfter), err)
	}
	h.log.Warn("paddle connect failed", "error", err)
	return badGateway("could not connect to Paddle; try again", err)
}

package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// StripeConnector is the slice of the Stripe adapter the connect flows use;
// *stripe.Adapter implements it.
type StripeConnector interface {
	OAuthConfigured() bool
	AuthorizeURL(state string) string
	ExchangeCode(ctx context.Context, code string) (stripe.Connected, error)
	LookupKey(ctx context.Context, key string) (stripe.Connected, error)
	CreateWebhookEndpoint(ctx context.Context, c *stripe.Connected) error
}

// stripeStateTTL is how long a Connect state nonce stays valid.
const stripeStateTTL = 10 * time.Minute

// stripeConnect serves the two ways to connect a Stripe account to a
// merchant account: Connect OAuth (Authorize, Callback) and a pasted
// restricted key (ConnectKey). Both install the connection and start the
// import of its promotion codes.
type stripeConnect struct {
	installer
	stripe StripeConnector
	nonces NonceStore
	cookie stateCookie // binds a state to the browser that started it
	appURL string
}

// newStripeConnect builds the connect handlers. jobs may be nil (imports
// are then started from the admin); log nil means slog.Default().
func newStripeConnect(store *models.Store, connector StripeConnector, nonces NonceStore, jobs JobQueue, appURL string, log *slog.Logger) *stripeConnect {
	return &stripeConnect{installer: newInstaller(store, jobs, log), stripe: connector, nonces: nonces,
		cookie: stateCookie{name: "cc_stripe_state", path: "/auth/stripe", ttl: stripeStateTTL,
			secure: strings.HasPrefix(appURL, "https://")},
		appURL: strings.TrimRight(appURL, "/")}
}

// Authorize handles GET /auth/stripe for the authenticated merchant: a
// single-use state naming the account, bound to this browser by a cookie,
// then off to Stripe to approve. With ?format=json the URL is answered as
// {"url": ...} instead of a redirect, for a page that cannot follow a
// redirect carrying its API key; the browser that fetched it must be the
// one that opens it.
func (h *stripeConnect) Authorize(c echo.Context) error {
	if h.nonces == nil || !h.stripe.OAuthConfigured() {
		return echo.NewHTTPError(http.StatusNotFound, "Stripe Connect is not set up here (STRIPE_CLIENT_ID, STRIPE_SECRET_KEY); connect with a restricted key instead")
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	state := strconv.FormatUint(account(c).ID, 10) + "." + hex.EncodeToString(buf)
	if err := h.nonces.Put(c.Request().Context(), stripeStateKey(state), stripeStateTTL); err != nil {
		return unavailable("cannot start connecting Stripe right now; try again", err)
	}
	h.cookie.bind(c, state)
	u := h.stripe.AuthorizeURL(state)
	if c.QueryParam("format") == "json" {
		return c.JSON(http.StatusOK, map[string]string{"url": u})
	}
	return c.Redirect(http.StatusFound, u)
}

// stripeStateKey is where a state nonce is kept. The state carries the
// account id; only a state we issued is found, so it cannot be forged.
func stripeStateKey(state string) string { return "stripe:" + state }

// Callback handles GET /auth/stripe/callback: check that this browser
// started the flow (its state cookie; else a 403 that uses up and stores
// nothing), consume the state, trade the code for the connected account,
// install it on the state's account, start the import and send the
// merchant to the admin. A merchant who declined
// goes back to the admin with the reason.
func (h *stripeConnect) Callback(c echo.Context) error {
	ctx, q := c.Request().Context(), c.QueryParams()
	if h.nonces == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Stripe Connect is not set up here")
	}
	state := q.Get("state")
	accountID, err := strconv.ParseUint(strings.SplitN(state, ".", 2)[0], 10, 64)
	if err != nil || accountID == 0 {
		return badRequest("unknown state; start connecting Stripe again")
	}
	if !h.cookie.bound(c, state) {
		return echo.NewHTTPError(http.StatusForbidden,
			"this Stripe connection was started in another browser, or too long ago; start connecting Stripe again from the admin here")
	}
	ok, err := h.nonces.Take(ctx, stripeStateKey(state))
	if err != nil {
		return unavailable("cannot finish connecting Stripe right now; try again", err)
	}
	if !ok {
		return badRequest("unknown or already used state; start connecting Stripe again")
	}
	if e := q.Get("error"); e != "" {
		if d := q.Get("error_description"); d != "" {
			e = d
		}
		v := url.Values{"stripe_error": {e}}
		return c.Redirect(http.StatusFound, h.appURL+"/admin/?"+v.Encode())
	}
	got, err := h.stripe.ExchangeCode(ctx, q.Get("code"))
	if err != nil {
		return h.stripeError("connect the account", err)
	}
	if _, err := h.install(ctx, accountID, got); err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, h.appURL+"/admin/")
}

// connectKeyRequest is the body of POST /api/v1/connections/stripe.
type connectKeyRequest struct {
	APIKey string `json:"api_key"`
}

// ConnectKey handles POST /api/v1/connections/stripe {"api_key": "rk_..."}:
// Stripe must accept the key; an account connected to another merchant is
// a 409 and left untouched; else its webhook endpoint is created, the
// connection installed, and 201 answers it.
func (h *stripeConnect) ConnectKey(c echo.Context) error {
	var req connectKeyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.APIKey) == "" {
		return badRequest("api_key is required: a Stripe restricted key (rk_...)")
	}
	ctx, accountID := c.Request().Context(), account(c).ID
	got, err := h.stripe.LookupKey(ctx, req.APIKey)
	if err != nil {
		return h.stripeError("connect with this key", err)
	}
	existing, err := h.store.ConnectionBySource(ctx, platforms.Stripe, got.AccountID)
	switch {
	case err == nil && existing.AccountID != accountID:
		return fmt.Errorf("%w: this Stripe account is already connected to another Codecredit account", models.ErrConflict)
	case err != nil && !errors.Is(err, models.ErrNotFound):
		return err
	}
	if err := h.stripe.CreateWebhookEndpoint(ctx, &got); err != nil {
		return h.stripeError("create the webhook endpoint", err)
	}
	conn, err := h.install(ctx, accountID, got)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, conn)
}

// install stores the connection on the merchant account (connecting again
// replaces its credentials) and starts the import of its codes.
func (h *stripeConnect) install(ctx context.Context, accountID uint64, got stripe.Connected) (*models.Connection, error) {
	conn, err := h.finish(ctx, installation{Install: models.Install{AccountID: accountID, Platform: platforms.Stripe,
		ExternalID: got.AccountID, Credentials: models.Credentials(got.Credentials), Currency: got.Currency,
		ShopName: got.Name, Email: got.Email}})
	if err != nil {
		return nil, err
	}
	h.log.InfoContext(ctx, "stripe account connected", "stripe_account", got.AccountID, "connection_id", conn.ID,
		"account_id", conn.AccountID, "mode", got.Credentials[stripe.CredMode])
	return conn, nil
}

// stripeError words a failed call to Stripe for the merchant: a refusal is
// a 400 with Stripe's reason, throttling and outages a 502.
func (h *stripeConnect) stripeError(what string, err error) error {
	return platformError(h.log, platformCall{platform: "Stripe", action: what, logKey: "stripe",
		refused: fmt.Sprintf("Stripe refused to %s; check the key's permissions and try again", what)}, err)
}

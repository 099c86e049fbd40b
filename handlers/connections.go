package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// connectionHandlers show an account's store connections and their
// import progress.
type connectionHandlers struct {
	store     *models.Store
	jobs      JobQueue
	sandboxes *Sandboxes
	connect   ConnectOptions
	platforms map[string]platforms.Platform
}

// connectionView is a connection as the admin sees it: with whether
// Codecredit can switch its codes off on the store.
type connectionView struct {
	models.Connection
	CanDeactivateCodes bool `json:"can_deactivate_codes"`
}

// Sandboxes are newcomer mode's local stand-ins for the platforms: with
// them the admin connects each in one click and links the Shopify
// sandbox's control page, where a test order is placed.
type Sandboxes struct {
	ShopifyControls  string `json:"shopify_controls,omitempty"`
	StripeAPIKey     string `json:"stripe_api_key,omitempty"`
	PaddleAPIKey     string `json:"paddle_api_key,omitempty"`
	WooCommerceStore string `json:"woocommerce_store,omitempty"`
}

// ConnectOptions say which platforms this server can connect, and how
// Stripe connects (Connect OAuth, or else a pasted key).
type ConnectOptions struct {
	Shopify     bool `json:"shopify"`
	Stripe      bool `json:"stripe"`
	StripeOAuth bool `json:"stripe_oauth"`
	Paddle      bool `json:"paddle"`
	WooCommerce bool `json:"woocommerce"`
}

// connectOptions are the connect routes Register installs for d.
func connectOptions(d Deps) ConnectOptions {
	o := ConnectOptions{Shopify: d.Shopify != nil && d.Nonces != nil, Paddle: d.Paddle != nil,
		WooCommerce: d.WooCommerce != nil && d.Nonces != nil}
	if d.Stripe != nil && d.Nonces != nil {
		o.Stripe, o.StripeOAuth = true, d.Stripe.OAuthConfigured()
	}
	return o
}

// ListConnections lists the account's connections, each with its store's
// name and import progress (import_done of import_total, import_state,
// import_started_at and import_finished_at) and whether Codecredit can
// turn its codes off there (can_deactivate_codes), what the server can connect
// ("connect") and, in newcomer mode only, its sandboxes ("sandbox").
func (h *connectionHandlers) ListConnections(c echo.Context) error {
	conns, err := h.store.ListConnections(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	views := make([]connectionView, len(conns))
	for i := range conns {
		conns[i].Name = conns[i].DisplayName()
		views[i] = connectionView{Connection: conns[i], CanDeactivateCodes: canDeactivateCodes(h.platforms, conns[i].Platform)}
	}
	out := map[string]any{"data": views, "connect": h.connect}
	if h.sandboxes != nil {
		out["sandbox"] = h.sandboxes
	}
	return c.JSON(http.StatusOK, out)
}

// StartImport imports the connection's discount codes again (new codes
// are added, known ones refreshed).
func (h *connectionHandlers) StartImport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	conn, err := h.store.GetConnection(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if conn.AccountID != account(c).ID {
		return fmt.Errorf("%w: connection", models.ErrNotFound)
	}
	if conn.Status != models.ConnectionActive {
		return echo.NewHTTPError(http.StatusConflict, "the store is "+conn.Status+"; connect it again first")
	}
	if h.jobs == nil {
		return unavailable("no job queue", nil)
	}
	if err := h.jobs.EnqueueImport(c.Request().Context(), conn.ID); err != nil {
		return unavailable(storeRetryLater, err)
	}
	return c.JSON(http.StatusAccepted, map[string]any{"connection_id": conn.ID, "import": "queued"})
}

// ListDataRequests shows the customers' data requests received from the
// platforms, each with the export of what Codecredit holds about them, for
// the merchant to send on.
func (h *connectionHandlers) ListDataRequests(c echo.Context) error {
	reqs, err := h.store.ListDataRequests(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	type view struct {
		models.DataRequest
		Export json.RawMessage `json:"export"`
	}
	out := make([]view, len(reqs))
	for i, r := range reqs {
		out[i] = view{DataRequest: r, Export: json.RawMessage(r.Export)}
	}
	return c.JSON(http.StatusOK, map[string]any{"data": out})
}

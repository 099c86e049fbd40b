package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// WooCommerceConnector is the slice of the WooCommerce adapter the connect
// flow uses; *woocommerce.Adapter implements it.
type WooCommerceConnector interface {
	AuthorizeURL(storeURL, state string) (string, error)
	StoreInfo(ctx context.Context, c *platforms.Conn) (woocommerce.StoreInfo, error)
	CreateWebhooks(ctx context.Context, c *platforms.Conn) error
}

// wooStateTTL is how long a connect state stays valid: the merchant may
// have to log in to WordPress before approving.
const wooStateTTL = 30 * time.Minute

// maxGrantBody bounds the key callback's body.
const maxGrantBody = 64 << 10

// wooCommerceConnect serves WooCommerce's app-authorisation flow: the
// merchant names the store and approves Codecredit there (Authorize); the
// store posts the new REST keys to us (Callback), and we install the
// connection, register our webhooks and start the import of its coupons.
type wooCommerceConnect struct {
	installer
	woo    WooCommerceConnector
	nonces NonceStore
}

// newWooCommerceConnect builds the connect handlers. jobs may be nil
// (imports are then started from the admin); log nil means slog.Default().
func newWooCommerceConnect(store *models.Store, woo WooCommerceConnector, nonces NonceStore, jobs JobQueue, log *slog.Logger) *wooCommerceConnect {
	return &wooCommerceConnect{installer: newInstaller(store, jobs, log), woo: woo, nonces: nonces}
}

// Authorize handles GET /auth/woocommerce?store=https://shop.example for
// the authenticated merchant: a single-use state naming the account and
// the store, then off to the store's approval page. The store must be
// served over https at a public address (the adapter's AuthorizeURL
// refuses anything else, before any state is kept or call made). With
// ?format=json the URL is answered as {"url": ...} instead of a redirect.
func (h *wooCommerceConnect) Authorize(c echo.Context) error {
	store, err := woocommerce.NormalizeStoreURL(c.QueryParam("store"))
	if err != nil {
		return badRequest("store must be your WooCommerce store's https address, e.g. https://shop.example")
	}
	state, err := newWooState(account(c).ID, store)
	if err != nil {
		return err
	}
	u, err := h.woo.AuthorizeURL(store, state)
	if err != nil {
		return badRequest("cannot connect %s: %v", store, err)
	}
	if err := h.nonces.Put(c.Request().Context(), wooStateKey(state), wooStateTTL); err != nil {
		return unavailable("cannot start connecting WooCommerce right now; try again", err)
	}
	if c.QueryParam("format") == "json" {
		return c.JSON(http.StatusOK, map[string]string{"url": u})
	}
	return c.Redirect(http.StatusFound, u)
}

// Callback handles POST /auth/woocommerce/callback, which the store calls
// server to server once the merchant approved, with the keys and our state
// as user_id. Anything but a 200 makes WooCommerce delete the keys and show
// the merchant an error, so every check comes before the 200.
func (h *wooCommerceConnect) Callback(c echo.Context) error {
	ctx := c.Request().Context()
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxGrantBody))
	if err != nil {
		return badRequest("could not read the body: %v", err)
	}
	grant, err := woocommerce.ParseKeyGrant(body)
	if err != nil {
		return badRequest("%v", err)
	}
	accountID, store, ok := parseWooState(grant.UserID)
	if !ok {
		return badRequest("unknown state; start connecting WooCommerce again")
	}
	if ok, err = h.nonces.Take(ctx, wooStateKey(grant.UserID)); err != nil {
		return unavailable("cannot finish connecting WooCommerce right now; try again", err)
	} else if !ok {
		return badRequest("unknown or already used state; start connecting WooCommerce again")
	}
	conn, err := h.install(ctx, accountID, store, grant)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"ok": true, "connection_id": conn.ID})
}

// install checks the keys (reading the store's home URL, the connection's
// id, and currency), saves the connection with its webhook secret before
// any webhook exists, registers the webhooks and starts the coupon import.
func (h *wooCommerceConnect) install(ctx context.Context, accountID uint64, store string, grant woocommerce.KeyGrant) (*models.Connection, error) {
	pc := &platforms.Conn{ExternalID: store, Credentials: grant.Credentials()}
	info, err := h.woo.StoreInfo(ctx, pc)
	if err != nil {
		return nil, h.wooError("read the store's settings", err)
	}
	pc.Credentials[woocommerce.CredCurrency] = info.Currency
	h.keepCheckpoint(ctx, accountID, info.URL, pc.Credentials)
	name := info.Name
	if name == "" {
		name = info.URL
	}
	conn, err := h.finish(ctx, installation{Install: models.Install{AccountID: accountID, Platform: platforms.WooCommerce,
		ExternalID: info.URL, Credentials: models.Credentials(pc.Credentials), Currency: info.Currency, ShopName: name},
		pc: pc, webhooks: func(ctx context.Context, pc *platforms.Conn) error {
			if err := h.woo.CreateWebhooks(ctx, pc); err != nil {
				return h.wooError("create the webhooks", err)
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	h.log.InfoContext(ctx, "woocommerce store connected", "store", info.URL, "connection_id", conn.ID, "account_id", conn.AccountID)
	return conn, nil
}

// keepCheckpoint carries the reconciliation checkpoints (orders,
// subscriptions) of a store connected again into its new credentials, so
// states whose webhooks were lost while it was disconnected are still
// found. Whether it has WooCommerce Subscriptions is asked again; if it
// had none, its subscriptions are read from when that was found.
func (h *wooCommerceConnect) keepCheckpoint(ctx context.Context, accountID uint64, store string, creds map[string]string) {
	prev, err := h.store.ConnectionBySource(ctx, platforms.WooCommerce, store)
	if err != nil || prev.AccountID != accountID {
		return
	}
	old, err := h.store.ReadCredentials(prev)
	if err != nil {
		return
	}
	for _, key := range []string{woocommerce.CredReconciledUntil, woocommerce.CredSubscriptionsReconciledUntil} {
		if old[key] != "" {
			creds[key] = old[key]
		}
	}
	if creds[woocommerce.CredSubscriptionsReconciledUntil] == "" && old[woocommerce.CredNoSubscriptions] != "" {
		// It had no subscriptions then: those made since are read.
		creds[woocommerce.CredSubscriptionsReconciledUntil] = old[woocommerce.CredNoSubscriptions]
	}
}

// newWooState is "<account id>.<random>.<store URL, base64url>": the
// callback names no store, so the state carries it. Only states we stored
// can be taken, so it cannot be forged.
func newWooState(accountID uint64, store string) (string, error) {
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return strconv.FormatUint(accountID, 10) + "." + hex.EncodeToString(buf) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(store)), nil
}

func parseWooState(state string) (accountID uint64, store string, ok bool) {
	parts := strings.Split(state, ".")
	if len(parts) != 3 {
		return 0, "", false
	}
	id, err := strconv.ParseUint(parts[0], 10, 64)
	raw, err2 := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || err2 != nil || id == 0 {
		return 0, "", false
	}
	store, err = woocommerce.NormalizeStoreURL(string(raw))
	return id, store, err == nil
}

func wooStateKey(state string) string { return "woocommerce:" + state }

// wooError words a failed call to the store: refused keys and a store
// at an address we do not call (its home moved to one, say) are a 400, a
// throttled or failing store a 502.
func (h *wooCommerceConnect) wooError(what string, err error) error {
	return platformError(h.log, platformCall{platform: "the store", action: what, logKey: "woocommerce",
		refused: fmt.Sprintf("the store refused the new keys; could not %s", what)}, err)
}

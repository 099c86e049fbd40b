package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
)

// shopifyRetryHeader on a 401 asks App Bridge to fetch a fresh session
// token and retry, as documented at
// https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens.
const shopifyRetryHeader = "X-Shopify-Retry-Invalid-Session-Request"

// shopifyStateTTL is how long an install's state nonce stays valid.
const shopifyStateTTL = 10 * time.Minute

// shopifyAuth serves the Shopify install flows: the authorization code
// grant (Install, Callback) and token exchange from the embedded admin
// (TokenExchange). Installing makes the shop a merchant account, subscribes
// its webhooks and starts the import of its discount codes.
type shopifyAuth struct {
	installer
	adapter *shopify.Adapter
	nonces  NonceStore
	// sessions, when set, signs in the browser that started and finished
	// an install (state tells which); nil signs no one in.
	sessions *MerchantSessions
	state    stateCookie
	// demoShops are shops whose first install joins an existing account
	// (newcomer mode: the sandbox's demo shop and the demo account).
	demoShops map[string]uint64
}

// newShopifyAuth builds the install handlers. jobs may be nil (imports are
// then started from the admin); log nil means slog.Default().
func newShopifyAuth(store *models.Store, adapter *shopify.Adapter, nonces NonceStore, jobs JobQueue, log *slog.Logger) *shopifyAuth {
	return &shopifyAuth{installer: newInstaller(store, jobs, log), adapter: adapter, nonces: nonces,
		state: stateCookie{name: "cc_shopify_state", path: "/auth/shopify/callback", ttl: shopifyStateTTL}}
}

// stateKey binds a state nonce to the shop it was issued for.
func stateKey(shop, state string) string { return "shopify:" + shop + ":" + state }

// Install handles GET /auth/shopify?shop=…: a single-use state nonce, then
// off to Shopify to approve the app's scopes.
func (h *shopifyAuth) Install(c echo.Context) error {
	shop := shopify.NormalizeShop(c.QueryParam("shop"))
	if shop == "" {
		return badRequest("shop must be a store's myshopify.com domain, e.g. example.myshopify.com")
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	state := hex.EncodeToString(buf)
	if err := h.nonces.Put(c.Request().Context(), stateKey(shop, state), shopifyStateTTL); err != nil {
		return unavailable("cannot start the install right now; try again", err)
	}
	h.state.bind(c, state)
	return c.Redirect(http.StatusFound, h.adapter.AuthorizeURL(shop, state))
}

// Callback handles GET /auth/shopify/callback: check the HMAC, timestamp
// and shop, consume the state, trade the code for tokens, install, then
// send the merchant to the app. The browser that started the install
// (its state cookie) is signed in to the shop's account, and outside
// Shopify's admin lands on Get started; a callback opened in any other
// browser installs but signs no one in.
func (h *shopifyAuth) Callback(c echo.Context) error {
	ctx, q := c.Request().Context(), c.QueryParams()
	shop, err := h.adapter.VerifyCallback(q, h.adapter.Now())
	if err != nil {
		return badRequest("%s", strings.TrimPrefix(err.Error(), "shopify: "))
	}
	ok, err := h.nonces.Take(ctx, stateKey(shop, q.Get("state")))
	if err != nil {
		return unavailable("cannot finish the install right now; try again", err)
	}
	if !ok {
		return badRequest("unknown or already used state; start the install again")
	}
	pc, err := h.adapter.ExchangeCode(ctx, shop, q.Get("code"))
	if err != nil {
		return h.shopifyError("exchange the authorization code", shop, err)
	}
	conn, err := h.install(ctx, pc)
	if err != nil {
		return err
	}
	if h.sessions != nil && h.state.bound(c, q.Get("state")) {
		if err := h.sessions.Issue(c, conn.AccountID); err != nil {
			return err
		}
		h.log.InfoContext(ctx, "merchant signed in", "account_id", conn.AccountID, "via", "shopify install", "shop", shop)
		if h.adapter.Standalone() {
			return c.Redirect(http.StatusFound, "/admin/")
		}
	}
	return c.Redirect(http.StatusFound, h.adapter.AppHomeURL(shop))
}

// TokenExchange handles POST /auth/shopify/session from the embedded
// admin: the session token in "Authorization: Bearer" proves the shop;
// a shop without an active connection is installed (token exchange), one
// whose token is lapsing gets fresh tokens.
func (h *shopifyAuth) TokenExchange(c echo.Context) error {
	ctx := c.Request().Context()
	token, _ := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	shop, err := h.adapter.VerifySessionToken(strings.TrimSpace(token), h.adapter.Now())
	if err != nil {
		return invalidSession(c, "invalid session token")
	}
	conn, err := h.store.ConnectionBySource(ctx, platforms.Shopify, shop)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	fresh := conn == nil || conn.Status != models.ConnectionActive
	if !fresh {
		creds, err := h.store.ReadCredentials(conn)
		if err != nil {
			return err
		}
		if !h.adapter.TokenExpiring(creds) {
			return c.JSON(http.StatusOK, map[string]any{"shop": shop, "installed": true})
		}
	}
	pc, err := h.adapter.ExchangeSessionToken(ctx, shop, strings.TrimSpace(token))
	if errors.Is(err, platforms.ErrUnauthorized) {
		return invalidSession(c, "Shopify refused the session token")
	}
	if err != nil {
		return h.shopifyError("exchange the session token", shop, err)
	}
	if fresh {
		_, err = h.install(ctx, pc)
	} else {
		err = h.store.SaveCredentials(ctx, conn.ID, pc.Credentials)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"shop": shop, "installed": true})
}

// install stores the connection with its new credentials (the shop becomes
// the merchant account; installing again reuses it), subscribes the
// webhooks and starts the import.
func (h *shopifyAuth) install(ctx context.Context, pc *platforms.Conn) (*models.Connection, error) {
	shop := pc.ExternalID
	name, email, currency, err := h.adapter.ShopInfo(ctx, pc)
	if err != nil {
		return nil, h.shopifyError("read the shop", shop, err)
	}
	accountID, err := h.demoAccount(ctx, shop)
	if err != nil {
		return nil, err
	}
	created := 0
	conn, err := h.finish(ctx, installation{Install: models.Install{AccountID: accountID, Platform: platforms.Shopify,
		ExternalID: shop, Credentials: models.Credentials(pc.Credentials), Currency: currency, ShopName: name, Email: email},
		pc: pc, webhooks: func(ctx context.Context, pc *platforms.Conn) (err error) {
			if created, err = h.adapter.EnsureWebhooks(ctx, pc, append(slices.Clone(shopify.Topics), shopify.ContractTopics...), h.adapter.WebhookCallbackURL()); err != nil {
				return h.shopifyError("subscribe to the shop's webhooks", shop, err)
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	h.log.InfoContext(ctx, "shopify store installed", "shop", shop, "connection_id", conn.ID,
		"account_id", conn.AccountID, "webhooks_created", created)
	return conn, nil
}

// demoAccount is the account a demo shop's first install joins, or 0: the
// shop becomes an account of its own (or keeps the one it has).
func (h *shopifyAuth) demoAccount(ctx context.Context, shop string) (uint64, error) {
	id, ok := h.demoShops[shop]
	if !ok {
		return 0, nil
	}
	_, err := h.store.ConnectionBySource(ctx, platforms.Shopify, shop)
	if errors.Is(err, models.ErrNotFound) {
		return id, nil
	}
	return 0, err
}

// shopifyError words a failed call to Shopify for the merchant: refused
// credentials are a 400 (install again), throttling and outages a 502.
func (h *shopifyAuth) shopifyError(what, shop string, err error) error {
	return platformError(h.log, platformCall{platform: "Shopify", action: what, roundWait: true,
		refused: fmt.Sprintf("Shopify refused to %s for %s; start the install again", what, shop),
		logKey:  "shopify", logAttrs: []any{"shop", shop}}, err)
}

// invalidSession is a 401 that tells App Bridge to retry with a new token.
func invalidSession(c echo.Context, msg string) error {
	c.Response().Header().Set(shopifyRetryHeader, "1")
	return echo.NewHTTPError(http.StatusUnauthorized, msg)
}

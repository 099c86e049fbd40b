package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// Affiliates paid through Stripe Connect have an Express account of the
// merchant's (or the app's) Connect platform. Stripe reports its
// onboarding in account.updated, delivered to /webhooks/stripe with
// "account" set to that Express account, which is no merchant connection:
// such a delivery is verified here, like every Connect event, and updates
// the onboarding state of the affiliate whose account it names.

// Metadata keys set on an affiliate's Express account when it is created,
// so that Stripe's events about it lead back to the affiliate.
const (
	ExpressMetaAccount   = "codecredit_account_id"
	ExpressMetaAffiliate = "codecredit_affiliate_id"
)

// ExpressState is the onboarding state of an Express account: enabled once
// transfers to it are accepted, onboarding before.
func ExpressState(a stripe.ConnectedAccount) string {
	if a.CanReceiveTransfers() {
		return models.ConnectEnabled
	}
	return models.ConnectOnboarding
}

// accountUpdated handles account.updated about an affiliate's Express
// account; handled is false for every other delivery, left to the usual
// path. A bad signature is a 401 and changes nothing; an account that is
// no affiliate's here is a 200, ignored and logged.
func (h *webhookHandlers) accountUpdated(c echo.Context, p platforms.Receiver, body []byte) (handled bool, err error) {
	var peek struct {
		Type    string `json:"type"`
		Account string `json:"account"`
	}
	if p.Name() != platforms.Stripe || json.Unmarshal(body, &peek) != nil ||
		peek.Type != stripe.EventAccountUpdated || peek.Account == "" {
		return false, nil
	}
	ctx := c.Request().Context()
	if _, err := h.store.ConnectionBySource(ctx, platforms.Stripe, peek.Account); err == nil {
		return false, nil // a merchant's own connected account
	} else if !errors.Is(err, models.ErrNotFound) {
		return true, unavailable(storeRetryLater, err)
	}
	tenant, err := h.verifyExpressEvent(c.Request(), p, body, peek.Account)
	if err != nil {
		return true, err
	}
	acct, err := stripe.ParseAccountUpdated(body)
	if err != nil {
		return true, badRequest("account.updated without a readable account")
	}
	accountID, _ := strconv.ParseUint(acct.Metadata[ExpressMetaAccount], 10, 64)
	affiliateID, _ := strconv.ParseUint(acct.Metadata[ExpressMetaAffiliate], 10, 64)
	ignore := func(why string) (bool, error) {
		h.log.InfoContext(ctx, "stripe account.updated ignored", "stripe_account", acct.ID, "reason", why)
		return true, c.JSON(http.StatusOK, map[string]any{"ok": true, "ignored": why})
	}
	if tenant != 0 && accountID != tenant {
		return ignore("the account belongs to another Stripe platform")
	}
	view, err := h.store.GetPayoutDetails(ctx, accountID, affiliateID)
	if err != nil {
		return true, unavailable(storeRetryLater, err)
	}
	if view == nil || view.Method != models.PayoutStripeConnect || view.Value != acct.ID {
		return ignore("no affiliate here is paid through this Stripe account")
	}
	state := ExpressState(acct)
	if view.ConnectState != state {
		if _, err := h.store.SetConnectAccount(ctx, accountID, affiliateID, acct.ID, state, "stripe"); err != nil {
			return true, unavailable(storeRetryLater, err)
		}
	}
	return true, c.JSON(http.StatusOK, map[string]any{"ok": true, "connect_state": state})
}

// verifyExpressEvent checks the signature of an event about an Express
// account. One delivered to a merchant's own endpoint (?c=, the merchant's
// Connect platform) is signed with that connection's Connect endpoint's
// secret (its webhook secret if it has none yet) and may only
// touch that merchant's affiliates (tenant is its account); any other is
// signed with the app's Connect secret (tenant 0: the account's metadata,
// set by the app, names its affiliate).
func (h *webhookHandlers) verifyExpressEvent(r *http.Request, p platforms.Receiver, body []byte, express string) (tenant uint64, err error) {
	if c := r.URL.Query().Get("c"); c != "" {
		conn, err := h.store.ConnectionBySource(r.Context(), platforms.Stripe, c)
		if errors.Is(err, models.ErrNotFound) {
			return 0, echo.NewHTTPError(http.StatusUnauthorized, "unknown store or invalid signature")
		} else if err != nil {
			return 0, unavailable(storeRetryLater, err)
		}
		_, err = h.verifier.verifyWithSecret(r, p, body, conn, express, stripe.CredConnectWebhookSecret)
		return conn.AccountID, err
	}
	secret := h.verifier.appSecrets[platforms.Stripe]
	if len(secret) == 0 {
		return 0, echo.NewHTTPError(http.StatusUnauthorized, "no Connect signing secret is configured")
	}
	_, err = h.verifier.check(p, r, body, secret, express)
	return 0, err
}

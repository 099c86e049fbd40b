package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// ConnectOnboarder starts Stripe's onboarding of an affiliate's Express
// account; the Stripe layer implements it and the server wires it in
// Deps.ConnectOnboarder. Without one, "Connect with Stripe" tells the
// affiliate it is not available yet.
type ConnectOnboarder interface {
	// OnboardingLink creates the affiliate's Express account on the
	// merchant's Stripe platform when stripeAccountID is empty, and
	// returns the account's id with an Account Link (type
	// account_onboarding) that sends the affiliate back to returnURL when
	// done, or to refreshURL when the link has expired. The account's
	// state later reaches the store through Store.SetConnectAccount.
	OnboardingLink(ctx context.Context, acct *models.Account, aff *models.Affiliate, stripeAccountID, returnURL, refreshURL string) (accountID, url string, err error)
	// ConnectState reads the Express account from Stripe and tells its
	// onboarding state (models.ConnectOnboarding or models.ConnectEnabled).
	ConnectState(ctx context.Context, acct *models.Account, stripeAccountID string) (string, error)
}

// ConnectStripe chooses Stripe Connect for the signed-in affiliate and
// sends them to Stripe's onboarding; back from it, the dashboard shows the
// state Stripe reported. Offered only with a Stripe connection.
func (h *PortalHandlers) ConnectStripe(c echo.Context) error {
	aff, acct, ok, err := h.session(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/portal/login")
	}
	ctx := c.Request().Context()
	form := payoutForm{Method: models.PayoutStripeConnect}
	view, err := h.store.SavePayoutMethod(ctx, aff.AccountID, aff.ID, models.PayoutMethodInput{Method: models.PayoutStripeConnect}, models.ActorAffiliate)
	if err != nil {
		return h.refusePayout(c, aff, acct, form, err)
	}
	if h.onboarder == nil {
		return c.Redirect(http.StatusSeeOther, "/portal/?connect=unavailable#payout")
	}
	id, link, err := h.onboarder.OnboardingLink(ctx, acct, aff, view.Value, h.appURL+stripeReturnPath, h.appURL+"/portal/?connect=refresh#payout")
	if err != nil {
		h.log.ErrorContext(ctx, "stripe onboarding link failed", "affiliate_id", aff.ID, "error", err)
		return c.Redirect(http.StatusSeeOther, "/portal/?connect=failed#payout")
	}
	state := models.ConnectOnboarding
	if view.ConnectState == models.ConnectEnabled {
		state = models.ConnectEnabled
	}
	if _, err := h.store.SetConnectAccount(ctx, aff.AccountID, aff.ID, id, state, "stripe"); err != nil {
		return h.refusePayout(c, aff, acct, form, err)
	}
	return c.Redirect(http.StatusSeeOther, link)
}

// stripeReturnPath is where Stripe sends the affiliate back from onboarding.
const stripeReturnPath = "/portal/payout-details/stripe/return"

// ReturnFromStripe is where Stripe's onboarding sends the affiliate back:
// it reads the Express account from Stripe and records its state, so the
// dashboard is right without waiting for account.updated. Stripe sends
// the browser here whether onboarding was finished or not.
func (h *PortalHandlers) ReturnFromStripe(c echo.Context) error {
	aff, acct, ok, err := h.session(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/portal/login")
	}
	ctx := c.Request().Context()
	view, err := h.store.GetPayoutDetails(ctx, aff.AccountID, aff.ID)
	if err != nil {
		return h.fail(c, err)
	}
	if h.onboarder != nil && view != nil && view.Method == models.PayoutStripeConnect && view.Value != "" {
		state, err := h.onboarder.ConnectState(ctx, acct, view.Value)
		if err != nil {
			h.log.WarnContext(ctx, "read stripe express account", "affiliate_id", aff.ID, "error", err)
		} else if state != view.ConnectState {
			if _, err := h.store.SetConnectAccount(ctx, aff.AccountID, aff.ID, view.Value, state, "stripe"); err != nil {
				h.log.WarnContext(ctx, "record stripe onboarding state", "affiliate_id", aff.ID, "error", err)
			}
		}
	}
	return c.Redirect(http.StatusSeeOther, "/portal/?connect=return#payout")
}

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
	back := h.appURL + "/portal/?connect="
	id, link, err := h.onboarder.OnboardingLink(ctx, acct, aff, view.Value, back+"return#payout", back+"refresh#payout")
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

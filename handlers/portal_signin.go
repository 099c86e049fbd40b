// Signing in to the affiliate portal: the sign-in page, asking for an
// emailed single-use link, confirming and using it, and signing out.

package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// ShowLogin shows the sign-in form.
func (h *PortalHandlers) ShowLogin(c echo.Context) error {
	return h.render(c, http.StatusOK, "login", portalPage{Title: "Sign in"})
}

// RequestLink emails sign-in links for the address posted in the form
// field "email". The answer is the same page whether or not the address
// is known, so it tells nothing about who is an affiliate. Too many
// requests for the address or from the client (see signInLimits) are a
// 429 that sends nothing.
func (h *PortalHandlers) RequestLink(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	ok, retry, err := h.limits.allow(c, email)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.render(c, http.StatusTooManyRequests, "login", portalPage{Title: "Sign in", Email: email,
			Message: retryAfter(c, retry)})
	}
	ids, err := h.store.RequestPortalLinks(c.Request().Context(), email, h.appURL)
	if errors.Is(err, models.ErrInvalid) {
		return h.render(c, http.StatusBadRequest, "login", portalPage{Title: "Sign in", Email: email,
			Message: "Enter a valid email address."})
	}
	if err != nil {
		return h.fail(c, err)
	}
	enqueueEmails(c.Request().Context(), h.queue, h.log, ids)
	return h.render(c, http.StatusOK, "sent", portalPage{Title: "Check your inbox", Email: email})
}

// ConfirmSignIn answers the emailed link (?token=) with a page whose
// button posts the token to SignIn. Opening the link does not use it up:
// mail scanners open every link in an email before the person clicks. A
// used, expired or unknown link shows at once a page that says so.
func (h *PortalHandlers) ConfirmSignIn(c echo.Context) error {
	token := c.QueryParam("token")
	acct, err := h.store.PeekPortalLink(c.Request().Context(), token)
	if err != nil {
		return h.linkFailed(c, err)
	}
	return h.render(c, http.StatusOK, "confirm", portalPage{Title: "Sign in", Program: acct.Name, Token: token})
}

// SignIn uses up the link's token (the form field "token"), opens a
// session and goes to the portal. A used, expired or unknown link shows a
// page that says so.
func (h *PortalHandlers) SignIn(c echo.Context) error {
	session, err := h.store.ConsumePortalLink(c.Request().Context(), c.FormValue("token"))
	if err != nil {
		return h.linkFailed(c, err)
	}
	c.SetCookie(h.cookie(session, int(models.PortalSessionTTL/time.Second)))
	return c.Redirect(http.StatusSeeOther, "/portal/")
}

// linkFailed shows why a sign-in link does not work, or the error page.
func (h *PortalHandlers) linkFailed(c echo.Context, err error) error {
	switch {
	case errors.Is(err, models.ErrLinkUsed):
		return h.render(c, http.StatusGone, "link", portalPage{Title: "This link was already used",
			Message: "Each sign-in link works once. Ask for a new one: it arrives in a minute."})
	case errors.Is(err, models.ErrLinkExpired):
		return h.render(c, http.StatusGone, "link", portalPage{Title: "This link has expired",
			Message: "Sign-in links expire 15 minutes after they are sent. Ask for a new one: it arrives in a minute."})
	case errors.Is(err, models.ErrNotFound):
		return h.render(c, http.StatusNotFound, "link", portalPage{Title: "This link is not valid",
			Message: "It may have been copied incompletely. Ask for a new one."})
	}
	return h.fail(c, err)
}

// SignOut ends the session.
func (h *PortalHandlers) SignOut(c echo.Context) error {
	if ck, err := c.Cookie(PortalCookie); err == nil {
		if err := h.store.EndPortalSession(c.Request().Context(), ck.Value); err != nil {
			return h.fail(c, err)
		}
	}
	c.SetCookie(h.cookie("", -1))
	return c.Redirect(http.StatusSeeOther, "/portal/login")
}

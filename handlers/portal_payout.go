package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// payoutForm is the payout details form as the affiliate filled it in,
// shown again with its error when it is refused.
type payoutForm struct {
	Method      string
	PayPalEmail string
	BankDetails string
	Error       string
}

// SavePayoutDetails stores where the signed-in affiliate wants to be paid
// (form fields method = paypal|bank, paypal_email, bank_details), sealed
// at rest, and goes back to the dashboard, which shows them masked.
// Invalid details are a 400 showing the form again with what is wrong;
// nothing is saved.
func (h *PortalHandlers) SavePayoutDetails(c echo.Context) error {
	aff, acct, ok, err := h.session(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/portal/login")
	}
	form := payoutForm{Method: c.FormValue("method"), PayPalEmail: c.FormValue("paypal_email"),
		BankDetails: c.FormValue("bank_details")}
	value := form.PayPalEmail
	if form.Method == models.PayoutBank {
		value = form.BankDetails
	}
	_, err = h.store.SavePayoutDetails(c.Request().Context(), aff.AccountID, aff.ID, form.Method, value)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/portal/?saved=payout#payout")
	}
	if !errors.Is(err, models.ErrInvalid) {
		return h.fail(c, err)
	}
	data, derr := h.dashboard(c, aff, acct)
	if derr != nil {
		return h.fail(c, derr)
	}
	form.Error = sentence(strings.TrimPrefix(err.Error(), models.ErrInvalid.Error()+": "))
	data.PayoutForm = form
	return h.render(c, http.StatusBadRequest, "dashboard", data)
}

// sentence capitalises a message and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// Script serves portal.js: copy buttons, the only script the portal's
// Content-Security-Policy allows.
func (h *PortalHandlers) Script(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", h.js)
}

// orderLabel names an order as shops do: "#1234".
func orderLabel(number string) string {
	if number == "" || strings.HasPrefix(number, "#") {
		return number
	}
	return "#" + number
}

// Favicon serves the portal's icon.
func (h *PortalHandlers) Favicon(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", h.icon)
}

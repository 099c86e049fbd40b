package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// payoutForm is the payout details form as the affiliate filled it in,
// shown again with what is wrong under each refused field.
type payoutForm struct {
	Method      string
	PayPalEmail string
	BankDetails string
	// Errors are by field: method, paypal_email, bank_details.
	Errors map[string]string
}

// SavePayoutDetails stores how the signed-in affiliate wants to be paid
// (form fields method = paypal|stripe_connect|store_credit|manual,
// paypal_email, bank_details), sealed at rest, and goes back to the
// dashboard, which shows them masked. Invalid details are a 400 showing
// the form again with the error under its field; nothing is saved.
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
	in := models.PayoutMethodInput{Method: form.Method, PayPalEmail: form.PayPalEmail, BankDetails: form.BankDetails}
	_, err = h.store.SavePayoutMethod(c.Request().Context(), aff.AccountID, aff.ID, in, models.ActorAffiliate)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/portal/?saved=payout#payout")
	}
	return h.refusePayout(c, aff, acct, form, err)
}

// refusePayout shows the dashboard again with the form as it was sent and
// the error under its field; an error that is not about the input is a
// failure page.
func (h *PortalHandlers) refusePayout(c echo.Context, aff *models.Affiliate, acct *models.Account, form payoutForm, err error) error {
	if !errors.Is(err, models.ErrInvalid) && !errors.Is(err, models.ErrConflict) {
		return h.fail(c, err)
	}
	data, derr := h.dashboard(c, aff, acct)
	if derr != nil {
		return h.fail(c, derr)
	}
	field := "method"
	var fe *models.FieldError
	if errors.As(err, &fe) {
		field = fe.Field
	}
	msg := err.Error()
	for _, sentinel := range []error{models.ErrInvalid, models.ErrConflict} {
		if i := strings.LastIndex(msg, sentinel.Error()+": "); i >= 0 {
			msg = msg[i+len(sentinel.Error())+2:]
		}
	}
	form.Errors = map[string]string{field: sentence(msg)}
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

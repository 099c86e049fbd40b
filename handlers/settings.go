package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/commission"
)

// settingsHandlers serve /api/v1/settings.
type settingsHandlers struct {
	store *models.Store
}

// settingsView is an account's settings as the API shows them.
type settingsView struct {
	Name              string   `json:"name"`
	Currency          string   `json:"currency"`
	NamingRule        string   `json:"naming_rule"`
	DefaultCommission ruleBody `json:"default_commission"`
	MinPayout         int64    `json:"min_payout"` // minor units of currency
	// CommissionBase is what commission is computed on, for orders booked
	// from now on: {shipping, tax, before_discount}, all false by default
	// (goods after discounts, tax and shipping left out).
	CommissionBase commission.Base `json:"commission_base"`
	// Lifetime is lifetime attribution: {on, days (0: for ever),
	// code_wins}.
	Lifetime models.LifetimeSettings `json:"lifetime"`
}

func (h *settingsHandlers) view(c echo.Context, a *models.Account) (settingsView, error) {
	r, err := h.store.GetDefaultRule(c.Request().Context(), a.ID)
	if err != nil {
		return settingsView{}, err
	}
	return settingsView{Name: a.Name, Currency: a.Currency, NamingRule: a.NamingRule, DefaultCommission: ruleBodyOf(r), MinPayout: a.MinPayout,
		CommissionBase: a.Base(), Lifetime: a.Lifetime()}, nil
}

// GetSettings shows the currency, the naming rule for generated codes and
// the default commission rule.
func (h *settingsHandlers) GetSettings(c echo.Context) error {
	v, err := h.view(c, account(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// UpdateSettings changes the settings sent: {currency, naming_rule,
// default_commission: {rule fields}, min_payout (minor units),
// commission_base: {shipping, tax, before_discount}, lifetime: {on, days,
// code_wins}}. Rule fields left out keep their
// value. Nothing is saved unless everything is valid.
func (h *settingsHandlers) UpdateSettings(c echo.Context) error {
	var in struct {
		Currency          *string                  `json:"currency"`
		NamingRule        *string                  `json:"naming_rule"`
		DefaultCommission json.RawMessage          `json:"default_commission"`
		MinPayout         *int64                   `json:"min_payout"`
		CommissionBase    *commission.Base         `json:"commission_base"`
		Lifetime          *models.LifetimeSettings `json:"lifetime"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	cur, err := h.view(c, account(c))
	if err != nil {
		return err
	}
	s := models.AccountSettings{Currency: in.Currency, NamingRule: in.NamingRule, MinPayout: in.MinPayout, Base: in.CommissionBase,
		Lifetime: in.Lifetime}
	if len(in.DefaultCommission) > 0 && string(in.DefaultCommission) != "null" {
		body := cur.DefaultCommission
		if err := decodeStrict(in.DefaultCommission, &body); err != nil {
			return err
		}
		r := body.rule()
		s.DefaultRule = &r
	}
	a, err := h.store.UpdateAccountSettings(c.Request().Context(), account(c).ID, s)
	if err != nil {
		return err
	}
	v, err := h.view(c, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

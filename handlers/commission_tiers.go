package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/commission"
)

// tierBody is one tier as the API reads it.
type tierBody struct {
	Name        string `json:"name"`
	Threshold   int64  `json:"threshold"`
	Kind        string `json:"kind"`
	BasisPoints int64  `json:"basis_points"`
	FlatAmount  int64  `json:"flat_amount"`
	Currency    string `json:"currency"`
}

// tierView is one tier as the API shows it, with what it pays in words.
type tierView struct {
	models.CommissionTier
	Pays string `json:"pays"`
}

// tierProgramView is the account's tiers as the API shows them.
type tierProgramView struct {
	Metric string     `json:"metric"`
	Period string     `json:"period"`
	Bonus  bool       `json:"bonus"`
	Tiers  []tierView `json:"tiers"`
}

func viewTierProgram(p *models.TierProgram) tierProgramView {
	v := tierProgramView{Metric: p.Metric, Period: p.Period, Bonus: p.Bonus, Tiers: make([]tierView, len(p.Tiers))}
	for i := range p.Tiers {
		v.Tiers[i] = tierView{CommissionTier: p.Tiers[i], Pays: commission.Pays(p.Tiers[i].Rule())}
	}
	return v
}

// GetCommissionTiers shows the account's tiers: {metric: ""|sales|orders,
// period: month|quarter|lifetime, bonus, tiers: [{name, threshold, kind,
// basis_points, flat_amount, currency, pays}]}.
func (h *commissionRuleHandlers) GetCommissionTiers(c echo.Context) error {
	p, err := h.store.GetTierProgram(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewTierProgram(p))
}

// PutCommissionTiers replaces the account's tiers with the body (the
// shape GetCommissionTiers shows, without ids): orders booked from now on
// earn by them. A threshold is minor units of the account's currency for
// metric sales, a count for orders; metric "" turns tiers off.
func (h *commissionRuleHandlers) PutCommissionTiers(c echo.Context) error {
	var in struct {
		Metric string     `json:"metric"`
		Period string     `json:"period"`
		Bonus  bool       `json:"bonus"`
		Tiers  []tierBody `json:"tiers"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p := models.TierProgram{Metric: in.Metric, Period: in.Period, Bonus: in.Bonus}
	for _, t := range in.Tiers {
		p.Tiers = append(p.Tiers, models.CommissionTier{Name: t.Name, Threshold: t.Threshold, Kind: t.Kind,
			BasisPoints: t.BasisPoints, FlatAmount: t.FlatAmount, Currency: t.Currency})
	}
	out, err := h.store.SetTierProgram(c.Request().Context(), account(c).ID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewTierProgram(out))
}

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// commissionRuleHandlers serve /api/v1/commission-rules: rules for one
// code, product, variant or collection, exclusions, and the preview.
type commissionRuleHandlers struct {
	store *models.Store
}

// conditionRuleBody is a condition rule as the API reads it.
type conditionRuleBody struct {
	Scope        string `json:"scope"`
	ConnectionID uint64 `json:"connection_id"`
	Target       string `json:"target"`
	Label        string `json:"label"`
	Kind         string `json:"kind"`
	BasisPoints  int64  `json:"basis_points"`
	FlatAmount   int64  `json:"flat_amount"`
	Currency     string `json:"currency"`
}

// conditionRuleView is a condition rule as the API shows it, with what it
// pays in words.
type conditionRuleView struct {
	models.ConditionRule
	Why string `json:"why"`
}

func viewConditionRule(r *models.ConditionRule) conditionRuleView {
	return conditionRuleView{ConditionRule: *r, Why: r.Why()}
}

// ListCommissionRules lists the account's rules for codes, products,
// variants and collections, in order of precedence.
func (h *commissionRuleHandlers) ListCommissionRules(c echo.Context) error {
	rules, err := h.store.ListConditionRules(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	out := make([]conditionRuleView, len(rules))
	for i := range rules {
		out[i] = viewConditionRule(&rules[i])
	}
	return c.JSON(http.StatusOK, batchOf(out))
}

// CreateCommissionRule adds a rule: {scope: code|product|variant|
// collection, target (the code's id, or the platform's product, variant or
// collection id), connection_id (the store those ids are from; 0 for any),
// label, kind: percent|flat|exclude, basis_points, flat_amount, currency}.
func (h *commissionRuleHandlers) CreateCommissionRule(c echo.Context) error {
	return h.save(c, 0)
}

// UpdateCommissionRule replaces one of the account's rules with the body.
func (h *commissionRuleHandlers) UpdateCommissionRule(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.save(c, id)
}

func (h *commissionRuleHandlers) save(c echo.Context, id uint64) error {
	var in conditionRuleBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.store.SaveConditionRule(c.Request().Context(), account(c).ID, models.ConditionRule{
		ID: id, Scope: in.Scope, ConnectionID: in.ConnectionID, Target: in.Target, Label: in.Label,
		Kind: in.Kind, BasisPoints: in.BasisPoints, FlatAmount: in.FlatAmount, Currency: in.Currency})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, viewConditionRule(r))
}

// DeleteCommissionRule removes one of the account's rules.
func (h *commissionRuleHandlers) DeleteCommissionRule(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteConditionRule(c.Request().Context(), account(c).ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// previewBody is an order to try the rules on.
type previewBody struct {
	AffiliateID   uint64                `json:"affiliate_id"`
	CodeID        uint64                `json:"code_id"`
	ConnectionID  uint64                `json:"connection_id"`
	Currency      string                `json:"currency"`
	Lines         []platforms.OrderLine `json:"lines"`
	Subtotal      int64                 `json:"subtotal"` // for an order without lines
	Discount      int64                 `json:"discount"`
	Shipping      int64                 `json:"shipping"`
	Tax           int64                 `json:"tax"`
	TaxesIncluded bool                  `json:"taxes_included"`
	// RepeatCustomer previews the order of a customer who ordered before.
	RepeatCustomer bool `json:"repeat_customer"`
}

// PreviewCommission answers "an order of these lines would earn …": the
// commission of each line and the rule that decided it, under the
// account's rules as they are now. Nothing is stored.
func (h *commissionRuleHandlers) PreviewCommission(c echo.Context) error {
	var in previewBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	res, err := h.store.PreviewCommission(c.Request().Context(), account(c).ID, models.CommissionPreview{
		AffiliateID: in.AffiliateID, CodeID: in.CodeID, ConnectionID: in.ConnectionID, RepeatCustomer: in.RepeatCustomer,
		Order: platforms.Order{Currency: in.Currency, Lines: in.Lines, Subtotal: in.Subtotal, Discount: in.Discount,
			Shipping: in.Shipping, Tax: in.Tax, TaxesIncluded: in.TaxesIncluded}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

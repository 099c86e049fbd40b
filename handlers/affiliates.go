package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// affiliateHandlers serve /api/v1/affiliates.
type affiliateHandlers struct {
	store *models.Store
}

// ListAffiliates lists affiliates with their codes, orders, sales and
// balances: ?q= searches name and email, ?status=, ?sort=name|orders|
// sales|balance|created, ?dir=asc|desc (newest first by default), ?page=,
// ?per_page= (at most 200).
func (h *affiliateHandlers) ListAffiliates(c echo.Context) error {
	f, err := affiliateListFilter(c)
	if err != nil {
		return err
	}
	rows, total, err := h.store.ListAffiliateRows(c.Request().Context(), account(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, paging{Page: f.Page, PerPage: f.PerPage}))
}

// affiliateListFilter reads the list's query: q, status, sort, dir and paging.
func affiliateListFilter(c echo.Context) (models.AffiliateListFilter, error) {
	p, err := queryPaging(c)
	if err != nil {
		return models.AffiliateListFilter{}, err
	}
	return models.AffiliateListFilter{
		AffiliateFilter: models.AffiliateFilter{Q: c.QueryParam("q"), Status: c.QueryParam("status"), Page: p.Page, PerPage: p.PerPage},
		Sort:            c.QueryParam("sort"), Dir: c.QueryParam("dir"),
	}, nil
}

// CreateAffiliate adds an affiliate: {name, email, notes}.
func (h *affiliateHandlers) CreateAffiliate(c echo.Context) error {
	var in models.NewAffiliate
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	a, err := h.store.CreateAffiliate(c.Request().Context(), account(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// GetAffiliate shows one affiliate.
func (h *affiliateHandlers) GetAffiliate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.store.GetAffiliate(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return h.showAffiliate(c, a)
}

// UpdateAffiliate changes the fields sent: name, email, status
// (active/disabled), notes.
func (h *affiliateHandlers) UpdateAffiliate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p models.AffiliatePatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	a, err := h.store.UpdateAffiliate(c.Request().Context(), account(c).ID, id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// deleteResult says whether an affiliate was deleted or, having history,
// disabled instead.
type deleteResult struct {
	Deleted   bool              `json:"deleted"`
	Message   string            `json:"message"`
	Affiliate *models.Affiliate `json:"affiliate"`
}

// DeleteAffiliate deletes an affiliate without history; one with
// commission history is disabled instead and "deleted" is false.
func (h *affiliateHandlers) DeleteAffiliate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, deleted, err := h.store.DeleteAffiliate(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	res := deleteResult{Deleted: deleted, Affiliate: a, Message: "affiliate deleted; its codes are unassigned"}
	if !deleted {
		res.Message = "affiliate has commission history, which is kept: it was disabled instead and earns no more"
	}
	return c.JSON(http.StatusOK, res)
}

// ruleBody is a commission rule as the API reads and writes it.
type ruleBody struct {
	Kind            string `json:"kind"`
	BasisPoints     int64  `json:"basis_points"`
	FlatAmount      int64  `json:"flat_amount"`
	Currency        string `json:"currency"`
	RecurringMonths *int   `json:"recurring_months"`
	HoldDays        int    `json:"hold_days"`
	// What a repeat customer's order earns (null: the same as a first).
	RepeatBasisPoints *int64 `json:"repeat_basis_points"`
	RepeatFlatAmount  *int64 `json:"repeat_flat_amount"`
}

func ruleBodyOf(r *models.CommissionRule) ruleBody {
	return ruleBody{Kind: r.Kind, BasisPoints: r.BasisPoints, FlatAmount: r.FlatAmount, Currency: r.Currency,
		RecurringMonths: r.RecurringMonths, HoldDays: r.HoldDays, RepeatBasisPoints: r.RepeatBasisPoints,
		RepeatFlatAmount: r.RepeatFlatAmount}
}

func (b ruleBody) rule() models.CommissionRule {
	return models.CommissionRule{Kind: b.Kind, BasisPoints: b.BasisPoints, FlatAmount: b.FlatAmount,
		Currency: b.Currency, RecurringMonths: b.RecurringMonths, HoldDays: b.HoldDays,
		RepeatBasisPoints: b.RepeatBasisPoints, RepeatFlatAmount: b.RepeatFlatAmount}
}

// commissionView is the rule an affiliate earns under and where it comes
// from: "affiliate" (its own) or "default" (the account's).
type commissionView struct {
	Rule   ruleBody `json:"rule"`
	Source string   `json:"source"`
}

func (h *affiliateHandlers) commission(c echo.Context, id uint64) (commissionView, error) {
	r, own, err := h.store.GetAffiliateRule(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return commissionView{}, err
	}
	v := commissionView{Rule: ruleBodyOf(r), Source: "default"}
	if own {
		v.Source = "affiliate"
	}
	return v, nil
}

// GetAffiliateCommission shows the rule an affiliate earns under.
func (h *affiliateHandlers) GetAffiliateCommission(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := h.commission(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// SetAffiliateCommission gives an affiliate its own rule. The body holds
// rule fields; those left out keep the value of the rule in force now
// (recurring_months: null means for the subscription's lifetime).
func (h *affiliateHandlers) SetAffiliateCommission(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cur, err := h.commission(c, id)
	if err != nil {
		return err
	}
	body := cur.Rule
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	r, err := h.store.SetAffiliateRule(c.Request().Context(), account(c).ID, id, body.rule())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, commissionView{Rule: ruleBodyOf(r), Source: "affiliate"})
}

// DeleteAffiliateCommission drops an affiliate's own rule and shows the
// account default it now earns under.
func (h *affiliateHandlers) DeleteAffiliateCommission(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteAffiliateRule(c.Request().Context(), account(c).ID, id); err != nil {
		return err
	}
	v, err := h.commission(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

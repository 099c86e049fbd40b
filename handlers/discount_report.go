package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// discountReportHandlers serve the discount report.
type discountReportHandlers struct {
	store *models.Store
}

// discountReportView is the discount report over the inclusive days
// From..To.
type discountReportView struct {
	From string `json:"from"`
	To   string `json:"to"`
	*models.DiscountReport
}

// GetDiscountReport compares codes and discount levels over the earning
// orders placed in ?from=&to= (inclusive UTC days, as GetSummary), in
// ?currency= (the account's currency by default):
//
//	{"from": "2026-03-01", "to": "2026-03-31", "currency": "USD",
//	 "currencies": ["EUR", "USD"],          // every currency with orders
//	 "codes": [{"code_id": 7, "code": "JANE15", "affiliate_id": 3, "affiliate": "Jane",
//	   "discount_type": "percentage", "discount_value": 1500, "discount_currency": null,
//	   "orders": 2, "sales": 15001, "average": 7500, "commission": 1500}],
//	 "levels": [{"discount_type": "percentage", "discount_value": 1500,
//	   "discount_currency": null, "codes": 1, "orders": 2, ...}],
//	 "total": {"orders": 2, ...}, "flagged": 1, "refunded": 0}
//
// Flagged self-referrals and fully refunded orders are left out of the
// figures and counted in flagged and refunded. A code removed since has
// code_id 0 and a null discount_type. Once any code's tracked link was
// visited in the range, every code row has visits (a code visited without
// orders gets a row) and conversion_rate (orders / visits) where visits
// are above 0; levels and the total sum them.
func (h *discountReportHandlers) GetDiscountReport(c echo.Context) error {
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	cur := c.QueryParam("currency")
	if cur == "" {
		cur = account(c).Currency
	}
	r, err := h.store.DiscountReport(c.Request().Context(), account(c).ID, from, to.AddDate(0, 0, 1), cur)
	if err != nil {
		return err
	}
	visits, err := h.store.DiscountVisits(c.Request().Context(), account(c).ID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if len(visits) > 0 {
		r.JoinVisits(visits)
	}
	return c.JSON(http.StatusOK, discountReportView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), DiscountReport: r})
}

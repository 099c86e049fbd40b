package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// yearEndHandlers serve the year-end payouts report.
type yearEndHandlers struct {
	store *models.Store
}

// yearEndHeader is the report's column row, after its note.
var yearEndHeader = append(append([]string{"affiliate_id", "name", "email", "currency"}, models.YearEndMethods...),
	"total", "paid_outside_paypal", "1099_nec_threshold", "at_or_above_1099_nec_threshold")

// ExportYearEnd downloads, as CSV, what each affiliate of the caller's
// account was paid in a calendar year (?year=, the previous year when
// absent), by payout method, marking USD payments outside PayPal at or
// above that year's Form 1099-NEC threshold. Its first row is a note: the
// file helps bookkeeping and is not tax advice.
func (h *yearEndHandlers) ExportYearEnd(c echo.Context) error {
	year := h.store.Now().Year() - 1
	if v := c.QueryParam("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &models.FieldError{Field: "year", Err: fmt.Errorf("%w: year must be a calendar year such as 2026", models.ErrInvalid)}
		}
		year = n
	}
	rep, err := h.store.YearEndReport(c.Request().Context(), account(c).ID, year)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="payouts-%d-year-end.csv"`, year))
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	threshold := models.FormatMinor(rep.ThresholdUSD, "USD")
	w.Write([]string{fmt.Sprintf("Payouts paid in %d by method. A help for bookkeeping, not tax advice: "+
		"the Form 1099-NEC threshold for payments in %d is USD %s; payments through PayPal are left out of the mark "+
		"(PayPal reports them). Check with your tax adviser.", year, year, threshold)})
	w.Write(yearEndHeader)
	for _, r := range rep.Rows {
		row := []string{strconv.FormatUint(r.AffiliateID, 10), csvSafe(r.Name), csvSafe(r.Email), r.Currency}
		for _, m := range models.YearEndMethods {
			row = append(row, models.FormatMinor(r.ByMethod[m], r.Currency))
		}
		mark := "no"
		switch {
		case r.Currency != "USD":
			mark = "n/a (not USD)"
		case r.AtThreshold:
			mark = "yes"
		}
		w.Write(append(row, models.FormatMinor(r.Total, r.Currency), models.FormatMinor(r.OutsidePayPal, r.Currency),
			threshold, mark))
	}
	w.Flush()
	return w.Error()
}

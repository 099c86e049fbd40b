package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// maxExportRows bounds one CSV export.
const maxExportRows = 100_000

// ExportConversions downloads the conversions list under the same filters
// as ListConversions, every page of it (at most maxExportRows rows), as
// CSV; text cells are kept from being read as formulas. Each order says
// what credited it (credited_by: code, renewal, repeat, manual, none) and
// why, in words (credit_note), as its page in the admin does.
func (h *conversionHandlers) ExportConversions(c echo.Context) error {
	f, err := searchFilter(c)
	if err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	f.PerPage = models.MaxPerPage
	f.Page = 1
	rows, _, err := h.store.SearchConversions(ctx, acct, f)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="conversions-%s.csv"`, h.store.Now().Format(time.DateOnly)))
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	w.Write([]string{"kind", "id", "date", "order_id", "order_number", "code", "affiliate", "affiliate_email",
		"status", "currency", "subtotal", "commission", "refunded_subtotal", "reversed_commission", "origin", "note", "credited_by", "credit_note"})
	for n := 0; len(rows) > 0 && n < maxExportRows; {
		for _, r := range rows {
			w.Write([]string{r.Kind, strconv.FormatUint(r.ID, 10), r.PlacedAt.UTC().Format(time.RFC3339),
				csvSafe(r.OrderID), csvSafe(r.OrderNumber), csvSafe(r.Code), csvSafe(r.AffiliateName), csvSafe(r.AffiliateEmail),
				r.Status, r.Currency, models.FormatMinor(r.Subtotal, r.Currency), models.FormatMinor(r.Commission, r.Currency),
				models.FormatMinor(r.RefundedSubtotal, r.Currency), models.FormatMinor(r.ReversedCommission, r.Currency),
				r.Origin, csvSafe(r.Note + r.CommissionNote), r.CreditedBy(), csvSafe(r.CreditNote)})
		}
		n += len(rows)
		if len(rows) < f.PerPage || n >= maxExportRows {
			break
		}
		f.Page++
		if rows, _, err = h.store.SearchConversions(ctx, acct, f); err != nil {
			break // the header is sent; end the file where it stands
		}
	}
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}

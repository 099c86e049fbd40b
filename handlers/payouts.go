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

// payoutHandlers serve paying everyone payable and the payout runs.
type payoutHandlers struct {
	store *models.Store
}

// GetPayablePlan shows what "pay everyone payable" would do now: who is
// paid, who is below the minimum payout (and how much more they need),
// and whose balance is negative and carried into a later payout.
func (h *payoutHandlers) GetPayablePlan(c echo.Context) error {
	plan, err := h.store.PayablePlan(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, plan)
}

// CreatePayoutRun pays everyone payable in one go: {idempotency_key,
// method, reference}. 201 with the run; the same key again is 200 with
// the same run and pays nothing more.
func (h *payoutHandlers) CreatePayoutRun(c echo.Context) error {
	var in struct {
		IdempotencyKey string `json:"idempotency_key"`
		Method         string `json:"method"`
		Reference      string `json:"reference"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	run, created, err := h.store.RunPayouts(c.Request().Context(), account(c).ID,
		models.PayoutRunInput{IdempotencyKey: in.IdempotencyKey, Method: in.Method, Reference: in.Reference})
	if err != nil {
		return err
	}
	if created {
		return c.JSON(http.StatusCreated, run)
	}
	return c.JSON(http.StatusOK, run)
}

// GetPayoutRun shows one run with its payouts.
func (h *payoutHandlers) GetPayoutRun(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	run, err := h.store.GetPayoutRun(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, run)
}

// ExportPayoutRun downloads a run as CSV, one row per payout, to pay by
// hand elsewhere: affiliate, email, amount in major units, the carried
// clawbacks it nets, method and reference.
func (h *payoutHandlers) ExportPayoutRun(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	run, err := h.store.GetPayoutRun(ctx, acct, id)
	if err != nil {
		return err
	}
	ids := make([]uint64, len(run.Payouts))
	for i, p := range run.Payouts {
		ids[i] = p.AffiliateID
	}
	affs, err := h.store.AffiliatesByIDs(ctx, acct, ids)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="payout-run-%d-%s.csv"`, run.ID, run.CreatedAt.Format(time.DateOnly)))
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	w.Write([]string{"payout_id", "affiliate_id", "name", "email", "currency", "amount", "carried", "method", "reference", "paid_at"})
	for _, p := range run.Payouts {
		a := affs[p.AffiliateID]
		w.Write([]string{strconv.FormatUint(p.ID, 10), strconv.FormatUint(p.AffiliateID, 10), csvSafe(a.Name), csvSafe(a.Email),
			p.Currency, models.FormatMinor(p.Amount, p.Currency), models.FormatMinor(p.Carried, p.Currency),
			csvSafe(p.Method), csvSafe(p.Reference), p.PaidAt.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return w.Error()
}

// rangeTotalsView is a per-affiliate or per-code table of a date range.
type rangeTotalsView struct {
	From     string              `json:"from"`
	To       string              `json:"to"`
	Currency string              `json:"currency"`
	Total    int64               `json:"total"` // rows with orders in the range, beyond the limit too
	Data     []models.RangeTotal `json:"data"`
}

// rangeTotals reads ?from=&to= (as GetSummary), ?currency= (default: the
// account's) and ?limit= (1–100, default 10) and runs the per-affiliate or
// the per-code table.
func (h *payoutHandlers) rangeTotals(c echo.Context, byCode bool) error {
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	q := models.RangeQuery{From: from, To: to.AddDate(0, 0, 1), Currency: c.QueryParam("currency"), Limit: 10}
	if q.Currency == "" {
		q.Currency = account(c).Currency
	}
	if v := c.QueryParam("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > 100 {
			return badRequest("limit must be a number from 1 to 100, not %q", v)
		}
	}
	table := h.store.AffiliateTotals
	if byCode {
		table = h.store.CodeTotals
	}
	rows, total, err := table(c.Request().Context(), account(c).ID, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rangeTotalsView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly),
		Currency: q.Currency, Total: total, Data: rows})
}

// ListAffiliateTotals shows the affiliates' orders, sales and commission
// over ?from=&to=, best sales first (flagged and fully refunded orders
// left out, partial refunds netted).
func (h *payoutHandlers) ListAffiliateTotals(c echo.Context) error { return h.rangeTotals(c, false) }

// ListCodeTotals is ListAffiliateTotals per code.
func (h *payoutHandlers) ListCodeTotals(c echo.Context) error { return h.rangeTotals(c, true) }

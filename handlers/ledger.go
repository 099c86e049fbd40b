package handlers

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// ledgerHandlers serve conversions, balances, the summary and payouts.
type ledgerHandlers struct {
	store *models.Store
}

// ListBalances shows commission per affiliate and currency: pending,
// approved (payable) and paid. ?affiliate_id= narrows it to one.
func (h *ledgerHandlers) ListBalances(c echo.Context) error {
	affID, err := queryUint(c, "affiliate_id")
	if err != nil {
		return err
	}
	rows, err := h.store.Balances(c.Request().Context(), account(c).ID, affID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(rows))
}

// summaryView is the summary of a date range, per day and in total.
type summaryView struct {
	From   string              `json:"from"`
	To     string              `json:"to"`
	Days   []models.DaySummary `json:"days"`
	Totals []models.DaySummary `json:"totals"` // per currency; Day is empty
}

// GetSummary shows sales, commission and conversions per day (flagged
// self-referrals and fully refunded orders are counted apart, as flagged
// and refunded, not as conversions or sales):
// ?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included (UTC); the default is
// the last 30 days, today included.
func (h *ledgerHandlers) GetSummary(c echo.Context) error {
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	days, err := h.store.Summary(c.Request().Context(), account(c).ID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	v := summaryView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Days: days, Totals: []models.DaySummary{}}
	if v.Days == nil {
		v.Days = []models.DaySummary{}
	}
	for _, d := range days {
		i := 0
		for i < len(v.Totals) && v.Totals[i].Currency != d.Currency {
			i++
		}
		if i == len(v.Totals) {
			v.Totals = append(v.Totals, models.DaySummary{Currency: d.Currency})
		}
		v.Totals[i].Conversions += d.Conversions
		v.Totals[i].Sales += d.Sales
		v.Totals[i].Commission += d.Commission
		v.Totals[i].Flagged += d.Flagged
		v.Totals[i].Refunded += d.Refunded
	}
	return c.JSON(http.StatusOK, v)
}

// discountSummaryView is the discount comparison of a date range.
type discountSummaryView struct {
	From string                   `json:"from"`
	To   string                   `json:"to"`
	Data []models.DiscountSummary `json:"data"`
}

// GetDiscountSummary compares discount levels over the attributed
// conversions placed in ?from=&to= (as GetSummary): orders, revenue and
// average order per discount and currency, most orders first.
func (h *ledgerHandlers) GetDiscountSummary(c echo.Context) error {
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	rows, err := h.store.DiscountSummary(c.Request().Context(), account(c).ID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []models.DiscountSummary{}
	}
	return c.JSON(http.StatusOK, discountSummaryView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Data: rows})
}

// summaryRange reads from and to (inclusive days), defaulting to the last
// 30 days; at most two years (731 days).
func summaryRange(c echo.Context, now time.Time) (from, to time.Time, err error) {
	to = now.UTC().Truncate(24 * time.Hour)
	from = to.AddDate(0, 0, -29)
	if v := c.QueryParam("to"); v != "" {
		if to, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, badRequest("to must be a date like 2026-01-31, not %q", v)
		}
		if c.QueryParam("from") == "" {
			from = to.AddDate(0, 0, -29)
		}
	}
	if v := c.QueryParam("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, badRequest("from must be a date like 2026-01-01, not %q", v)
		}
	}
	switch {
	case from.After(to):
		return from, to, badRequest("from (%s) is after to (%s)", from.Format(time.DateOnly), to.Format(time.DateOnly))
	case to.Sub(from) > 730*24*time.Hour:
		return from, to, badRequest("the range is at most two years (731 days)")
	}
	return from, to, nil
}

// ListPayouts lists payouts, newest first.
func (h *ledgerHandlers) ListPayouts(c echo.Context) error {
	rows, err := h.store.ListPayouts(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(rows))
}

// GetPayout shows one payout with what it covered (its ledger entries,
// their orders and the clawbacks it carried).
func (h *ledgerHandlers) GetPayout(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := h.store.GetPayoutDetail(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// CreatePayout records that an affiliate's approved balance was paid:
// {affiliate_id, currency (default: the account's), reference}.
func (h *ledgerHandlers) CreatePayout(c echo.Context) error {
	var in struct {
		AffiliateID uint64 `json:"affiliate_id"`
		Currency    string `json:"currency"`
		Reference   string `json:"reference"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.AffiliateID == 0 {
		return badRequest("affiliate_id is required")
	}
	if strings.TrimSpace(in.Currency) == "" {
		in.Currency = account(c).Currency
	}
	p, err := h.store.CreatePayout(c.Request().Context(), account(c).ID, in.AffiliateID, in.Currency, in.Reference)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

// ExportPayouts downloads, as CSV, the approved balances ready to pay as
// the Payouts page lists them: in the account's currency, those a payout
// run made now would pay (at least the program's minimum payout, the plan
// of GET /payouts/payable); in another currency, which has no minimum and
// is paid on its own, every positive one. One row per affiliate and
// currency, by affiliate, with name, email and the amount in major units.
func (h *ledgerHandlers) ExportPayouts(c echo.Context) error {
	ctx, acct := c.Request().Context(), account(c).ID
	plan, err := h.store.PayablePlan(ctx, acct)
	if err != nil {
		return err
	}
	bals, err := h.store.Balances(ctx, acct, 0)
	if err != nil {
		return err
	}
	ready := make([]models.Balance, 0, len(plan.Payable))
	for _, l := range plan.Payable {
		ready = append(ready, models.Balance{AffiliateID: l.AffiliateID, AffiliateName: l.AffiliateName,
			AffiliateEmail: l.AffiliateEmail, Currency: plan.Currency, Approved: l.Approved})
	}
	for _, b := range bals {
		if b.Currency != plan.Currency && b.Approved > 0 {
			ready = append(ready, b)
		}
	}
	slices.SortStableFunc(ready, func(a, b models.Balance) int {
		return cmp.Or(cmp.Compare(a.AffiliateID, b.AffiliateID), cmp.Compare(a.Currency, b.Currency))
	})
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="payouts-%s.csv"`, h.store.Now().Format(time.DateOnly)))
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	w.Write([]string{"affiliate_id", "name", "email", "currency", "amount"})
	for _, b := range ready {
		w.Write([]string{strconv.FormatUint(b.AffiliateID, 10), csvSafe(b.AffiliateName), csvSafe(b.AffiliateEmail),
			b.Currency, models.FormatMinor(b.Approved, b.Currency)})
	}
	w.Flush()
	return w.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ApproveCommissions approves the account's commissions whose hold period
// is over now, instead of at the worker's next periodic run.
func (h *ledgerHandlers) ApproveCommissions(c echo.Context) error {
	n, err := h.store.ApproveMaturedFor(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"approved_entries": n})
}

package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// Bulk actions on affiliates.
const (
	bulkSendCodes  = "send_codes"
	bulkDeactivate = "deactivate"
	bulkActivate   = "activate"
)

// affiliateBulkHandlers serve the bulk actions and the CSV export of the
// affiliates list.
type affiliateBulkHandlers struct {
	store *models.Store
	mail  *EmailHandlers
}

// bulkRequest is POST /affiliates/bulk's body.
type bulkRequest struct {
	Action string   `json:"action"`
	IDs    []uint64 `json:"ids"`
}

// bulkResult says what a bulk action did: the affiliates it changed (or
// emailed), those it left and why, and a sentence for the merchant.
type bulkResult struct {
	Action  string            `json:"action"`
	Changed []uint64          `json:"changed"`
	Skipped []models.BulkSkip `json:"skipped"`
	Message string            `json:"message"`
}

// BulkAffiliates runs one action on selected affiliates:
// {"action": "send_codes"|"deactivate"|"activate", "ids": [...]}, at most
// models.MaxBulkIDs ids. All or nothing: an id the account does not have
// is a 404 and nothing is done.
func (h *affiliateBulkHandlers) BulkAffiliates(c echo.Context) error {
	var in bulkRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	res := bulkResult{Action: in.Action, Changed: []uint64{}, Skipped: []models.BulkSkip{}}
	var changed []models.Affiliate
	var skipped []models.BulkSkip
	var err error
	switch in.Action {
	case bulkSendCodes:
		var emails []uint64
		emails, changed, skipped, err = h.store.WriteCodesEmails(ctx, acct, in.IDs, h.mail.appURL)
		if err == nil {
			enqueueEmails(ctx, h.mail.queue, h.mail.log, emails)
		}
	case bulkDeactivate:
		changed, skipped, err = h.store.SetAffiliatesStatus(ctx, acct, in.IDs, models.AffiliateDisabled)
	case bulkActivate:
		changed, skipped, err = h.store.SetAffiliatesStatus(ctx, acct, in.IDs, models.AffiliateActive)
	default:
		return badRequest("action must be %s, %s or %s, not %q", bulkSendCodes, bulkDeactivate, bulkActivate, in.Action)
	}
	if err != nil {
		return err
	}
	for _, a := range changed {
		res.Changed = append(res.Changed, a.ID)
	}
	if skipped != nil {
		res.Skipped = skipped
	}
	res.Message = bulkMessage(in.Action, len(changed), skipped)
	return c.JSON(http.StatusOK, res)
}

// bulkMessage words a bulk result: "Codes emailed to 3 affiliates; 1 has
// no code".
func bulkMessage(action string, changed int, skipped []models.BulkSkip) string {
	var msg string
	switch action {
	case bulkSendCodes:
		msg = "Codes emailed to " + affiliates(changed)
	case bulkDeactivate:
		msg = "Deactivated " + affiliates(changed)
	default:
		msg = "Activated " + affiliates(changed)
	}
	reasons := map[string]int{}
	for _, s := range skipped {
		reasons[s.Reason]++
	}
	for _, r := range []struct{ reason, one, many string }{
		{models.SkipNoCode, "has no code", "have no code"},
		{models.SkipDisabled, "is disabled", "are disabled"},
		{models.SkipAlreadyDisabled, "was already disabled", "were already disabled"},
		{models.SkipAlreadyActive, "was already active", "were already active"},
	} {
		switch n := reasons[r.reason]; {
		case n == 1:
			msg += "; 1 " + r.one
		case n > 1:
			msg += fmt.Sprintf("; %d %s", n, r.many)
		}
	}
	return msg
}

func affiliates(n int) string {
	if n == 1 {
		return "1 affiliate"
	}
	return strconv.Itoa(n) + " affiliates"
}

// exportPage is how many rows the export reads at a time.
const exportPage = 500

// ExportAffiliates downloads the affiliates list as CSV: the rows matching
// the list's filters (?q=, ?status=, ?sort=, ?dir=), or only the selected
// ones (?id=1&id=2, at most models.MaxBulkIDs, in the list's order; the
// search and status are then ignored, and an id the account does not have
// is a 404). Money is in major units of the account's currency.
func (h *affiliateBulkHandlers) ExportAffiliates(c echo.Context) error {
	f, err := affiliateListFilter(c)
	if err != nil {
		return err
	}
	if f.IDs, err = queryIDs(c, "id"); err != nil {
		return err
	}
	if len(f.IDs) > 0 {
		f.Q, f.Status = "", ""
	}
	ctx, acct := c.Request().Context(), account(c).ID
	f.Page, f.PerPage = 1, exportPage
	rows, total, err := h.store.ListAffiliateRows(ctx, acct, f)
	if err != nil {
		return err
	}
	if len(f.IDs) > 0 && total < int64(len(f.IDs)) {
		return &models.FieldError{Field: "id", Err: fmt.Errorf("%w: affiliate %s", models.ErrNotFound, missingID(f.IDs, rows))}
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="affiliates-%s.csv"`, h.store.Now().Format(time.DateOnly)))
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	w.Write([]string{"affiliate_id", "name", "email", "status", "codes", "orders", "sales", "pending", "payable", "currency", "added"})
	for {
		for _, r := range rows {
			w.Write([]string{strconv.FormatUint(r.ID, 10), csvSafe(r.Name), csvSafe(r.Email), r.Status,
				csvSafe(strings.Join(r.Codes, " ")), strconv.FormatInt(r.Orders, 10),
				models.FormatMinor(r.Sales, r.Currency), models.FormatMinor(r.Pending, r.Currency),
				models.FormatMinor(r.Payable, r.Currency), r.Currency, r.CreatedAt.UTC().Format(time.DateOnly)})
		}
		if len(rows) < exportPage || int64(f.Page*exportPage) >= total {
			break
		}
		f.Page++
		if rows, _, err = h.store.ListAffiliateRows(ctx, acct, f); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// missingID is the first of ids not among rows.
func missingID(ids []uint64, rows []models.AffiliateRow) string {
	have := map[uint64]bool{}
	for _, r := range rows {
		have[r.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return strconv.FormatUint(id, 10)
		}
	}
	return ""
}

// queryIDs reads a repeated id parameter (?id=1&id=2), at most
// models.MaxBulkIDs of them, duplicates dropped.
func queryIDs(c echo.Context, name string) ([]uint64, error) {
	vals := c.QueryParams()[name]
	if len(vals) > models.MaxBulkIDs {
		return nil, badRequest("at most %d %s values at once, got %d", models.MaxBulkIDs, name, len(vals))
	}
	seen := map[uint64]bool{}
	var ids []uint64
	for _, v := range vals {
		id, err := parseID(name, v, false)
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

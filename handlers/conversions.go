package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// conversionHandlers serve the conversions list and detail, reviews of
// flagged self-referrals, and conversions and adjustments added by hand.
type conversionHandlers struct {
	store *models.Store
}

// listFilters are the ?status= values the conversions list accepts.
var listFilters = map[string]bool{
	models.ConversionPending: true, models.ConversionApproved: true, models.ConversionPaid: true,
	models.ConversionReversed: true, models.ConversionFlagged: true, models.ConversionUnattributed: true,
	models.FilterRefunded: true, models.FilterManual: true, models.FilterAdjustment: true,
}

// conversionRow is a list row with the refunds of its order.
type conversionRow struct {
	models.ConversionRow
	Refunds []models.Refund `json:"refunds,omitempty"`
}

// searchFilter reads the list's filters: ?q= (order id or number, code,
// affiliate name or email), ?status= (comma-separated, any matches),
// ?affiliate_id=, ?from=&to= (days placed, both included, UTC).
func searchFilter(c echo.Context) (models.ConversionSearch, error) {
	var f models.ConversionSearch
	f.Query = strings.TrimSpace(c.QueryParam("q"))
	if err := models.CheckLine("q", f.Query, models.MaxLineLength); err != nil {
		return f, err
	}
	for _, st := range strings.Split(c.QueryParam("status"), ",") {
		if st = strings.TrimSpace(st); st == "" {
			continue
		}
		if !listFilters[st] {
			return f, badRequest("status must be one or more of pending, approved, paid, reversed, refunded, flagged, unattributed, manual, adjustment, not %q", st)
		}
		f.Statuses = append(f.Statuses, st)
	}
	var err error
	if f.AffiliateID, err = queryUint(c, "affiliate_id"); err != nil {
		return f, err
	}
	if f.From, err = queryDay(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryDay(c, "to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, badRequest("from (%s) is after to (%s)", c.QueryParam("from"), c.QueryParam("to"))
	}
	return f, nil
}

// queryDay reads an optional YYYY-MM-DD day (zero when absent).
func queryDay(c echo.Context, name string) (time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || t.Year() < 1970 || t.Year() > 2999 {
		return t, badRequest("%s must be a date like 2026-01-31, not %q", name, v)
	}
	return t, nil
}

// ListConversions lists conversions and adjustments made by hand, newest
// first, filtered as searchFilter reads, ?page=, ?per_page=.
func (h *conversionHandlers) ListConversions(c echo.Context) error {
	p, err := queryPaging(c)
	if err != nil {
		return err
	}
	f, err := searchFilter(c)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = p.Page, p.PerPage
	ctx, acct := c.Request().Context(), account(c).ID
	rows, total, err := h.store.SearchConversions(ctx, acct, f)
	if err != nil {
		return err
	}
	refunds, err := h.store.ConversionRefunds(ctx, acct, rows)
	if err != nil {
		return err
	}
	out := make([]conversionRow, len(rows))
	for i, r := range rows {
		out[i] = conversionRow{ConversionRow: r}
		if r.Kind == models.RowOrder {
			out[i].Refunds = refunds[r.ID]
		}
	}
	return c.JSON(http.StatusOK, pageOf(out, total, p))
}

// GetConversion shows one conversion with its store, affiliate, rule,
// refunds, ledger entries and changes made by hand.
func (h *conversionHandlers) GetConversion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := h.store.GetConversionDetail(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// reasonInput is the body of a review: why.
type reasonInput struct {
	Reason string `json:"reason"`
}

// ApproveConversion pays a flagged self-referral after all: {reason}.
// A second approval (or one after a rejection) is a 409 and books nothing.
func (h *conversionHandlers) ApproveConversion(c echo.Context) error {
	return h.reviewConversion(c, h.store.ApproveFlagged)
}

// RejectConversion keeps a flagged self-referral out for good: {reason}.
func (h *conversionHandlers) RejectConversion(c echo.Context) error {
	return h.reviewConversion(c, h.store.RejectFlagged)
}

type reviewFunc func(ctx context.Context, accountID, id uint64, hc models.HandChange) (*models.Review, error)

func (h *conversionHandlers) reviewConversion(c echo.Context, review reviewFunc) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in reasonInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := review(c.Request().Context(), account(c).ID, id, models.HandChange{Actor: actor(c), Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

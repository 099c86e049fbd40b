package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// linkHandlers serve the tracked links' API under /api/v1.
type linkHandlers struct {
	store     *models.Store
	appURL    string
	redirects *LinkRedirects
}

// linkView is a code's link as the API shows it: its address, where it
// sends visitors (and whether that applies the code), and its visits in
// the range asked (the last 30 days by default).
type linkView struct {
	models.Link
	URL    string `json:"url"`
	Visits int64  `json:"visits"`
	// Platform is the code's store's platform ("" when none).
	Platform string `json:"platform"`
	destination
}

// views builds the views of links, with their visits in [from, to).
func (h *linkHandlers) views(c echo.Context, accountID uint64, links []models.Link, from, to time.Time) ([]linkView, error) {
	ctx := c.Request().Context()
	ids := make([]uint64, len(links))
	for i, l := range links {
		ids[i] = l.ID
	}
	visits, err := h.store.LinkVisitTotals(ctx, accountID, ids, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]linkView, len(links))
	for i, l := range links {
		out[i] = linkView{Link: l, URL: h.appURL + "/r/" + l.Slug, Visits: visits[l.ID]}
		if t, err := h.store.ResolveLink(ctx, l.Slug); err == nil {
			out[i].destination, out[i].Platform = linkDestination(t, h.redirects.options()), t.Platform
		}
	}
	return out, nil
}

// GetCodeLink shows a code's link: ?from=&to= (days,
// inclusive) bound its visits.
func (h *linkHandlers) GetCodeLink(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	l, err := h.store.GetCodeLink(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	v, err := h.views(c, account(c).ID, []models.Link{*l}, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v[0])
}

// UpdateCodeLink changes a code's link: {"slug": "...", "landing_path": "/..."}.
func (h *linkHandlers) UpdateCodeLink(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in models.LinkUpdate
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acct := account(c).ID
	old, err := h.store.GetCodeLink(c.Request().Context(), acct, id)
	if err != nil {
		return err
	}
	l, err := h.store.UpdateCodeLink(c.Request().Context(), acct, id, in)
	if err != nil {
		return err
	}
	h.redirects.forget(old.Slug, l.Slug)
	now := h.store.Now()
	v, err := h.views(c, acct, []models.Link{*l}, now.AddDate(0, 0, -29), now.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v[0])
}

// ListCodeLinks shows the links of some codes: ?code_ids=1,2,3 (at most
// 200), with their visits in ?from=&to= (the last 30 days by default).
func (h *linkHandlers) ListCodeLinks(c echo.Context) error {
	var ids []uint64
	for _, s := range strings.Split(c.QueryParam("code_ids"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := parseID("code_ids", s, false)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if len(ids) > 200 {
		return badRequest("code_ids names at most 200 codes, not %d", len(ids))
	}
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	byCode, err := h.store.EnsureLinks(c.Request().Context(), account(c).ID, ids)
	if err != nil {
		return err
	}
	links := make([]models.Link, 0, len(byCode))
	for _, id := range ids {
		if l, ok := byCode[id]; ok {
			links = append(links, l)
			delete(byCode, id)
		}
	}
	v, err := h.views(c, account(c).ID, links, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(v))
}

// linkReportView is the link report of a range of days.
type linkReportView struct {
	From    string             `json:"from"`
	To      string             `json:"to"`
	GroupBy string             `json:"group_by"`
	Data    []models.LinkStats `json:"data"`
}

// GetLinkReport reports visits, orders, conversion rate and revenue per
// visit per code (?group_by=code, the default) or affiliate
// (?group_by=affiliate) over ?from=&to= (inclusive days).
func (h *linkHandlers) GetLinkReport(c echo.Context) error {
	from, to, err := summaryRange(c, h.store.Now())
	if err != nil {
		return err
	}
	group := c.QueryParam("group_by")
	switch group {
	case "":
		group = models.LinkStatsByCode
	case models.LinkStatsByCode, models.LinkStatsByAffiliate:
	default:
		return badRequest("group_by must be code or affiliate, not %q", group)
	}
	rows, err := h.store.LinkReport(c.Request().Context(), models.LinkStatsQuery{AccountID: account(c).ID,
		From: from, To: to.AddDate(0, 0, 1), GroupBy: group})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, linkReportView{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), GroupBy: group, Data: rows})
}

// ListLinkDestinations lists the account's stores with the checkout page
// their links open (Stripe Payment Link, Paddle checkout).
func (h *linkHandlers) ListLinkDestinations(c echo.Context) error {
	rows, err := h.store.ListLinkDestinations(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(rows))
}

// SetLinkDestination sets a store's checkout page: {"checkout_url": "https://buy.stripe.com/..."}
// ("" clears it). Links of the store use it within a minute.
func (h *linkHandlers) SetLinkDestination(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		CheckoutURL string `json:"checkout_url"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := h.store.SetLinkCheckout(c.Request().Context(), account(c).ID, id, in.CheckoutURL)
	if err != nil {
		return err
	}
	h.redirects.forgetAll()
	return c.JSON(http.StatusOK, d)
}

package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// trackLinks puts each of the affiliate's codes' tracked link in place of
// the store address the portal would share, and says what the link did in
// the last 30 days (data.LinkStats, by code).
func (h *PortalHandlers) trackLinks(c echo.Context, aff *models.Affiliate, data *portalPage) error {
	if data.View == nil || len(data.View.Codes) == 0 {
		return nil
	}
	ctx := c.Request().Context()
	active := true
	codes, _, err := h.store.ListCodes(ctx, aff.AccountID, models.CodeFilter{AffiliateID: aff.ID, Active: &active, PerPage: models.MaxPerPage})
	if err != nil {
		return err
	}
	ids := make([]uint64, len(codes))
	byText := map[string]uint64{}
	for i, code := range codes {
		ids[i], byText[code.Code] = code.ID, code.ID
	}
	links, err := h.store.EnsureLinks(ctx, aff.AccountID, ids)
	if err != nil {
		return err
	}
	now := h.store.Now()
	rows, err := h.store.LinkReport(ctx, models.LinkStatsQuery{AccountID: aff.AccountID, From: now.AddDate(0, 0, -29), To: now.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	stats := map[uint64]models.LinkStats{}
	for _, r := range rows {
		stats[r.CodeID] = r
	}
	data.LinkStats = map[string]string{}
	for i, code := range data.View.Codes {
		id, ok := byText[code.Code]
		l, linked := links[id]
		if !ok || !linked {
			continue
		}
		data.View.Codes[i].Link = h.appURL + "/r/" + l.Slug
		if t, err := h.store.ResolveLink(ctx, l.Slug); err == nil {
			data.View.Codes[i].AutoApply = linkDestination(t, LinkOptions{}).Applies
		}
		s := stats[id]
		text := fmt.Sprintf("%d visit%s and %d order%s in the last 30 days", s.Visits, plural(s.Visits), s.Orders, plural(s.Orders))
		if s.Visits > 0 {
			text += fmt.Sprintf(" (%.1f%% of visits bought)", s.ConversionRate*100)
		}
		data.LinkStats[code.Code] = text
	}
	return nil
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

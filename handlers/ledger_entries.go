package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// ledgerEntryHandlers read the account's ledger entry by entry.
type ledgerEntryHandlers struct {
	store *models.Store
}

// ListLedgerEntries pages through the ledger in booking order:
// ?affiliate_id=, ?conversion_id=, ?payout_id= narrow it (another
// account's is a 404), ?limit= (default 100, at most 500), ?cursor= is the
// next_cursor of the page before.
func (h *ledgerEntryHandlers) ListLedgerEntries(c echo.Context) error {
	var f models.LedgerFilter
	var err error
	for name, dst := range map[string]*uint64{"affiliate_id": &f.AffiliateID, "conversion_id": &f.ConversionID, "payout_id": &f.PayoutID} {
		if *dst, err = queryUint(c, name); err != nil {
			return err
		}
	}
	if v := c.QueryParam("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return badRequest("limit must be a number from 1 to %d, not %q", models.MaxLedgerLimit, v)
		}
	}
	f.Cursor = c.QueryParam("cursor")
	page, err := h.store.ListLedgerEntries(c.Request().Context(), account(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ListOutdatedEmails lists the affiliates whose last codes email stated a
// commission other than their current one (?affiliate_id= narrows it).
func (h *EmailHandlers) ListOutdatedEmails(c echo.Context) error {
	affID, err := queryUint(c, "affiliate_id")
	if err != nil {
		return err
	}
	rows, err := h.store.OutdatedCommissionEmails(c.Request().Context(), account(c).ID, affID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(rows))
}

// SendUpdatedEmails emails every affiliate ListOutdatedEmails lists its
// codes with its current commission, and answers 202 with how many.
func (h *EmailHandlers) SendUpdatedEmails(c echo.Context) error {
	ctx := c.Request().Context()
	ids, err := h.store.WriteUpdatedCommissionEmails(ctx, account(c).ID, h.appURL)
	if err != nil {
		return err
	}
	enqueueEmails(ctx, h.queue, h.log, ids)
	return c.JSON(http.StatusAccepted, map[string]any{"queued": len(ids), "email_ids": nonNil(ids)})
}

// IssuePortalLink makes a fresh single-use sign-in link to the portal for
// affiliate :id, for the merchant to hand over, and answers 201 with it.
func (h *EmailHandlers) IssuePortalLink(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	link, err := h.store.IssuePortalLink(c.Request().Context(), account(c).ID, id, h.appURL)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, link)
}

func nonNil(ids []uint64) []uint64 {
	if ids == nil {
		return []uint64{}
	}
	return ids
}

package handlers

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// codeHandlers serve /api/v1/codes.
type codeHandlers struct {
	store *models.Store
	jobs  JobQueue
	log   *slog.Logger
	mail  *EmailHandlers
	// platforms tell which stores can switch codes off.
	platforms map[string]platforms.Platform
}

// push sends new codes to the account's store (when it has one) through
// the queue; the returned codes show their pending sync. An enqueue that
// fails is logged: the sweeper sends pending codes again.
func (h *codeHandlers) push(ctx context.Context, accountID uint64, codes []models.Code) ([]models.Code, error) {
	ids := make([]uint64, len(codes))
	for i, c := range codes {
		ids[i] = c.ID
	}
	queued, err := h.store.MarkCodesForPush(ctx, accountID, ids)
	if err != nil || len(queued) == 0 {
		return codes, err
	}
	for _, id := range queued {
		if h.jobs == nil {
			break
		}
		if err := h.jobs.EnqueuePushCode(ctx, id); err != nil {
			h.log.Warn("enqueue code push; the sweeper will retry", "code_id", id, "error", err)
		}
	}
	for i := range codes {
		if fresh, err := h.store.GetCode(ctx, accountID, codes[i].ID); err == nil {
			codes[i] = *fresh
		}
	}
	return codes, nil
}

// ListCodes lists codes: ?source=imported|generated|manual, ?assigned=yes|no,
// ?affiliate_id=, ?active=yes|no, ?connection_id= (0: not tied to a store),
// ?q= (code prefix, any case), ?page=, ?per_page=. Each code carries its
// uses (earning orders) and sales (net subtotal per currency).
func (h *codeHandlers) ListCodes(c echo.Context) error {
	f, p, err := codeFilter(c)
	if err != nil {
		return err
	}
	rows, total, err := h.store.ListCodesWithStats(c.Request().Context(), account(c).ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, total, p))
}

func codeFilter(c echo.Context) (f models.CodeFilter, p paging, err error) {
	if p, err = queryPaging(c); err != nil {
		return f, p, err
	}
	f = models.CodeFilter{Source: c.QueryParam("source"), Q: c.QueryParam("q"), Page: p.Page, PerPage: p.PerPage}
	if f.Assigned, err = queryBool(c, "assigned"); err != nil {
		return f, p, err
	}
	if f.Active, err = queryBool(c, "active"); err != nil {
		return f, p, err
	}
	if f.AffiliateID, err = queryUint(c, "affiliate_id"); err != nil {
		return f, p, err
	}
	if v := c.QueryParam("connection_id"); v != "" {
		n, err := parseID("connection_id", v, true)
		if err != nil {
			return f, p, err
		}
		f.ConnectionID = &n
	}
	return f, p, nil
}

// CreateCode saves a code typed by the merchant: {code, discount_type,
// discount_value, currency, once_per_customer, affiliate_id}.
func (h *codeHandlers) CreateCode(c echo.Context) error {
	var in models.NewCode
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	code, err := h.store.CreateManualCode(c.Request().Context(), account(c).ID, in)
	if err != nil {
		return err
	}
	pushed, err := h.push(c.Request().Context(), account(c).ID, []models.Code{*code})
	if err != nil {
		return err
	}
	if in.AffiliateID != nil {
		h.mail.CodesAssigned(c.Request().Context(), account(c).ID, []uint64{code.ID})
	}
	return c.JSON(http.StatusCreated, pushed[0])
}

// GetCode shows one code.
func (h *codeHandlers) GetCode(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	code, err := h.store.GetCode(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, code)
}

// AssignCode gives a code to an affiliate: {affiliate_id}.
func (h *codeHandlers) AssignCode(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		AffiliateID uint64 `json:"affiliate_id"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.AffiliateID == 0 {
		return badRequest("affiliate_id is required")
	}
	code, err := h.store.AssignCode(c.Request().Context(), account(c).ID, id, in.AffiliateID)
	if err != nil {
		return err
	}
	h.mail.CodesAssigned(c.Request().Context(), account(c).ID, []uint64{code.ID})
	return c.JSON(http.StatusOK, code)
}

// UnassignCode takes a code away from its affiliate; an optional
// {"deactivate": true} also stops it from matching orders, in the same step,
// and {"deactivate": true, "on_store": true} switches it off on its store
// too (queued; the code's store_status and store_note tell the outcome).
func (h *codeHandlers) UnassignCode(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in codeOffRequest
	if err := optionalJSON(c, &in); err != nil {
		return err
	}
	if in.OnStore && !in.Deactivate {
		return badRequest("on_store needs deactivate: true (a code still counted here stays on the store)")
	}
	var code *models.Code
	if in.OnStore {
		code, err = h.turnOff(c.Request().Context(), account(c).ID, id, models.CodeOff{Unassign: true, OnStore: true})
	} else {
		code, err = h.store.UnassignCode(c.Request().Context(), account(c).ID, id, in.Deactivate)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, code)
}

// DeactivateCode stops a code from matching orders; an optional
// {"on_store": true} switches it off on its store too (queued).
func (h *codeHandlers) DeactivateCode(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in deactivateBody
	if err := optionalJSON(c, &in); err != nil {
		return err
	}
	code, err := h.turnOff(c.Request().Context(), account(c).ID, id, models.CodeOff{OnStore: in.OnStore})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, code)
}

// generateRequest asks for codes from a naming rule, for the listed
// affiliates, for every active affiliate without an active code, or (a
// preview only) for a sample affiliate, on the chosen store.
type generateRequest struct {
	Template string `json:"template"` // empty: the account's naming rule
	models.DiscountSpec
	AffiliateIDs []uint64 `json:"affiliate_ids"`
	AllMissing   bool     `json:"all_missing"`
	Sample       bool     `json:"sample"`
	ConnectionID uint64   `json:"connection_id"` // 0: the account's store
}

func bindGenerate(c echo.Context, sampleOK bool) (models.CodeBatch, bool, error) {
	var in generateRequest
	if err := bindJSON(c, &in); err != nil {
		return models.CodeBatch{}, false, err
	}
	asked := 0
	for _, on := range []bool{in.AllMissing, len(in.AffiliateIDs) > 0, in.Sample} {
		if on {
			asked++
		}
	}
	switch {
	case in.Sample && !sampleOK:
		return models.CodeBatch{}, false, badRequest("sample is for previews only")
	case asked > 1:
		return models.CodeBatch{}, false, badRequest("send one of affiliate_ids, all_missing or sample")
	case asked == 0:
		return models.CodeBatch{}, false, badRequest("affiliate_ids is required (or all_missing: true)")
	}
	return models.CodeBatch{Template: in.Template, Discount: in.DiscountSpec, AffiliateIDs: in.AffiliateIDs,
		AllMissing: in.AllMissing, ConnectionID: in.ConnectionID}, in.Sample, nil
}

// GenerateCodes makes and saves codes from a naming rule, on the chosen
// store (connection_id) or the account's store.
func (h *codeHandlers) GenerateCodes(c echo.Context) error {
	b, _, err := bindGenerate(c, false)
	if err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	codes, err := h.store.GenerateBatch(ctx, acct, b)
	if err != nil {
		return err
	}
	if codes, err = h.push(ctx, acct, codes); err != nil {
		return err
	}
	ids := make([]uint64, len(codes))
	for i, code := range codes {
		ids[i] = code.ID
	}
	h.mail.CodesAssigned(ctx, acct, ids)
	return c.JSON(http.StatusCreated, batchOf(codes))
}

// PreviewCodes shows the codes a generation with the same request would
// make, saving nothing (random parts are drawn again when generating);
// {sample: true} shows the code for an affiliate named Ann Lee.
func (h *codeHandlers) PreviewCodes(c echo.Context) error {
	b, sample, err := bindGenerate(c, true)
	if err != nil {
		return err
	}
	ctx, acct := c.Request().Context(), account(c).ID
	var codes []models.GeneratedCode
	if sample {
		var one models.GeneratedCode
		one, err = h.store.PreviewSample(ctx, acct, b)
		codes = []models.GeneratedCode{one}
	} else {
		codes, err = h.store.PreviewBatch(ctx, acct, b)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, batchOf(codes))
}

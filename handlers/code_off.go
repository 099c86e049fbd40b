package handlers

import (
	"bytes"
	"context"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// codeOffRequest is the optional body of unassign ({"deactivate": true,
// "on_store": true}) and deactivate ({"on_store": true}).
type codeOffRequest struct {
	Deactivate bool `json:"deactivate"`
	OnStore    bool `json:"on_store"`
}

// deactivateBody is the deactivate route's body: on_store only.
type deactivateBody struct {
	OnStore bool `json:"on_store"`
}

// optionalJSON decodes a body that may be absent, strictly when present.
func optionalJSON(c echo.Context, v any) error {
	body, err := readJSONBody(c)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	return decodeStrict(body, v)
}

// turnOff stops a code from matching orders as o says and, with
// o.OnStore, queues switching it off on its store (without a queue, the
// worker's sweeper queues the codes left waiting). A store whose platform
// cannot switch codes off, or a code that is not on its store, is a 400
// that changes nothing.
func (h *codeHandlers) turnOff(ctx context.Context, accountID, codeID uint64, o models.CodeOff) (*models.Code, error) {
	if o.OnStore {
		if err := h.canTurnOffOnStore(ctx, accountID, codeID); err != nil {
			return nil, err
		}
	}
	code, err := h.store.TurnOffCode(ctx, accountID, codeID, o)
	if err != nil || !o.OnStore {
		return code, err
	}
	if h.jobs == nil {
		h.log.Warn("no queue to turn the code off on its store; the sweeper will", "code_id", code.ID)
		return code, nil
	}
	if err := h.jobs.EnqueueDeactivateCode(ctx, code.ID); err != nil {
		h.log.Warn("enqueue code deactivation; the sweeper will retry", "code_id", code.ID, "error", err)
	}
	return code, nil
}

// canTurnOffOnStore says, as a 400, why a code cannot be switched off on
// its store from here: its store's platform does not offer it. A code on
// no store is refused by the store's TurnOffCode, with its own reason.
func (h *codeHandlers) canTurnOffOnStore(ctx context.Context, accountID, codeID uint64) error {
	code, conn, err := h.store.CodeStore(ctx, accountID, codeID)
	if err != nil || conn == nil {
		return err
	}
	if _, ok := h.platforms[conn.Platform].(platforms.CodeDeactivator); !ok {
		return badRequest("Codecredit cannot turn codes off on %s; turn %s off in the store's own admin",
			conn.DisplayName(), code.Code)
	}
	return nil
}

// canDeactivateCodes reports whether the platform's adapter can switch
// codes off on the store.
func canDeactivateCodes(adapters map[string]platforms.Platform, platform string) bool {
	_, ok := adapters[platform].(platforms.CodeDeactivator)
	return ok
}

package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// apiKeyHandlers serve /api/v1/api-keys: the account's keys for scripts,
// with their scopes, created and revoked from the admin.
type apiKeyHandlers struct {
	store *models.Store
}

// apiKeyView is a key as the API shows it: never its secret, which only
// the answer to its creation carries (Key).
type apiKeyView struct {
	models.APIKey
	Scopes []string `json:"scopes"`
	Key    string   `json:"key,omitempty"`
}

func viewAPIKey(k models.APIKey) apiKeyView {
	return apiKeyView{APIKey: k, Scopes: k.ScopeList()}
}

// ListAPIKeys lists the account's keys, newest first, revoked ones too.
func (h *apiKeyHandlers) ListAPIKeys(c echo.Context) error {
	keys, err := h.store.ListAPIKeys(c.Request().Context(), account(c).ID)
	if err != nil {
		return err
	}
	out := make([]apiKeyView, len(keys))
	for i, k := range keys {
		out[i] = viewAPIKey(k)
	}
	return c.JSON(http.StatusOK, batchOf(out))
}

// CreateAPIKey makes a key {name, scopes: ["read"]} and answers 201 with
// its secret in key: shown this once, only its hash is kept. Made with an
// API key, it may hold only scopes that key holds (403 otherwise).
func (h *apiKeyHandlers) CreateAPIKey(c echo.Context) error {
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := checkGrant(c, in.Scopes); err != nil {
		return err
	}
	key, row, err := h.store.CreateNamedAPIKey(c.Request().Context(), account(c).ID, in.Name, in.Scopes)
	if err != nil {
		return err
	}
	v := viewAPIKey(*row)
	v.Key = key
	return c.JSON(http.StatusCreated, v)
}

// RevokeAPIKey revokes one of the account's keys at once: it is refused
// (401) from the next request on. Another account's key is a 404.
func (h *apiKeyHandlers) RevokeAPIKey(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := h.store.RevokeAPIKey(c.Request().Context(), account(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewAPIKey(*k))
}

// apiKeyKey is where AdminAuth leaves the API key a request came with;
// absent for the admin's own session.
const apiKeyKey = "api_key"

// checkGrant refuses (403) a key made by an API key with more than that
// key holds: keys:write cannot mint a full key. The admin's session may
// grant anything.
func checkGrant(c echo.Context, scopes []string) error {
	caller, ok := c.Get(apiKeyKey).(*models.APIKey)
	if !ok {
		return nil
	}
	for _, sc := range scopes {
		sc = strings.ToLower(strings.TrimSpace(sc))
		if sc != "" && !caller.Covers(sc) {
			return echo.NewHTTPError(http.StatusForbidden, fmt.Sprintf("API key %q (scopes: %s) cannot make a key with the scope %s, which it does not hold itself",
				caller.Name, caller.Scopes, sc))
		}
	}
	return nil
}

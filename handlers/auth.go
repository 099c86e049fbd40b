package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// accountKey is where requireAPIKey leaves the caller's account.
const accountKey = "account"

// requireAPIKey authenticates "Authorization: Bearer cc_..." and puts the
// key's account on the context; a missing or unknown key is a 401.
func requireAPIKey(store *models.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			scheme, key, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			key = strings.TrimSpace(key)
			if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
				return echo.NewHTTPError(http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
			}
			acct, err := store.AccountByAPIKey(c.Request().Context(), key)
			if errors.Is(err, models.ErrNotFound) {
				return echo.NewHTTPError(http.StatusUnauthorized, "invalid API key")
			}
			if err != nil {
				return err
			}
			c.Set(accountKey, acct)
			return next(c)
		}
	}
}

// account is the authenticated caller's account.
func account(c echo.Context) *models.Account {
	return c.Get(accountKey).(*models.Account)
}

// apiHeaders marks API responses as never framed nor cached.
func apiHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set(echo.HeaderXFrameOptions, "DENY")
			h.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'")
			h.Set("Cache-Control", "no-store")
			return next(c)
		}
	}
}

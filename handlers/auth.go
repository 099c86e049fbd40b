package handlers

import (
	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// accountKey is where AdminAuth leaves the caller's account.
const accountKey = "account"

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

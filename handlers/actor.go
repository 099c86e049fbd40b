package handlers

import (
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
)

// actor names who made a request, for audits, from what authenticated it
// (AdminAuth has checked it already): an API key by its public prefix, a
// Shopify admin user by shop and user id, or the merchant's session.
func actor(c echo.Context) string {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		_, cred, _ := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		if strings.HasPrefix(cred, "cc_") {
			return "API key " + cred[:min(len(cred), 10)] + "…"
		}
		var claims sessionClaims
		if _, _, err := jwt.NewParser().ParseUnverified(cred, &claims); err == nil {
			who := "Shopify admin of " + strings.TrimPrefix(claims.Dest, "https://")
			if claims.Subject != "" {
				who += " (user " + claims.Subject + ")"
			}
			return who
		}
	}
	acct := account(c)
	if acct.Email != "" {
		return "merchant session of " + acct.Email
	}
	return "merchant session of account " + acct.Name
}

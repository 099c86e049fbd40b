package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// sameOrigin tells whether a form was posted from this site: by the
// browser's Sec-Fetch-Site when it sends one, else by an Origin header
// that is absent or this host ("null" is refused).
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// refuseCrossSite answers a POST sent from another site (see sameOrigin)
// with refuse, before the handler runs: the sign-in and sign-out forms of
// the portal and the admin, so no other site can sign someone in or out,
// or send sign-in emails in their name.
func refuseCrossSite(refuse echo.HandlerFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Method == http.MethodPost && !sameOrigin(c.Request()) {
				return refuse(c)
			}
			return next(c)
		}
	}
}

// sameSiteOnly is refuseCrossSite with the API's JSON 403.
func sameSiteOnly() echo.MiddlewareFunc {
	return refuseCrossSite(func(echo.Context) error {
		return echo.NewHTTPError(http.StatusForbidden, "this request was sent from another site")
	})
}

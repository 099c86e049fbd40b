package handlers

import (
	_ "embed" // the OpenAPI document
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDocument is the OpenAPI 3.1 description of /api/v1, one entry
// per path; openapi_test.go fails when it and the routes drift apart.
//
//go:embed openapi.json
var openAPIDocument []byte

// GetOpenAPI serves the OpenAPI document, to anyone: it holds no data.
func GetOpenAPI(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderAccessControlAllowOrigin, "*")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDocument)
}

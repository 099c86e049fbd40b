package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// errorBody is every error response: {"error": "message"}, plus the bad
// rows of a rejected batch, the request id of a server error and, when a
// 400 or 409 is about one input field, that field as the request names it
// ({"error": "email x@y.z is already used by ...", "field": "email"}).
// Field is added, never required: a client that ignores it still has the
// whole message in error.
type errorBody struct {
	Error     string            `json:"error"`
	Rows      []models.RowError `json:"rows,omitempty"`
	Field     string            `json:"field,omitempty"` // the request's field the error is about
	RequestID string            `json:"request_id,omitempty"`
}

// errorHandler maps every error to a status and a JSON body, once. Server
// errors are logged here, with the request id, and nowhere else.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := describe(err)
		var fe *models.FieldError
		if status < http.StatusInternalServerError && errors.As(err, &fe) {
			body.Field = fe.Field
		}
		var p panicked
		if status >= http.StatusInternalServerError {
			body.RequestID = requestID(c)
		}
		if status >= http.StatusInternalServerError && !errors.As(err, &p) {
			log.ErrorContext(c.Request().Context(), "request failed", "request_id", body.RequestID,
				"method", c.Request().Method, "path", c.Path(), "error", err)
		}
		if status == http.StatusUnauthorized {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="codecredit"`)
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, body)
		}
		if err != nil {
			log.ErrorContext(c.Request().Context(), "writing error response", "request_id", requestID(c), "error", err)
		}
	}
}

// describe turns an error into a status and a message meant for the caller.
func describe(err error) (int, errorBody) {
	var bulk *models.BulkError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &bulk):
		return http.StatusBadRequest, errorBody{Error: after(err, models.ErrInvalid), Rows: bulk.Rows}
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: after(err, models.ErrNotFound) + " not found"}
	case errors.Is(err, models.ErrInvalid):
		return http.StatusBadRequest, errorBody{Error: after(err, models.ErrInvalid)}
	case errors.Is(err, models.ErrConflict):
		return http.StatusConflict, errorBody{Error: after(err, models.ErrConflict)}
	case errors.Is(err, platforms.ErrPayload):
		return http.StatusBadRequest, errorBody{Error: after(err, platforms.ErrPayload)}
	case errors.As(err, &he):
		return he.Code, errorBody{Error: httpMessage(he)}
	}
	return http.StatusInternalServerError, errorBody{Error: "internal server error"}
}

// after returns what err says past its sentinel ("models: invalid: name is
// required" → "name is required"), or the sentinel's own words.
func after(err, sentinel error) string {
	msg, prefix := err.Error(), sentinel.Error()
	if i := strings.Index(msg, prefix+": "); i >= 0 {
		return msg[i+len(prefix)+2:]
	}
	return strings.TrimPrefix(strings.TrimPrefix(prefix, "models: "), "platforms: ")
}

// httpMessage words Echo's own errors (routing, body limit, our 400s).
func httpMessage(he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return "request body is larger than " + BodyLimit + "B"
	case http.StatusNotFound:
		return "no such route"
	case http.StatusMethodNotAllowed:
		return "method not allowed on this route"
	}
	if m, ok := he.Message.(string); ok && m != "" {
		return m
	}
	return strings.ToLower(http.StatusText(he.Code))
}

// badRequest is a 400 with a message for the caller.
func badRequest(format string, args ...any) error {
	return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// logPanic logs a recovered panic with its stack, then lets the error
// handler answer 500 without logging it again.
func logPanic(log *slog.Logger) func(c echo.Context, err error, stack []byte) error {
	return func(c echo.Context, err error, stack []byte) error {
		log.ErrorContext(c.Request().Context(), "panic", "request_id", requestID(c),
			"method", c.Request().Method, "path", c.Path(), "error", err, "stack", string(stack))
		return panicked{err}
	}
}

// panicked marks an error already logged by logPanic.
type panicked struct{ error }

func (p panicked) Unwrap() error { return p.error }

// badGateway is a 502 for a failed call to a platform: msg for the
// merchant, err kept for the log.
func badGateway(msg string, err error) error {
	he := echo.NewHTTPError(http.StatusBadGateway, msg)
	he.Internal = err
	return he
}

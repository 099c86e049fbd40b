package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// bindJSON decodes the request body into v strictly: JSON only, a single
// object, no unknown fields (so a typo is a 400, not silently ignored).
func bindJSON(c echo.Context, v any) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// readJSONBody reads the whole body of a JSON request; the body limit
// middleware stops it at BodyLimit.
func readJSONBody(c echo.Context) ([]byte, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, he
		}
		return nil, badRequest("could not read the request body: %v", err)
	}
	return body, nil
}

// decodeStrict decodes one JSON object into v, refusing unknown fields
// and trailing data, with a message that says what is wrong.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("request body must hold a single JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var date *time.ParseError
	switch {
	case errors.As(err, &date):
		return badRequest("dates must be RFC 3339, like 2026-01-31T10:00:00Z, not %s", date.Value)
	case errors.As(err, &syntax):
		return badRequest("malformed JSON at byte %d: %v", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: the body ends too early")
	case errors.As(err, &typ) && typ.Field == "":
		return badRequest("request body must be a JSON object")
	case errors.As(err, &typ):
		return badRequest("field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return badRequest("invalid JSON: %v", err)
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "a whole number"
	case strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "string":
		return "a string"
	case goKind == "bool":
		return "true or false"
	case goKind == "slice", goKind == "array":
		return "a list"
	}
	return "an object"
}

// pathID reads the :id path parameter.
func pathID(c echo.Context) (uint64, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("id must be a positive whole number, not %q", c.Param("id"))
	}
	return id, nil
}

// queryUint reads an optional positive id from the query (0 when absent).
func queryUint(c echo.Context, name string) (uint64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, badRequest("%s must be a positive whole number, not %q", name, v)
	}
	return n, nil
}

// queryBool reads an optional yes/no filter (yes, true, 1 / no, false, 0).
func queryBool(c echo.Context, name string) (*bool, error) {
	switch v := strings.ToLower(c.QueryParam(name)); v {
	case "":
		return nil, nil
	case "yes", "true", "1":
		t := true
		return &t, nil
	case "no", "false", "0":
		f := false
		return &f, nil
	default:
		return nil, badRequest("%s must be yes or no, not %q", name, v)
	}
}

// paging reads page and per_page; per_page above models.MaxPerPage is
// served as MaxPerPage and the response says so.
type paging struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func queryPaging(c echo.Context) (paging, error) {
	p := paging{Page: 1, PerPage: models.DefaultPerPage}
	for name, dst := range map[string]*int{"page": &p.Page, "per_page": &p.PerPage} {
		v := c.QueryParam(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, badRequest("%s must be a positive whole number, not %q", name, v)
		}
		*dst = n
	}
	p.PerPage = min(p.PerPage, models.MaxPerPage)
	return p, nil
}

// list is one page of a list response.
type list[T any] struct {
	Data  []T   `json:"data"`
	Total int64 `json:"total"`
	paging
}

func pageOf[T any](data []T, total int64, p paging) list[T] {
	if data == nil {
		data = []T{}
	}
	return list[T]{Data: data, Total: total, paging: p}
}

// batch is a whole result that is not paged.
type batch[T any] struct {
	Data  []T `json:"data"`
	Count int `json:"count"`
}

func batchOf[T any](data []T) batch[T] {
	if data == nil {
		data = []T{}
	}
	return batch[T]{Data: data, Count: len(data)}
}

package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"reflect"
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
	return checkStrings(reflect.ValueOf(v), "", false)
}

// checkStrings walks a decoded body: every string must be text a database
// stores (valid UTF-8, no NUL) and, unless its field is tagged
// input:"multiline", printable on one line and at most
// models.MaxLineLength characters; every unsigned number (ids) must fit
// the databases' 63 bits.
func checkStrings(v reflect.Value, path string, multiline bool) error {
	switch v.Kind() {
	case reflect.Uint, reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			return badRequest("%s must be at most %d", path, uint64(math.MaxInt64))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem(), path, multiline)
		}
	case reflect.String:
		if multiline {
			return models.CheckText(path, v.String())
		}
		return models.CheckLine(path, v.String(), models.MaxLineLength)
	case reflect.Struct:
		return checkFields(v, path)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw JSON, checked when decoded itself
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), multiline); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkStrings(it.Key(), path, false); err != nil {
				return err
			}
			if err := checkStrings(it.Value(), path, multiline); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkFields checks the exported fields of a struct, named as in JSON.
func checkFields(v reflect.Value, path string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case name == "" && f.Anonymous:
			name = path
		case name == "":
			name = f.Name
		}
		if path != "" && name != path {
			name = path + "." + name
		}
		if err := checkStrings(v.Field(i), name, f.Tag.Get("input") == "multiline"); err != nil {
			return err
		}
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

// parseID reads an id: a whole number from 1 (0 when zero is allowed) to
// 2^63-1, the largest id the databases store.
func parseID(name, v string, zero bool) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > math.MaxInt64 || (n == 0 && !zero) {
		kind := "a positive whole number"
		if zero {
			kind = "a whole number"
		}
		return 0, badRequest("%s must be %s of at most %d, not %q", name, kind, uint64(math.MaxInt64), v)
	}
	return n, nil
}

// pathID reads the :id path parameter.
func pathID(c echo.Context) (uint64, error) {
	return parseID("id", c.Param("id"), false)
}

// queryUint reads an optional positive id from the query (0 when absent).
func queryUint(c echo.Context, name string) (uint64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	return parseID(name, v, false)
}

// checkParams refuses, with a 400 naming it, a query or path parameter
// that is not printable one-line text of at most models.MaxLineLength
// characters (a NUL in a search, a line break in a filter), so that no
// handler passes such text on to the database.
func checkParams() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			for name, vals := range c.QueryParams() {
				if err := models.CheckLine(name, name, models.MaxLineLength); err != nil {
					return err
				}
				for _, v := range vals {
					if err := models.CheckLine(name, v, models.MaxLineLength); err != nil {
						return err
					}
				}
			}
			for i, name := range c.ParamNames() {
				if err := models.CheckLine(name, c.ParamValues()[i], models.MaxLineLength); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
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
// served as MaxPerPage and the response says so. A page past the end,
// however far, is empty, with the real total.
type paging struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func queryPaging(c echo.Context) (paging, error) {
	p := paging{Page: 1}
	for name, dst := range map[string]*int{"page": &p.Page, "per_page": &p.PerPage} {
		v := c.QueryParam(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, badRequest("%s must be a whole number from 1 to %d, not %q", name, math.MaxInt64, v)
		}
		*dst = n
	}
	_, p.PerPage = models.ClampPaging(p.Page, p.PerPage)
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

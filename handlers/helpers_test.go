package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
)

// env is a real Echo with every route, on a fresh PostgreSQL schema.
type env struct {
	t     *testing.T
	store *models.Store
	e     *echo.Echo
	queue *handlers.FakeJobs // nil when the routes have no queue
	logs  *bytes.Buffer
}

// newEnv has every route on a fresh PostgreSQL schema, with a fake queue.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, testdb.Postgres(t))
}

// newEnvOn is newEnv on a given store (PostgreSQL or SQLite).
func newEnvOn(t *testing.T, s *models.Store) *env {
	t.Helper()
	return newEnvFrom(t, s, handlers.Deps{Jobs: &handlers.FakeJobs{}})
}

// newEnvFrom registers the routes with d on s, logging as JSON into
// v.logs; d.Jobs nil leaves the routes without a queue.
func newEnvFrom(t *testing.T, s *models.Store, d handlers.Deps) *env {
	t.Helper()
	v := &env{t: t, store: s, e: echo.New(), logs: &bytes.Buffer{}}
	v.queue, _ = d.Jobs.(*handlers.FakeJobs)
	d.Store, d.Logger = s, slog.New(slog.NewJSONHandler(v.logs, nil))
	if d.Ready == nil {
		d.Ready = func(ctx context.Context) error { return s.Ping(ctx) }
	}
	handlers.Register(v.e, d)
	return v
}

// check runs f as the subtest name, with v's helpers failing that subtest.
func (v *env) check(name string, f func(t *testing.T)) bool {
	parent := v.t
	defer func() { v.t = parent }()
	return parent.Run(name, func(t *testing.T) { v.t = t; f(t) })
}

// step is check for a step the later ones build on: the test stops when it
// fails.
func (v *env) step(name string, f func(t *testing.T)) {
	v.t.Helper()
	if !v.check(name, f) {
		v.t.FailNow()
	}
}

// tenant is an account with its API key.
type tenant struct {
	acct *models.Account
	key  string
}

func (v *env) tenant(name string) tenant {
	v.t.Helper()
	a, err := v.store.CreateAccount(context.Background(), name, "", "USD")
	if err != nil {
		v.t.Fatal(err)
	}
	key, err := v.store.CreateAPIKey(context.Background(), a.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	return tenant{acct: a, key: key}
}

// call sends a request; body is a string sent as is, or a value sent as JSON.
func (v *env) call(method, path, key string, body any) *httptest.ResponseRecorder {
	v.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			v.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if key != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return rec
}

// must sends a request and fails unless the status is want; it decodes the
// JSON answer into out when out is not nil.
func (v *env) must(want int, method, path, key string, body, out any) {
	v.t.Helper()
	rec := v.call(method, path, key, body)
	if rec.Code != want {
		v.t.Fatalf("%s %s: %d %s, want %d", method, path, rec.Code, rec.Body.String(), want)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			v.t.Fatalf("%s %s: decoding %s: %v", method, path, rec.Body.String(), err)
		}
	}
}

// serve runs a prepared request.
func serve(v *env, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	return rec
}

// errorOf decodes an error answer and checks it is JSON with a message.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
		t.Fatalf("error answer is not {\"error\": ...}: %d %q", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		t.Fatalf("error Content-Type = %q", ct)
	}
	return body.Error
}

// listOf is a page of a list answer.
type listOf[T any] struct {
	Data    []T   `json:"data"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Count   int   `json:"count"`
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

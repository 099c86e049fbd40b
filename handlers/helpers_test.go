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
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
)

// fakeQueue records the events handed to the workers.
type fakeQueue struct {
	mu  sync.Mutex
	ids []uint64
	err error
}

func (q *fakeQueue) EnqueueEvent(_ context.Context, id uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
	return q.err
}

func (q *fakeQueue) EnqueueImport(context.Context, uint64) error { return q.err }

func (q *fakeQueue) EnqueuePushCode(context.Context, uint64) error { return q.err }

func (q *fakeQueue) got() []uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]uint64(nil), q.ids...)
}

// env is a real Echo with every route, on a fresh PostgreSQL schema.
type env struct {
	t     *testing.T
	store *models.Store
	e     *echo.Echo
	queue *fakeQueue
	logs  *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	q := &fakeQueue{}
	v := newEnvWith(t, q)
	v.queue = q
	return v
}

// newEnvWith registers the routes with jobs as the queue (nil: none).
func newEnvWith(t *testing.T, jobs handlers.JobQueue) *env {
	t.Helper()
	v := &env{t: t, store: testdb.Postgres(t), e: echo.New(), logs: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(v.logs, nil))
	handlers.Register(v.e, handlers.Deps{Store: v.store, Jobs: jobs, Logger: log,
		Ready: func(ctx context.Context) error { return v.store.Ping(ctx) }})
	return v
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

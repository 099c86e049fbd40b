package handlers

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/models/testdb"
)

// testApp is the whole app served over HTTP, so that a platform's sandbox
// can call it back, on a fresh PostgreSQL schema, with the fake queue and
// nonces. Its routes are registered (register) once the platform adapters,
// which need the app's URL, are built.
type testApp struct {
	t      *testing.T
	store  *models.Store
	e      *echo.Echo
	app    *httptest.Server
	jobs   *FakeJobs
	nonces *MemNonces
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	e := echo.New()
	a := &testApp{t: t, store: testdb.Postgres(t), e: e, app: httptest.NewServer(e), jobs: &FakeJobs{}, nonces: &MemNonces{}}
	t.Cleanup(a.app.Close)
	return a
}

// register installs every route, as routes.go lists them, with d on the
// app's store, queue and nonces, logging nowhere.
func (a *testApp) register(d Deps) {
	d.Store, d.Jobs, d.Nonces, d.Logger = a.store, a.jobs, a.nonces, slog.New(slog.DiscardHandler)
	Register(a.e, d)
}

// merchant is a new merchant account and its API key.
func (a *testApp) merchant(name, email, currency string) (*models.Account, string) {
	a.t.Helper()
	ctx := context.Background()
	acct, err := a.store.CreateAccount(ctx, name, email, currency)
	if err != nil {
		a.t.Fatal(err)
	}
	key, err := a.store.CreateAPIKey(ctx, acct.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return acct, key
}

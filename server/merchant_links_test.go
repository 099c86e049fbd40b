package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"codecredit/frontend"
	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
)

// linkSite is the real admin routes with merchant links in Redis; with no
// SMTP the links are logged too, and token reads the last one.
type linkSite struct {
	e     *echo.Echo
	store *models.Store
	links *merchantLinks
	queue *emailIDs
	logs  *bytes.Buffer
}

// emailIDs records the outbox emails handed to the workers.
type emailIDs struct {
	mu  sync.Mutex
	ids []uint64
}

func (q *emailIDs) EnqueueEmail(_ context.Context, id uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
	return nil
}

func (q *emailIDs) got() []uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]uint64(nil), q.ids...)
}

func newLinkSite(t *testing.T) *linkSite {
	t.Helper()
	return newLinkSiteWith(t, nil)
}

// newLinkSiteWith counts sign-in requests with limiter (nil: in memory).
func newLinkSiteWith(t *testing.T, limiter handlers.Limiter) *linkSite {
	t.Helper()
	store := testdb.Postgres(t)
	rdb := redis.NewClient(&redis.Options{Addr: testdb.RedisAddr(t), DB: 13})
	t.Cleanup(func() { rdb.Close() })
	if _, err := store.CreateAccount(context.Background(), "Demo Shop", "owner@example.com", "USD"); err != nil {
		t.Fatal(err)
	}
	s := &linkSite{e: echo.New(), store: store, queue: &emailIDs{}, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(s.logs, nil))
	s.links = newMerchantLinks(rdb, store, s.queue, false, "https://app.example.com", log)
	sessions, err := handlers.NewMerchantSessions(store, true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := handlers.NewAdmin(frontend.Dist(), "", s.links, sessions, log)
	if err != nil {
		t.Fatal(err)
	}
	handlers.Register(s.e, handlers.Deps{Store: store, Admin: admin, Sessions: sessions, Logger: log, Limiter: limiter})
	return s
}

// token asks for a link for the merchant and returns its token.
func (s *linkSite) token(t *testing.T) string {
	t.Helper()
	s.logs.Reset()
	if err := s.links.Send(context.Background(), "Owner@Example.com"); err != nil {
		t.Fatal(err)
	}
	s.links.wait()
	var line struct{ Link string }
	if err := json.Unmarshal(s.logs.Bytes(), &line); err != nil || !strings.HasPrefix(line.Link, "https://app.example.com/admin/auth?token=") {
		t.Fatalf("no link logged (%v):\n%s", err, s.logs.String())
	}
	return strings.TrimPrefix(line.Link, "https://app.example.com/admin/auth?token=")
}

func (s *linkSite) do(method, target, token string) *httptest.ResponseRecorder {
	var req *http.Request
	if method == "POST" {
		req = httptest.NewRequest(method, target, strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	} else {
		req = httptest.NewRequest(method, target+"?token="+url.QueryEscape(token), nil)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

func TestMerchantLinkCheckDoesNotUseItUp(t *testing.T) {
	s := newLinkSite(t)
	ctx := context.Background()
	token := s.token(t)
	// Redis holds the link's hash only: reading Redis gives no usable link.
	keys, err := s.links.rdb.Keys(ctx, "*"+token+"*").Result()
	if err != nil || len(keys) != 0 {
		t.Fatalf("the raw token is in Redis: %v %v", keys, err)
	}
	for range 2 {
		if id, err := s.links.Check(ctx, token); err != nil || id == 0 {
			t.Fatalf("check: %d %v", id, err)
		}
	}
	id, err := s.links.Redeem(ctx, token)
	if err != nil || id == 0 {
		t.Fatalf("redeem: %d %v", id, err)
	}
	for what, fn := range map[string]func(context.Context, string) (uint64, error){"check": s.links.Check, "redeem": s.links.Redeem} {
		if _, err := fn(ctx, token); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("%s a used link: %v, want ErrNotFound", what, err)
		}
		if _, err := fn(ctx, "made-up"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("%s a made-up link: %v, want ErrNotFound", what, err)
		}
	}
}

// Mail scanners open the link (GET, HEAD) before the merchant clicks; only
// the confirm button's POST uses it, once.
func TestMerchantLinkSurvivesMailScanners(t *testing.T) {
	s := newLinkSite(t)
	token := s.token(t)
	for _, method := range []string{"GET", "HEAD", "GET"} {
		rec := s.do(method, "/admin/auth", token)
		if rec.Header().Get("Set-Cookie") != "" || (method == "GET" && rec.Code != http.StatusOK) {
			t.Fatalf("%s of the link: %d %v", method, rec.Code, rec.Header())
		}
		if method == "GET" && !strings.Contains(rec.Body.String(), `name="token" value="`+token+`"`) {
			t.Fatalf("confirm page without the token:\n%s", rec.Body.String())
		}
	}
	rec := s.do("POST", "/admin/auth", token)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/" ||
		!strings.HasPrefix(rec.Header().Get("Set-Cookie"), handlers.SessionCookie+"=") {
		t.Fatalf("confirm: %d %v", rec.Code, rec.Header())
	}
	for _, method := range []string{"POST", "GET"} {
		rec := s.do(method, "/admin/auth", token)
		if rec.Header().Get("Location") != "/admin/?login=expired" || rec.Header().Get("Set-Cookie") != "" {
			t.Fatalf("%s of a used link: %d %v", method, rec.Code, rec.Header())
		}
	}

	// The button pressed twice at once: one session.
	token = s.token(t)
	var signedIn, refused int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := s.do("POST", "/admin/auth", token)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case rec.Header().Get("Location") == "/admin/" && rec.Header().Get("Set-Cookie") != "":
				signedIn++
			case rec.Header().Get("Location") == "/admin/?login=expired":
				refused++
			}
		}()
	}
	wg.Wait()
	if signedIn != 1 || refused != 1 {
		t.Fatalf("two posts of one link: %d signed in, %d refused; want 1 and 1", signedIn, refused)
	}
}

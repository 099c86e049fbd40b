package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/jobs"
	"codecredit/models"
)

// login asks for a sign-in link from a client, with headers in pairs.
func (s *linkSite) login(email, remote string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(`{"email":"`+email+`"}`))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

// outbox lists the sign-in emails written, once those under way are.
func (s *linkSite) outbox(t *testing.T) []models.OutboxEmail {
	t.Helper()
	s.links.wait()
	var rows []models.OutboxEmail
	if err := s.store.DB().Where("kind = ?", models.KindMerchantLogin).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// mailbox is a jobs.Mailer that keeps what it is given.
type mailbox struct{ got []jobs.Message }

func (m *mailbox) Send(_ context.Context, msg jobs.Message) error {
	m.got = append(m.got, msg)
	return nil
}

// A known and an unknown address get the same answer; only the known one
// gets an email, written to the outbox for the send job, which mails it.
func TestMerchantLoginSameAnswerMailedByTheJob(t *testing.T) {
	s := newLinkSite(t)
	known := s.login("Owner@Example.com", "192.0.2.1:1000")
	unknown := s.login("nobody@example.com", "192.0.2.1:1000")
	if known.Code != http.StatusAccepted || known.Code != unknown.Code || known.Body.String() != unknown.Body.String() {
		t.Fatalf("known %d %s, unknown %d %s: want the same 202", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	rows := s.outbox(t)
	if len(rows) != 1 || rows[0].To != "owner@example.com" || rows[0].Status != models.EmailQueued ||
		!strings.Contains(rows[0].Text, "https://app.example.com/admin/auth?token=") {
		t.Fatalf("outbox %+v, want one queued sign-in email to the owner", rows)
	}
	if got := s.queue.got(); len(got) != 1 || got[0] != rows[0].ID {
		t.Fatalf("handed to the workers: %v, want [%d]", got, rows[0].ID)
	}
	box := &mailbox{}
	if err := jobs.NewEmails(s.store, nil, jobs.EmailOptions{Mailer: box}).Send(context.Background(), rows[0].ID); err != nil {
		t.Fatal(err)
	}
	if len(box.got) != 1 || box.got[0].To != "owner@example.com" || box.got[0].Text != rows[0].Text {
		t.Fatalf("mailed %+v", box.got)
	}
	if rows = s.outbox(t); rows[0].Status != models.EmailSent {
		t.Fatalf("after the job the email is %s, want sent", rows[0].Status)
	}
	link := box.got[0].Text[strings.Index(box.got[0].Text, "token=")+len("token=") : strings.Index(box.got[0].Text, "\n\nThe link")]
	if rec := s.do("POST", "/admin/auth", link); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/" {
		t.Fatalf("the mailed link: %d %v", rec.Code, rec.Header())
	}
}

// allowAll is a Limiter that never refuses, for measuring.
type allowAll struct{}

func (allowAll) Hit(context.Context, string, int, time.Duration) (bool, time.Duration, error) {
	return true, 0, nil
}

// The time a known and an unknown address take, logged, not asserted.
func TestMerchantLoginTimes(t *testing.T) {
	s := newLinkSiteWith(t, allowAll{})
	var times [2][]time.Duration
	for range 50 {
		for i, email := range []string{"owner@example.com", "nobody@example.com"} {
			start := time.Now()
			if rec := s.login(email, "192.0.2.1:1000"); rec.Code != http.StatusAccepted {
				t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i := range times {
		slices.Sort(times[i])
	}
	t.Logf("POST /admin/login median over 50: known %v, unknown %v", times[0][25], times[1][25])
}

// Past the limits per address and per client, asking is a 429 that
// writes nothing; X-Forwarded-For from a client does not make it another.
func TestMerchantLoginLimits(t *testing.T) {
	s := newLinkSite(t)
	for i := range 6 {
		rec := s.login("owner@example.com", "192.0.2.1:1000")
		if want := map[bool]int{true: http.StatusAccepted, false: http.StatusTooManyRequests}[i < 5]; rec.Code != want {
			t.Fatalf("request %d for one address: %d %s, want %d", i+1, rec.Code, rec.Body, want)
		}
	}
	if n := len(s.outbox(t)); n != 5 {
		t.Fatalf("%d sign-in emails, want 5", n)
	}

	s = newLinkSite(t)
	for i := range 20 {
		if rec := s.login(fmt.Sprintf("someone%d@example.com", i), "192.0.2.1:1000"); rec.Code != http.StatusAccepted {
			t.Fatalf("request %d from one client: %d", i+1, rec.Code)
		}
	}
	for _, xff := range []string{"", "203.0.113.9"} {
		rec := s.login("owner@example.com", "192.0.2.1:1000", "X-Forwarded-For", xff)
		var body struct{ Error string }
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
			json.Unmarshal(rec.Body.Bytes(), &body) != nil || !strings.Contains(body.Error, "Too many sign-in requests") {
			t.Fatalf("21st request from one client (X-Forwarded-For %q): %d %v %s", xff, rec.Code, rec.Header(), rec.Body)
		}
	}
	if n := len(s.outbox(t)); n != 0 {
		t.Fatalf("%d sign-in emails after the refusals, want 0", n)
	}
	if rec := s.login("owner@example.com", "198.51.100.7:1000"); rec.Code != http.StatusAccepted || len(s.outbox(t)) != 1 {
		t.Fatalf("another client: %d", rec.Code)
	}
}

// A sign-in request posted from another site is a 403 that writes nothing.
func TestMerchantLoginRefusedCrossSite(t *testing.T) {
	s := newLinkSite(t)
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://evil.example"}, {"Origin", "null"}} {
		if rec := s.login("owner@example.com", "192.0.2.1:1000", h...); rec.Code != http.StatusForbidden {
			t.Fatalf("login with %v: %d, want 403", h, rec.Code)
		}
	}
	if n := len(s.outbox(t)); n != 0 {
		t.Fatalf("%d sign-in emails after cross-site requests, want 0", n)
	}
	if rec := s.login("owner@example.com", "192.0.2.1:1000", "Sec-Fetch-Site", "same-origin"); rec.Code != http.StatusAccepted {
		t.Fatalf("login from the admin: %d", rec.Code)
	}
}

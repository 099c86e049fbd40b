package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/hibiken/asynq"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

const appURL = "https://app.example.com"

// mailFixture is a Shopify shop with one affiliate holding one code, and
// that code's assignment email in the outbox.
type mailFixture struct {
	store   *models.Store
	account *models.Account
	aff     *models.Affiliate
	emailID uint64
}

func newMailFixture(t *testing.T) *mailFixture {
	t.Helper()
	s := testdb.Postgres(t)
	if err := s.DB().AutoMigrate(models.EmailModels()...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, "Acme Outdoor", "owner@acme.example", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn := models.Connection{AccountID: a.ID, Platform: platforms.Shopify, ExternalID: "acme.myshopify.com",
		Status: models.ConnectionActive, InstalledAt: time.Now()}
	if err := s.DB().Create(&conn).Error; err != nil {
		t.Fatal(err)
	}
	aff, err := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Jane Doe", Email: "jane@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	code := models.Code{AccountID: a.ID, ConnectionID: conn.ID, Code: "JANE15", Normalized: "JANE15", AffiliateID: &aff.ID,
		DiscountType: models.DiscountPercentage, DiscountValue: 1500, Source: models.SourceImported, Active: true}
	if err := s.DB().Create(&code).Error; err != nil {
		t.Fatal(err)
	}
	ids, err := s.WriteAssignmentEmails(ctx, a.ID, []uint64{code.ID}, appURL)
	if err != nil || len(ids) != 1 {
		t.Fatalf("queue: %v %v", ids, err)
	}
	return &mailFixture{store: s, account: a, aff: aff, emailID: ids[0]}
}

func (f *mailFixture) email(t *testing.T) *models.OutboxEmail {
	t.Helper()
	e, err := f.store.GetEmail(context.Background(), f.account.ID, f.emailID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mailer(t *testing.T, srv *smtpServer) jobs.Mailer {
	t.Helper()
	m, err := jobs.NewMailer(srv.url(), "Codecredit <mail@codecredit.example>")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendEmailDelivers(t *testing.T) {
	f := newMailFixture(t)
	srv := startSMTP(t, smtpOpts{startTLS: true, user: "u", pass: "p"})
	e := jobs.NewEmails(f.store, nil, jobs.EmailOptions{Mailer: mailer(t, srv), AppURL: appURL, Logger: testLogger(t)})
	ctx := context.Background()
	if err := e.Send(ctx, f.emailID); err != nil {
		t.Fatal(err)
	}
	if err := e.Send(ctx, f.emailID); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages for one email sent twice, want 1", len(got))
	}
	r := got[0]
	if r.To[0] != "jane@example.com" || r.Subject != "Your codes for Acme Outdoor: JANE15" {
		t.Fatalf("to %v subject %q", r.To, r.Subject)
	}
	for _, part := range []string{r.Text, r.HTML} {
		for _, want := range []string{"JANE15", "15% off", "https://acme.myshopify.com/discount/JANE15", appURL + "/portal/", appURL + "/r/jane15"} {
			if !strings.Contains(part, want) {
				t.Errorf("a part misses %q:\n%s", want, part)
			}
		}
	}
	if m := f.email(t); m.Status != models.EmailSent || m.Attempts != 1 || m.SentAt == nil {
		t.Fatalf("outbox row after sending: %s, %d attempts", m.Status, m.Attempts)
	}
}

func TestSendEmailRetriesThenFails(t *testing.T) {
	tests := []struct {
		name string
		srv  func(t *testing.T) *smtpServer
	}{
		{"server answers 451", func(t *testing.T) *smtpServer {
			return startSMTP(t, smtpOpts{fail: func(int) error { return tempFailure() }})
		}},
		{"server down", func(t *testing.T) *smtpServer {
			s := startSMTP(t, smtpOpts{})
			s.stop()
			return s
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newMailFixture(t)
			srv := tt.srv(t)
			e := jobs.NewEmails(f.store, nil, jobs.EmailOptions{Mailer: mailer(t, srv), MaxAttempts: 3, Logger: testLogger(t)})
			ctx := context.Background()
			for try := 1; try <= 2; try++ {
				if err := e.Send(ctx, f.emailID); err == nil {
					t.Fatalf("try %d: no error, want one so that the queue retries", try)
				}
				if m := f.email(t); m.Status != models.EmailQueued || m.Attempts != try || m.LastError == "" {
					t.Fatalf("after try %d: %s, %d attempts, error %q", try, m.Status, m.Attempts, m.LastError)
				}
			}
			if err := e.Send(ctx, f.emailID); err != nil {
				t.Fatalf("last try: %v, want nil (given up, nothing to retry)", err)
			}
			m := f.email(t)
			if m.Status != models.EmailFailed || m.Attempts != 3 || m.Subject == "" || m.Text == "" {
				t.Fatalf("after the last try: %+v", m)
			}
			// Nothing is lost: once the merchant resends and the server
			// takes mail again, it goes out.
			good := startSMTP(t, smtpOpts{})
			e = jobs.NewEmails(f.store, nil, jobs.EmailOptions{Mailer: mailer(t, good), Logger: testLogger(t)})
			if _, err := f.store.ResendEmail(ctx, f.account.ID, f.emailID); err != nil {
				t.Fatal(err)
			}
			if err := e.Send(ctx, f.emailID); err != nil {
				t.Fatal(err)
			}
			if len(good.messages()) != 1 || f.email(t).Status != models.EmailSent {
				t.Fatalf("resent email: %d received, status %s", len(good.messages()), f.email(t).Status)
			}
		})
	}
}

func TestSendEmailFailsAtOnceWhenRefusedForGood(t *testing.T) {
	f := newMailFixture(t)
	srv := startSMTP(t, smtpOpts{fail: func(int) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
	}})
	e := jobs.NewEmails(f.store, nil, jobs.EmailOptions{Mailer: mailer(t, srv), Logger: testLogger(t)})
	if err := e.Send(context.Background(), f.emailID); err != nil {
		t.Fatalf("a permanent refusal: %v, want nil (no retry)", err)
	}
	if m := f.email(t); m.Status != models.EmailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
		t.Fatalf("after a 550: %s, %d attempts, %q", m.Status, m.Attempts, m.LastError)
	}
}

func TestSendEmailHeldWithoutSMTP(t *testing.T) {
	f := newMailFixture(t)
	m, err := jobs.NewMailer("", "")
	if err != nil {
		t.Fatal(err)
	}
	e := jobs.NewEmails(f.store, nil, jobs.EmailOptions{Mailer: m, Logger: testLogger(t)})
	if err := e.Send(context.Background(), f.emailID); err != nil {
		t.Fatal(err)
	}
	if got := f.email(t); got.Status != models.EmailHeld || got.Attempts != 0 || !strings.Contains(got.Text, "JANE15") {
		t.Fatalf("without SMTP: %s, %d attempts", got.Status, got.Attempts)
	}
}

// startEmailServer runs the email jobs on a real asynq server, retrying
// failed tasks at once, shut down when the test ends.
func startEmailServer(t *testing.T, url, queue string, e *jobs.Emails) {
	t.Helper()
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		t.Fatal(err)
	}
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 2, Queues: map[string]int{queue: 1},
		RetryDelayFunc:           func(int, error, *asynq.Task) time.Duration { return 0 },
		DelayedTaskCheckInterval: 50 * time.Millisecond, LogLevel: asynq.FatalLevel})
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeSendEmail, e.ProcessSend)
	mux.HandleFunc(jobs.TypeEmailSummaries, e.ProcessSummaries)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
}

func TestEmailThroughTheQueue(t *testing.T) {
	url, queue := redisQueue(t)
	f := newMailFixture(t)
	var refused atomic.Int32
	srv := startSMTP(t, smtpOpts{fail: func(n int) error {
		if n <= 2 {
			refused.Add(1)
			return tempFailure()
		}
		return nil
	}})
	client := newClient(t, url, queue)
	e := jobs.NewEmails(f.store, client, jobs.EmailOptions{Mailer: mailer(t, srv), AppURL: appURL, Logger: testLogger(t)})
	startEmailServer(t, url, queue, e)
	if err := client.EnqueueEmail(context.Background(), f.emailID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the email sent", func() (bool, string) {
		m := f.email(t)
		return m.Status == models.EmailSent, fmt.Sprintf("%s after %d attempts: %s", m.Status, m.Attempts, m.LastError)
	})
	if got := len(srv.messages()); got != 1 || refused.Load() != 2 || f.email(t).Attempts != 3 {
		t.Fatalf("%d received after %d refusals in %d attempts; want 1 after 2 in 3", got, refused.Load(), f.email(t).Attempts)
	}
}

func TestSweepQueuesLostEmails(t *testing.T) {
	url, queue := redisQueue(t)
	f := newMailFixture(t)
	srv := startSMTP(t, smtpOpts{})
	client := newClient(t, url, queue)
	e := jobs.NewEmails(f.store, client, jobs.EmailOptions{Mailer: mailer(t, srv), Logger: testLogger(t)})
	f.store.SetClock(func() time.Time { return time.Now().UTC().Add(time.Hour) })
	n, err := e.Sweep(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("sweep found %d (%v), want the email never enqueued", n, err)
	}
	startEmailServer(t, url, queue, e)
	waitFor(t, "the swept email sent", func() (bool, string) {
		return f.email(t).Status == models.EmailSent, string(f.email(t).Status)
	})
	if len(srv.messages()) != 1 {
		t.Fatalf("%d received, want 1", len(srv.messages()))
	}
}

func TestNoticesAndSummariesThroughTheQueue(t *testing.T) {
	url, queue := redisQueue(t)
	f := newMailFixture(t)
	ctx := context.Background()
	srv := startSMTP(t, smtpOpts{})
	client := newClient(t, url, queue)
	e := jobs.NewEmails(f.store, client, jobs.EmailOptions{Mailer: mailer(t, srv), AppURL: appURL, Logger: testLogger(t)})
	startEmailServer(t, url, queue, e)
	if err := e.Send(ctx, f.emailID); err != nil { // the assignment email
		t.Fatal(err)
	}
	conn, err := f.store.ConnectionBySource(ctx, platforms.Shopify, "acme.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	placed := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	if _, err := f.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "o1", Number: "#1001", Codes: []string{"jane15"},
		Currency: "USD", Subtotal: 20000, Total: 20000, PlacedAt: placed}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReverseRefund(ctx, conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "o1", Subtotal: 5000,
		CreatedAt: placed.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.NotifyReversal(ctx, conn.ID, "o1")
	e.NotifyReversal(ctx, conn.ID, "o1")
	f.store.SetClock(func() time.Time { return time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC) })
	if err := client.EnqueueEmailSummaries(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the notice and the summary received", func() (bool, string) {
		return len(srv.messages()) >= 3, fmt.Sprintf("%d of 3 received", len(srv.messages()))
	})
	got := srv.messages()
	subjects := []string{}
	for _, m := range got {
		subjects = append(subjects, m.Subject)
	}
	want := []string{"Your codes for Acme Outdoor: JANE15", "A commission was reversed: order #1001", "Your March 2026 earnings with Acme Outdoor"}
	if strings.Join(subjects, "|") != strings.Join(want, "|") && strings.Join(subjects, "|") != strings.Join([]string{want[0], want[2], want[1]}, "|") {
		t.Fatalf("received %q, want %q", subjects, want)
	}
	for _, m := range got[1:] {
		if m.To[0] != "jane@example.com" || !strings.Contains(m.Text, "5.00 USD") {
			t.Errorf("%q to %v misses the reversed 5.00 USD:\n%s", m.Subject, m.To, m.Text)
		}
	}
}

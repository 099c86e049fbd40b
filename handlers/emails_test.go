package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/emailtmpl"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

const testAppURL = "https://app.example.com"

// quiet drops the logs of the send job.
var quiet = slog.New(slog.DiscardHandler)

// mailEnv is the API with the email and portal routes, a real SMTP server
// and the send job pointed at it.
type mailEnv struct {
	*env
	mail   *handlers.EmailHandlers
	smtp   *smtpSink
	sender *jobs.Emails
}

func newMailEnv(t *testing.T) *mailEnv {
	t.Helper()
	return newMailEnvWith(t, handlers.Deps{})
}

// newMailEnvWith is newMailEnv with more dependencies wired (jobs and the
// app's URL are set here).
func newMailEnvWith(t *testing.T, d handlers.Deps) *mailEnv {
	t.Helper()
	d.Jobs, d.AppURL = &handlers.FakeJobs{}, testAppURL
	v := newEnvFrom(t, testdb.Postgres(t), d)
	m := &mailEnv{env: v, mail: handlers.NewEmailHandlers(v.store, v.queue, testAppURL, nil), smtp: startSink(t)}
	mailer, err := jobs.NewMailer(m.smtp.url, "Codecredit <mail@codecredit.example>")
	if err != nil {
		t.Fatal(err)
	}
	m.sender = jobs.NewEmails(v.store, nil, jobs.EmailOptions{Mailer: mailer, AppURL: testAppURL, Logger: quiet})
	return m
}

// send runs the send job for every email queued since the last call.
func (m *mailEnv) send(t *testing.T) {
	t.Helper()
	for _, id := range m.queue.TakeEmails() {
		if err := m.sender.Send(context.Background(), id); err != nil {
			t.Fatalf("send email %d: %v", id, err)
		}
	}
}

func TestAssignCodeSendsOneEmail(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Acme Outdoor")
	conn := models.Connection{AccountID: shop.acct.ID, Platform: platforms.Shopify, ExternalID: "acme.myshopify.com",
		Status: models.ConnectionActive, InstalledAt: time.Now()}
	if err := m.store.DB().Create(&conn).Error; err != nil {
		t.Fatal(err)
	}
	var jane, bob models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Bob Stone", "email": "bob@example.com"}, &bob)
	var code models.Code
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "SUMMER15", "discount_type": "percentage", "discount_value": 1500}, &code)
	m.send(t)
	if n := len(m.smtp.messages()); n != 0 {
		t.Fatalf("a code without affiliate sent %d emails", n)
	}

	m.must(http.StatusOK, "POST", "/api/v1/codes/"+idStr(code.ID)+"/assign", shop.key, map[string]uint64{"affiliate_id": jane.ID}, nil)
	m.send(t)
	got := m.smtp.messages()
	if len(got) != 1 {
		t.Fatalf("assigning one code sent %d emails, want exactly 1", len(got))
	}
	r := got[0]
	if len(r.To) != 1 || r.To[0] != "jane@example.com" || r.Subject != "Your codes for Acme Outdoor: SUMMER15" {
		t.Fatalf("email to %v, subject %q", r.To, r.Subject)
	}
	for _, part := range []string{r.Text, r.HTML} {
		for _, want := range []string{"SUMMER15", "15% off", "https://acme.myshopify.com/discount/SUMMER15", testAppURL + "/portal/", "10% of each order"} {
			if !strings.Contains(part, want) {
				t.Errorf("a part misses %q:\n%s", want, part)
			}
		}
	}

	// Generating codes for two affiliates is one email each.
	m.must(http.StatusCreated, "POST", "/api/v1/codes/generate", shop.key, map[string]any{"template": "{FIRST}{DISCOUNT}",
		"discount_type": "percentage", "discount_value": 2000, "affiliate_ids": []uint64{jane.ID, bob.ID}}, nil)
	m.send(t)
	if got := m.smtp.messages(); len(got) != 3 || !strings.Contains(got[1].Text+got[2].Text, "BOB20") {
		t.Fatalf("after generating for two: %d emails", len(got))
	}

	// Re-sending is explicit: every active code of Jane's in one email.
	var e models.OutboxEmail
	m.must(http.StatusAccepted, "POST", "/api/v1/affiliates/"+idStr(jane.ID)+"/send-codes", shop.key, nil, &e)
	m.send(t)
	got = m.smtp.messages()
	if len(got) != 4 || !strings.Contains(got[3].Text, "SUMMER15") || !strings.Contains(got[3].Text, "JANE20") {
		t.Fatalf("explicit resend: %d emails, last:\n%s", len(got), got[len(got)-1].Text)
	}
	var list listOf[models.OutboxEmail]
	m.must(http.StatusOK, "GET", "/api/v1/emails?status=sent", shop.key, nil, &list)
	if list.Total != 4 {
		t.Fatalf("outbox lists %d sent emails, want 4", list.Total)
	}
}

func TestOutboxAPI(t *testing.T) {
	m := newMailEnv(t)
	shop, other := m.tenant("Shop"), m.tenant("Other")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, nil)
	held := jobs.NewEmails(m.store, nil, jobs.EmailOptions{Logger: quiet}) // no SMTP_URL
	ids := m.queue.TakeEmails()
	if len(ids) != 1 {
		t.Fatalf("creating a code with an affiliate queued %d emails", len(ids))
	}
	if err := held.Send(context.Background(), ids[0]); err != nil {
		t.Fatal(err)
	}
	var list listOf[models.OutboxEmail]
	m.must(http.StatusOK, "GET", "/api/v1/emails?status=held", shop.key, nil, &list)
	if list.Total != 1 || !strings.Contains(list.Data[0].Text, "JANE10") || list.Data[0].To != "jane@example.com" {
		t.Fatalf("held emails = %+v", list)
	}
	path := "/api/v1/emails/" + idStr(ids[0])
	for _, call := range []struct{ method, path string }{{"GET", path}, {"POST", path + "/resend"}} {
		if rec := m.call(call.method, call.path, other.key, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("another shop %s %s: %d", call.method, call.path, rec.Code)
		}
	}
	m.must(http.StatusOK, "GET", "/api/v1/emails", other.key, nil, &list)
	if list.Total != 0 {
		t.Fatalf("another shop sees %d emails", list.Total)
	}
	var e models.OutboxEmail
	m.must(http.StatusAccepted, "POST", path+"/resend", shop.key, nil, &e)
	if e.Status != models.EmailQueued {
		t.Fatalf("resent email is %s", e.Status)
	}
	m.send(t)
	if len(m.smtp.messages()) != 1 {
		t.Fatal("the resent email did not reach the SMTP server")
	}
	if rec := m.call("GET", "/api/v1/emails?status=lost", shop.key, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad status filter: %d", rec.Code)
	}
}

func TestEmailTemplatesAPI(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Shop")
	base := "/api/v1/settings/email-templates/code_assignment"
	var view models.EmailTemplateView
	m.must(http.StatusOK, "GET", base, shop.key, nil, &view)
	if view.Custom || !strings.Contains(view.Body, "{{codes}}") || strings.Contains(view.Body, "{{.") || len(view.Tags) < 6 {
		t.Fatalf("default template = %+v", view)
	}
	rec := m.call("PUT", base, shop.key, map[string]string{"subject": "Hi", "html": "<p>x</p>", "text": "x"})
	if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, `unknown field "html"`) {
		t.Fatalf("the older format: %d %q", rec.Code, msg)
	}
	rec = m.call("PUT", base, shop.key, map[string]string{"subject": "Hi", "body": "{{codes}} {{first_name}}"})
	var fe struct{ Error, Field string }
	_ = json.Unmarshal(rec.Body.Bytes(), &fe)
	if rec.Code != http.StatusBadRequest || fe.Field != "body" || !strings.Contains(fe.Error, "{{first_name}}") ||
		!strings.Contains(fe.Error, "{{affiliate_first_name}}") {
		t.Fatalf("an unknown tag: %d %+v", rec.Code, fe)
	}
	if rec := m.call("POST", base+"/preview", shop.key, map[string]string{"subject": "{{nope}}", "body": "{{codes}}"}); rec.Code != http.StatusBadRequest {
		t.Fatalf("preview of an unknown tag: %d", rec.Code)
	}
	draft := map[string]string{"subject": "Codes for {{affiliate_name}}", "body": "Hi <b>{{affiliate_first_name}}</b>\n\n{{codes}}"}
	var msg emailtmpl.Message
	m.must(http.StatusOK, "POST", base+"/preview", shop.key, draft, &msg)
	if msg.Subject != "Codes for Jane Doe" || !strings.Contains(msg.HTML, "Hi &lt;b&gt;Jane&lt;/b&gt;") ||
		!strings.HasPrefix(msg.Text, "Hi <b>Jane</b>\n\nJANE15: 15% off") {
		t.Fatalf("preview of a draft = %+v", msg)
	}
	m.must(http.StatusOK, "GET", base, shop.key, nil, &view)
	if view.Custom {
		t.Fatal("previewing or refusing saved the draft")
	}
	m.must(http.StatusOK, "PUT", base, shop.key, draft, &view)
	m.must(http.StatusOK, "POST", base+"/preview", shop.key, nil, &msg)
	if !view.Custom || view.Body != draft["body"] || msg.Subject != "Codes for Jane Doe" {
		t.Fatalf("saved template %+v previews as %+v", view, msg)
	}
	other := m.tenant("Other")
	m.must(http.StatusOK, "GET", base, other.key, nil, &view)
	if view.Custom {
		t.Fatal("one shop's template shows in another's")
	}
	var all listOf[models.EmailTemplateView]
	m.must(http.StatusOK, "GET", "/api/v1/settings/email-templates", shop.key, nil, &all)
	if all.Count != len(emailtmpl.Kinds) || !all.Data[0].Custom || all.Data[1].Custom {
		t.Fatalf("template list = %+v", all)
	}
	m.must(http.StatusOK, "DELETE", base, shop.key, nil, &view)
	if view.Custom {
		t.Fatal("reset kept the shop's template")
	}
	if rec := m.call("GET", "/api/v1/settings/email-templates/newsletter", shop.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown kind: %d", rec.Code)
	}
}

func TestEmailSettingsAPI(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Shop")
	var set models.EmailSettings
	m.must(http.StatusOK, "GET", "/api/v1/settings/emails", shop.key, nil, &set)
	if !set.AssignmentEmails || set.SummaryDay != 1 {
		t.Fatalf("defaults = %+v", set)
	}
	m.must(http.StatusOK, "PUT", "/api/v1/settings/emails", shop.key, map[string]any{"assignment_emails": false, "summary_day": 3}, &set)
	if set.AssignmentEmails || set.SummaryDay != 3 || !set.Summaries {
		t.Fatalf("updated = %+v", set)
	}
	if rec := m.call("PUT", "/api/v1/settings/emails", shop.key, map[string]any{"summary_day": 31}); rec.Code != http.StatusBadRequest {
		t.Fatalf("day 31: %d", rec.Code)
	}
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, nil)
	if ids := m.queue.TakeEmails(); len(ids) != 0 {
		t.Fatalf("assignment emails are off, yet %d were queued", len(ids))
	}
}

// smtpSink is a real SMTP server (go-smtp) on 127.0.0.1 that keeps what it
// receives, parsed.
type smtpSink struct {
	url  string
	mu   sync.Mutex
	msgs []sunk
}

type sunk struct {
	To         []string
	Subject    string
	Text, HTML string
}

func startSink(t *testing.T) *smtpSink {
	t.Helper()
	s := &smtpSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "smtp://" + ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpSink) messages() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.msgs...)
}

type sinkSession struct {
	sink *smtpSink
	to   []string
}

func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSession) Reset()        { s.to = nil }
func (s *sinkSession) Logout() error { return nil }

func (s *sinkSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	got := sunk{To: s.to, Subject: subject}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			got.HTML = string(body)
		} else {
			got.Text = string(body)
		}
	}
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, got)
	s.sink.mu.Unlock()
	return nil
}

// idStr writes an id for a path.
func idStr(id uint64) string { return strconv.FormatUint(id, 10) }

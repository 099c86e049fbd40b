package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"codecredit/jobs"
)

func sampleMessage() jobs.Message {
	return jobs.Message{ID: "codecredit-email-7", FromName: "Acme Outdoor", To: "jane@example.com", ToName: "Jane Doe",
		ReplyTo: "owner@acme.example", Subject: "Your code JANE15 for Acme Outdoor — 15% off",
		Text: "Hi Jane,\nYour code: JANE15\nhttps://acme.myshopify.com/discount/JANE15\n",
		HTML: `<p>Hi Jane,</p><p>Your code: <strong>JANE15</strong> <a href="https://acme.myshopify.com/discount/JANE15">link</a></p>`}
}

func TestSMTPMailerDelivers(t *testing.T) {
	tests := []struct {
		name string
		opts smtpOpts
	}{
		{"STARTTLS with login", smtpOpts{startTLS: true, user: "mailer", pass: "s3cret"}},
		{"implicit TLS with login", smtpOpts{implicit: true, user: "mailer", pass: "s3cret"}},
		{"plain relay without login", smtpOpts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.opts)
			m, err := jobs.NewMailer(srv.url(), "Codecredit <mail@codecredit.example>")
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Send(context.Background(), sampleMessage()); err != nil {
				t.Fatal(err)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			r := got[0]
			if r.From != "mail@codecredit.example" || len(r.To) != 1 || r.To[0] != "jane@example.com" {
				t.Fatalf("envelope from %q to %v", r.From, r.To)
			}
			if r.Subject != sampleMessage().Subject {
				t.Errorf("subject %q", r.Subject)
			}
			if !strings.Contains(r.Header.Get("From"), "Acme Outdoor") || !strings.Contains(r.Header.Get("Reply-To"), "owner@acme.example") ||
				r.Header.Get("Message-Id") != "<codecredit-email-7@codecredit.example>" {
				t.Errorf("headers From %q Reply-To %q Message-Id %q", r.Header.Get("From"), r.Header.Get("Reply-To"), r.Header.Get("Message-Id"))
			}
			for _, part := range []string{r.Text, r.HTML} {
				if !strings.Contains(part, "JANE15") || !strings.Contains(part, "https://acme.myshopify.com/discount/JANE15") {
					t.Errorf("a part misses the code or the link:\n%s", part)
				}
			}
		})
	}
}

func TestSMTPMailerRefuses(t *testing.T) {
	tests := []struct {
		name      string
		opts      smtpOpts
		url       func(s *smtpServer) string
		permanent bool
	}{
		{"password never sent without TLS", smtpOpts{user: "mailer", pass: "s3cret"}, nil, false},
		{"wrong password", smtpOpts{startTLS: true, user: "mailer", pass: "s3cret"},
			func(s *smtpServer) string { return strings.Replace(s.url(), "s3cret", "guess", 1) }, false},
		{"self-signed certificate without insecure=1", smtpOpts{implicit: true},
			func(s *smtpServer) string { return strings.TrimSuffix(s.url(), "?insecure=1") }, false},
		{"temporary refusal", smtpOpts{fail: func(int) error { return tempFailure() }}, nil, false},
		{"permanent refusal", smtpOpts{fail: func(int) error {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.opts)
			u := srv.url()
			if tt.url != nil {
				u = tt.url(srv)
			}
			m, err := jobs.NewMailer(u, "mail@codecredit.example")
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), sampleMessage())
			if err == nil {
				t.Fatal("sent, want an error")
			}
			if errors.Is(err, jobs.ErrPermanent) != tt.permanent {
				t.Fatalf("permanent = %v for %v, want %v", errors.Is(err, jobs.ErrPermanent), err, tt.permanent)
			}
			if len(srv.messages()) != 0 {
				t.Fatal("the server kept a message it refused")
			}
		})
	}
}

func TestNewMailerConfig(t *testing.T) {
	m, err := jobs.NewMailer("", "")
	if err != nil || m != nil {
		t.Fatalf("no SMTP_URL: %v %v, want no mailer", m, err)
	}
	tests := []struct {
		name, url, from string
	}{
		{"http scheme", "http://mail.example.com", "a@example.com"},
		{"no host", "smtp://", "a@example.com"},
		{"bad port", "smtp://mail.example.com:99999", "a@example.com"},
		{"bad sender", "smtp://mail.example.com", "not an address"},
	}
	for _, tt := range tests {
		if _, err := jobs.NewMailer(tt.url, tt.from); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if _, err := jobs.NewMailer("smtps://u:p@mail.example.com", "Shop <a@example.com>"); err != nil {
		t.Errorf("a good URL: %v", err)
	}
}

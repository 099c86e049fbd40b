package jobs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer delivers one email. SMTPMailer is the real one; tests may use
// their own.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Message is one email to deliver.
type Message struct {
	ID       string // stable per outbox email, for the Message-ID header
	FromName string // shown as the sender's name; the address is MAIL_FROM
	To       string
	ToName   string
	ReplyTo  string
	Subject  string
	HTML     string
	Text     string
}

// ErrPermanent marks a delivery the SMTP server refused for good (a 5xx
// answer to the sender, a recipient or the message): retrying cannot help.
var ErrPermanent = errors.New("jobs: smtp server refused the email for good")

// SMTPMailer sends through one SMTP server with go-mail, a new connection
// per email.
type SMTPMailer struct {
	from   *netmail.Address
	host   string
	opts   []mail.Option
	domain string // for Message-ID
}

// NewMailer reads SMTP_URL and MAIL_FROM. An empty smtpURL is no mailer
// (nil, nil): emails then stay held in the outbox.
//
// smtp://user:pass@host:587 uses STARTTLS when the server offers it (and
// then only authenticates over TLS, or with a challenge-response method);
// smtps://user:pass@host:465 is TLS from the first byte. The port defaults
// to 587 and 465. ?insecure=1 skips certificate checks (test servers only).
func NewMailer(smtpURL, from string) (Mailer, error) {
	if smtpURL == "" {
		return nil, nil
	}
	m, err := NewSMTPMailer(smtpURL, from)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewSMTPMailer is NewMailer for a URL that must be set.
func NewSMTPMailer(smtpURL, from string) (*SMTPMailer, error) {
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("jobs: MAIL_FROM %q is not an email address", from)
	}
	u, err := url.Parse(smtpURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("jobs: SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465")
	}
	port, err := smtpPort(u)
	if err != nil {
		return nil, err
	}
	tlsConf := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if v := u.Query().Get("insecure"); v == "1" || v == "true" {
		tlsConf.InsecureSkipVerify = true
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(30 * time.Second), mail.WithTLSConfig(tlsConf)}
	if u.Scheme == "smtps" {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(user), mail.WithPassword(pass))
	}
	return &SMTPMailer{from: addr, host: u.Hostname(), opts: opts, domain: domainOf(addr.Address)}, nil
}

func smtpPort(u *url.URL) (int, error) {
	if u.Port() == "" {
		if u.Scheme == "smtps" {
			return 465, nil
		}
		return 587, nil
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("jobs: SMTP_URL port %q is not a port", u.Port())
	}
	return p, nil
}

func domainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return "localhost"
}

// Send delivers m: a multipart/alternative email with the text and the
// HTML part. A 5xx refusal wraps ErrPermanent.
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	client, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("jobs: smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return fmt.Errorf("%w: %v", ErrPermanent, err)
		}
		return fmt.Errorf("jobs: smtp: %w", err)
	}
	return nil
}

// build turns m into a go-mail message.
func (s *SMTPMailer) build(m Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	name := m.FromName
	if name == "" {
		name = s.from.Name
	}
	if err := msg.FromFormat(name, s.from.Address); err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, err
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, err
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

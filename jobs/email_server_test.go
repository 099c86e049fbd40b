package jobs_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpOpts shape the test SMTP server.
type smtpOpts struct {
	startTLS bool   // offer STARTTLS
	implicit bool   // TLS from the first byte (smtps)
	user     string // require AUTH PLAIN with user/pass when set
	pass     string
	// fail, when set, answers the n-th DATA (1-based) with its error.
	fail func(n int) error
}

// received is one message the server accepted, parsed.
type received struct {
	From    string
	To      []string
	Subject string
	Header  mail.Header
	Text    string
	HTML    string
}

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1.
type smtpServer struct {
	t    *testing.T
	opts smtpOpts
	addr string
	ln   net.Listener
	srv  *smtp.Server
	mu   sync.Mutex
	msgs []received
	data int // DATA commands seen
}

func startSMTP(t *testing.T, opts smtpOpts) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, opts: opts}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.ErrorLog = testErrorLog{t}
	var ln net.Listener
	var err error
	if opts.startTLS || opts.implicit {
		s.srv.TLSConfig = selfSigned(t)
	}
	if opts.implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", s.srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr, s.ln = ln.Addr().String(), ln
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// url is the SMTP_URL pointing at the server.
func (s *smtpServer) url() string {
	scheme := "smtp"
	if s.opts.implicit {
		scheme = "smtps"
	}
	auth := ""
	if s.opts.user != "" {
		auth = s.opts.user + ":" + s.opts.pass + "@"
	}
	return scheme + "://" + auth + s.addr + "?insecure=1"
}

// stop closes the server: later connections are refused.
func (s *smtpServer) stop() {
	s.ln.Close()
	s.srv.Close()
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type testErrorLog struct{ t *testing.T }

func (l testErrorLog) Printf(format string, v ...any) { l.t.Logf("smtp server: "+format, v...) }
func (l testErrorLog) Println(v ...any)               { l.t.Log(append([]any{"smtp server:"}, v...)...) }

type smtpSession struct {
	srv    *smtpServer
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.srv.opts.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.opts.user || pass != s.srv.opts.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.data++
	n := s.srv.data
	s.srv.mu.Unlock()
	if s.srv.opts.fail != nil {
		if err := s.srv.opts.fail(n); err != nil {
			return err
		}
	}
	msg, err := parseMessage(raw)
	if err != nil {
		s.srv.t.Errorf("received an unreadable message: %v\n%s", err, raw)
		return err
	}
	msg.From, msg.To = s.from, s.to
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// parseMessage reads a multipart/alternative email into its parts.
func parseMessage(raw []byte) (received, error) {
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return received{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return received{}, err
	}
	out := received{Subject: subject, Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		return out, fmt.Errorf("content type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		body, err := io.ReadAll(p) // quoted-printable is decoded by the reader
		if err != nil {
			return out, err
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			out.Text = string(body)
		case "text/html":
			out.HTML = string(body)
		}
	}
}

// selfSigned is a TLS config with a fresh certificate for 127.0.0.1.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// tempFailure is the answer of a server that cannot take mail now.
func tempFailure() error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
}

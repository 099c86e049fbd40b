package sandbox

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// AuthAlgo is the signature algorithm PayPal names in PAYPAL-AUTH-ALGO.
const AuthAlgo = "SHA256withRSA"

// maxAttempts is how often PayPal tries a delivery that is not answered
// with a 2xx: 25 times over three days (developer.paypal.com/api/rest/webhooks/rest).
const maxAttempts = 25

// event is a queued webhook event and the deliveries tried so far.
type event struct {
	body     []byte
	attempts int
}

// Delivery is one webhook POST the sandbox made.
type Delivery struct {
	EventID, EventType string
	Header             http.Header
	Body               []byte
	// Status is the receiver's HTTP status (0 when it could not be reached).
	Status int
	Err    string
	// Attempt counts the deliveries of this event, from 1.
	Attempt int
}

// queue adds an event to the outbox, when there is a webhook to send it
// to. Callers hold s.mu.
func (s *Server) queue(typ, resourceType, summary string, resource map[string]any, at time.Time) {
	if s.opts.WebhookURL == "" {
		return
	}
	id := "WH-" + s.newID() + "-" + s.newID()
	b, _ := json.Marshal(map[string]any{"id": id, "event_version": "1.0",
		"create_time": at.UTC().Format(time.RFC3339), "resource_type": resourceType, "event_type": typ,
		"summary": summary, "resource": resource,
		"links": []link{{Href: s.opts.BaseURL + "/v1/notifications/webhooks-events/" + id, Rel: "self", Method: "GET"},
			{Href: s.opts.BaseURL + "/v1/notifications/webhooks-events/" + id + "/resend", Rel: "resend", Method: "POST"}}})
	s.outbox = append(s.outbox, event{body: b})
}

// Tick moves every due item and batch on and delivers the resulting
// webhooks, signed, in order, after trying again the events whose last
// delivery was not answered with a 2xx (each try a new transmission, the
// event the same). It returns how many deliveries were made.
func (s *Server) Tick(ctx context.Context) int {
	s.mu.Lock()
	s.advance(s.opts.Clock())
	out, url := append(s.retry, s.outbox...), s.opts.WebhookURL
	s.outbox, s.retry = nil, nil
	s.mu.Unlock()
	if url == "" {
		return 0
	}
	var again []event
	for _, ev := range out {
		ev.attempts++
		d := s.deliver(ctx, url, ev.body, s.Sign(ev.body, s.opts.Clock()), ev.attempts)
		if (d.Status < 200 || d.Status > 299) && ev.attempts < maxAttempts {
			again = append(again, ev)
		}
	}
	s.mu.Lock()
	s.retry = append(again, s.retry...)
	s.mu.Unlock()
	return len(out)
}

// Run calls Tick every interval until ctx ends: a sandbox served as a
// process (or inside the app) moves its items on and sends its webhooks by
// itself.
func (s *Server) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Tick(ctx)
		}
	}
}

// Redeliver sends delivery i again exactly as it was first sent (same
// headers, same body), as a replaying attacker would.
func (s *Server) Redeliver(ctx context.Context, i int) Delivery {
	s.mu.Lock()
	d, url := s.deliveries[i], s.opts.WebhookURL
	s.mu.Unlock()
	return s.deliver(ctx, url, d.Body, d.Header, d.Attempt)
}

// Deliveries lists the webhook deliveries made so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

func (s *Server) deliver(ctx context.Context, url string, body []byte, h http.Header, attempt int) Delivery {
	var meta struct {
		ID        string `json:"id"`
		EventType string `json:"event_type"`
	}
	json.Unmarshal(body, &meta)
	d := Delivery{EventID: meta.ID, EventType: meta.EventType, Header: h, Body: body, Attempt: attempt}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err == nil {
		req.Header = h.Clone()
		req.Header.Set("Content-Type", "application/json")
		var res *http.Response
		if res, err = s.opts.HTTPClient.Do(req); err == nil {
			d.Status = res.StatusCode
			res.Body.Close()
		}
	}
	if err != nil {
		d.Err = err.Error()
	}
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
	return d
}

// Sign returns the headers PayPal sends with a webhook body at time t:
// an RSA-SHA256 signature, with the key of the certificate at
// PAYPAL-CERT-URL, over "transmission_id|transmission_time|webhook_id|crc32",
// the CRC32 (IEEE) of the body in decimal.
func (s *Server) Sign(body []byte, t time.Time) http.Header {
	tid := fmt.Sprintf("%x-%x", s.newID(), t.UnixNano())
	ts := t.UTC().Format(time.RFC3339)
	sum := sha256.Sum256([]byte(signedString(tid, ts, s.opts.WebhookID, body)))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	h := http.Header{}
	h.Set("PAYPAL-TRANSMISSION-ID", tid)
	h.Set("PAYPAL-TRANSMISSION-TIME", ts)
	h.Set("PAYPAL-TRANSMISSION-SIG", base64.StdEncoding.EncodeToString(sig))
	h.Set("PAYPAL-CERT-URL", s.certURL())
	h.Set("PAYPAL-AUTH-ALGO", AuthAlgo)
	return h
}

func signedString(tid, ts, webhookID string, body []byte) string {
	return fmt.Sprintf("%s|%s|%s|%d", tid, ts, webhookID, crc32.ChecksumIEEE(body))
}

func (s *Server) certURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.BaseURL + "/v1/notifications/certs/" + s.name
}

// newSigningCert makes the key and self-signed certificate webhooks are
// signed with, valid from a day before the sandbox's clock for five years
// (its clock, not the machine's: a test clock fixed at some date must
// find the certificate valid whatever day the test runs).
func (s *Server) newSigningCert() {
	s.key, _ = rsa.GenerateKey(rand.Reader, 2048)
	now := s.opts.Clock()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com"},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	s.cert, _ = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &s.key.PublicKey, s.key)
	s.name = "CERT-360caa42-" + s.newID()
}

// serveCert answers GET /v1/notifications/certs/{name} with the PEM.
func (s *Server) serveCert(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("name") != s.name {
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: s.cert})
}

type verifyRequest struct {
	AuthAlgo         string          `json:"auth_algo"`
	CertURL          string          `json:"cert_url"`
	TransmissionID   string          `json:"transmission_id"`
	TransmissionSig  string          `json:"transmission_sig"`
	TransmissionTime string          `json:"transmission_time"`
	WebhookID        string          `json:"webhook_id"`
	WebhookEvent     json.RawMessage `json:"webhook_event"`
}

// verifySignature answers POST /v1/notifications/verify-webhook-signature:
// SUCCESS only for this webhook's id, this sandbox's certificate and a
// signature over exactly the event's bytes.
func (s *Server) verifySignature(w http.ResponseWriter, r *http.Request) {
	var v verifyRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 2<<20)).Decode(&v); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.")
		return
	}
	for f, val := range map[string]string{"auth_algo": v.AuthAlgo, "cert_url": v.CertURL, "transmission_id": v.TransmissionID,
		"transmission_sig": v.TransmissionSig, "transmission_time": v.TransmissionTime, "webhook_id": v.WebhookID} {
		if val == "" {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid request - see details",
				errorDetail{Field: "/" + f, Location: "body", Issue: "MISSING_REQUIRED_PARAMETER"})
			return
		}
	}
	if !wordy(v.TransmissionID) || !wordy(v.TransmissionSig) {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid request - see details",
			errorDetail{Field: "/transmission_id", Location: "body", Issue: "INVALID_PARAMETER_SYNTAX"})
		return
	}
	status := "FAILURE"
	if s.signatureValid(v) {
		status = "SUCCESS"
	}
	writeJSON(w, http.StatusOK, map[string]string{"verification_status": status})
}

// wordy checks the schema's pattern for transmission_id and _sig,
// ^(?!\d+$)\w+\S+ : not only digits, a word character first, no spaces.
func wordy(v string) bool {
	if strings.TrimLeft(v, "0123456789") == "" || strings.ContainsAny(v, " \t\n") {
		return false
	}
	c := v[0]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (s *Server) signatureValid(v verifyRequest) bool {
	sig, err := base64.StdEncoding.DecodeString(v.TransmissionSig)
	if err != nil || v.AuthAlgo != AuthAlgo || v.CertURL != s.certURL() || v.WebhookID != s.opts.WebhookID {
		return false
	}
	sum := sha256.Sum256([]byte(signedString(v.TransmissionID, v.TransmissionTime, v.WebhookID, v.WebhookEvent)))
	pub, ok := s.certificate().PublicKey.(*rsa.PublicKey)
	return ok && rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// Delivery is one attempt to deliver an event to an endpoint.
type Delivery struct {
	EventID string
	Type    string
	URL     string
	Status  int    // the endpoint's HTTP status; 0 when the request failed
	Err     string // why the request failed
}

// sentEvent is an event and where it goes, kept for redelivery.
type sentEvent struct {
	id, typ string
	body    []byte // as the account's own endpoint, or the platform's when connected, gets it
	targets []target
}

type target struct {
	url, secret string
	body        []byte
}

// event builds an Event (https://docs.stripe.com/api/events/object) of a
// on its endpoints: the account's own (as created through the API), and,
// when the account is connected to the platform, the platform's Connect
// endpoints, with "account" set. Call with s.mu held; send it after.
func (s *Server) event(a *account, typ string, obj any) *sentEvent {
	return s.eventAt(a, typ, obj, s.opts.Now().Unix())
}

// eventAt is event created at a time of its own: a subscription's
// events are dated by its clock, as a test clock dates them.
func (s *Server) eventAt(a *account, typ string, obj any, created int64) *sentEvent {
	ev := &sentEvent{id: newID("evt_"), typ: typ}
	base := map[string]any{
		"id": ev.id, "object": "event", "api_version": stripe.APIVersion, "created": created,
		"data": map[string]any{"object": obj}, "livemode": true,
		"request": map[string]any{"id": nil, "idempotency_key": nil}, "type": typ,
	}
	var targets []target
	for _, e := range a.endpoints {
		if e.wants(typ) {
			targets = append(targets, target{url: e.URL, secret: e.Secret})
		}
	}
	own := len(targets)
	if a.connected {
		if s.opts.ConnectWebhookURL != "" {
			targets = append(targets, target{url: s.opts.ConnectWebhookURL, secret: s.opts.ConnectWebhookSecret})
		}
		for _, e := range s.platform.endpoints {
			if e.Connect && e.wants(typ) {
				targets = append(targets, target{url: e.URL, secret: e.Secret})
			}
		}
	}
	base["pending_webhooks"] = len(targets)
	for i := range targets {
		if i == own {
			base["account"] = a.ID
		}
		targets[i].body, _ = json.Marshal(base)
	}
	if a.connected {
		base["account"] = a.ID
	}
	ev.body, _ = json.Marshal(base)
	ev.targets = targets
	s.events[ev.id] = ev
	return ev
}

// send delivers an event to each of its endpoints, signed as Stripe signs
// (https://docs.stripe.com/webhooks#verify-manually). Call without s.mu.
// The error names every endpoint that did not answer 2xx.
func (s *Server) send(ev *sentEvent) error {
	var errs []error
	for _, t := range ev.targets {
		d := Delivery{EventID: ev.id, Type: ev.typ, URL: t.url}
		status, err := s.post(t)
		d.Status = status
		if err != nil {
			d.Err = err.Error()
		}
		if err == nil && (status < 200 || status > 299) {
			err = fmt.Errorf("status %d", status)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("sandbox: delivering %s %s to %s: %w", ev.typ, ev.id, t.url, err))
		}
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}

func (s *Server) post(t target) (int, error) {
	req, err := http.NewRequest(http.MethodPost, t.url, bytes.NewReader(t.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	req.Header.Set("Stripe-Signature", Sign(s.opts.Now(), t.body, t.secret))
	res, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// Sign is the Stripe-Signature value for body at t under secret:
// t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">.
func Sign(t time.Time, body []byte, secret string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Redeliver sends an event again, as Stripe retries one: the same event id
// and body, signed anew.
func (s *Server) Redeliver(eventID string) error {
	s.mu.Lock()
	ev := s.events[eventID]
	s.mu.Unlock()
	if ev == nil {
		return fmt.Errorf("sandbox: no event %s", eventID)
	}
	return s.send(ev)
}

// Deliveries lists every delivery attempt so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// EventBody is an event's body, as the account's own endpoints get it (or
// the platform's, with "account", when the account is connected); nil for
// an unknown event.
func (s *Server) EventBody(eventID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev := s.events[eventID]; ev != nil {
		return append([]byte(nil), ev.body...)
	}
	return nil
}

package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Webhook deliveries, with the headers Shopify documents at
// https://shopify.dev/docs/apps/build/webhooks/delivery-structure, and a
// retry of any answer that is not 2xx (Shopify retries over hours; the
// sandbox makes Options.MaxAttempts attempts with a doubling backoff). A
// retry or a redelivery repeats the webhook and event ids.

// ComplianceTopics are delivered to every app, from its configuration file.
var ComplianceTopics = []string{"customers/data_request", "customers/redact", "shop/redact"}

// Delivery is one webhook: one event sent to one address, with every
// attempt made so far.
type Delivery struct {
	ID          string // X-Shopify-Webhook-Id
	EventID     string // X-Shopify-Event-Id
	Shop        string
	Topic       string
	URL         string
	Header      http.Header
	Body        []byte
	TriggeredAt time.Time
	Attempts    []Attempt
	Delivered   bool
}

// Attempt is one try at a delivery: the receiver's status, or the error
// when there was no answer.
type Attempt struct {
	At     time.Time
	Status int
	Err    string
}

type deliveries struct {
	list   []*Delivery
	byID   map[string]*Delivery
	outbox []*Delivery
	wg     sync.WaitGroup
}

// emit queues payload as topic for every subscriber of the shop; call with
// mu held and flush after unlocking.
func (s *Sandbox) emit(sh *Shop, topic string, payload any) {
	body, err := json.Marshal(payload)
	if err != nil {
		s.log.Error("sandbox webhook payload", "topic", topic, "err", err)
		return
	}
	eventID, now := uuid(), s.now()
	for _, url := range s.targets(sh, topic) {
		d := &Delivery{ID: uuid(), EventID: eventID, Shop: sh.Domain, Topic: topic, URL: url,
			Body: body, TriggeredAt: now}
		d.Header = http.Header{
			"Content-Type":           {"application/json"},
			"User-Agent":             {"Shopify-Captain-Hook"},
			"X-Shopify-Topic":        {topic},
			"X-Shopify-Hmac-Sha256":  {WebhookHMAC(body, s.opts.APISecret)},
			"X-Shopify-Shop-Domain":  {sh.Domain},
			"X-Shopify-Api-Version":  {APIVersion},
			"X-Shopify-Webhook-Id":   {d.ID},
			"X-Shopify-Event-Id":     {eventID},
			"X-Shopify-Triggered-At": {now.UTC().Format(time.RFC3339Nano)},
		}
		if s.hooks.byID == nil {
			s.hooks.byID = map[string]*Delivery{}
		}
		s.hooks.byID[d.ID] = d
		s.hooks.list = append(s.hooks.list, d)
		s.hooks.outbox = append(s.hooks.outbox, d)
	}
}

// targets are the addresses subscribed to topic: the shop's subscriptions,
// and the app's own webhook route for compliance and app-level topics.
func (s *Sandbox) targets(sh *Shop, topic string) []string {
	var out []string
	for _, sub := range sh.subs {
		if sub.Topic == topic && !slices.Contains(out, sub.URI) {
			out = append(out, sub.URI)
		}
	}
	appLevel := slices.Contains(ComplianceTopics, topic) || slices.Contains(s.opts.AppTopics, topic)
	if u := s.appURL + "/webhooks/shopify"; appLevel && s.appURL != "" && !slices.Contains(out, u) {
		out = append(out, u)
	}
	return out
}

func (s *Sandbox) emitOrder(sh *Shop, topic string, o *order) {
	s.emit(sh, topic, orderPayload(sh, o))
}

func (s *Sandbox) emitDiscount(sh *Shop, topic string, d *discount) {
	s.emit(sh, topic, DiscountPayload{AdminGraphqlAPIID: gid("DiscountCodeNode", d.ID), Title: d.Title,
		Status: d.Status(s.now()), CreatedAt: timestamp(d.CreatedAt), UpdatedAt: timestamp(d.UpdatedAt)})
}

func (s *Sandbox) emitDiscountDeleted(sh *Shop, d *discount) {
	s.emit(sh, "discounts/delete", DiscountDeletedPayload{
		AdminGraphqlAPIID: gid("DiscountCodeNode", d.ID), DeletedAt: timestamp(s.now())})
}

// flush sends what emit queued. With wait, the first attempt of each is
// made before flush returns (so a caller sees the app's answer, and events
// arrive in order); retries always run in the background.
func (s *Sandbox) flush(wait bool) {
	s.mu.Lock()
	out := s.hooks.outbox
	s.hooks.outbox = nil
	s.mu.Unlock()
	for _, d := range out {
		s.send(d, wait)
	}
}

func (s *Sandbox) send(d *Delivery, wait bool) {
	if wait && s.attempt(d) {
		return
	}
	s.hooks.wg.Add(1)
	go func() {
		defer s.hooks.wg.Done()
		if wait || !s.attempt(d) {
			s.retry(d)
		}
	}()
}

func (s *Sandbox) retry(d *Delivery) {
	backoff := s.opts.RetryBackoff
	for n := 1; n < s.opts.MaxAttempts; n++ {
		t := time.NewTimer(backoff)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if s.attempt(d) {
			return
		}
		backoff *= 2
	}
}

// attempt makes one delivery try and records it; true on a 2xx answer.
func (s *Sandbox) attempt(d *Delivery) bool {
	s.mu.Lock()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err == nil {
		req.Header = d.Header.Clone()
	}
	s.mu.Unlock()
	a := Attempt{}
	if err == nil {
		var resp *http.Response
		if resp, err = s.opts.HTTPClient.Do(req); err == nil {
			a.Status = resp.StatusCode
			resp.Body.Close()
		}
	}
	if err != nil {
		a.Err = err.Error()
	}
	ok := a.Status >= 200 && a.Status < 300
	s.mu.Lock()
	a.At = s.now()
	d.Attempts = append(d.Attempts, a)
	d.Delivered = d.Delivered || ok
	s.mu.Unlock()
	if !ok {
		s.log.Info("sandbox webhook not accepted", "topic", d.Topic, "url", d.URL,
			"status", a.Status, "err", a.Err, "attempt", len(d.Attempts))
	}
	return ok
}

// Wait blocks until no webhook delivery or retry is in flight.
func (s *Sandbox) Wait() { s.hooks.wg.Wait() }

// Deliveries returns every webhook emitted so far, oldest first.
func (s *Sandbox) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.hooks.list))
	for i, d := range s.hooks.list {
		out[i] = *d
		out[i].Header = d.Header.Clone()
		out[i].Attempts = slices.Clone(d.Attempts)
	}
	return out
}

// Redeliver sends a delivery again, with the same ids, body and signature,
// as Shopify does when it is unsure the first one arrived.
func (s *Sandbox) Redeliver(id string) error {
	s.mu.Lock()
	d, ok := s.hooks.byID[strings.TrimSpace(id)]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: delivery %s", ErrNotFound, id)
	}
	s.send(d, true)
	return nil
}

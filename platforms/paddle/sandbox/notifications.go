package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// eventTypes are the event types the sandbox knows (a subset of Paddle's):
// https://developer.paddle.com/webhooks/overview
var eventTypes = []EventType{
	{"transaction.completed", "Occurs when a transaction is completed.", "Transaction", []int{1}},
	{"transaction.paid", "Occurs when a transaction is paid.", "Transaction", []int{1}},
	{"adjustment.created", "Occurs when an adjustment is created.", "Adjustment", []int{1}},
	{"adjustment.updated", "Occurs when an adjustment is updated.", "Adjustment", []int{1}},
	{"discount.created", "Occurs when a discount is created.", "Discount", []int{1}},
	{"discount.updated", "Occurs when a discount is updated.", "Discount", []int{1}},
	{"discount.imported", "Occurs when a discount is imported.", "Discount", []int{1}},
	{"subscription.created", "Occurs when a subscription is created.", "Subscription", []int{1}},
	{"subscription.activated", "Occurs when a subscription becomes active.", "Subscription", []int{1}},
	{"subscription.trialing", "Occurs when a subscription enters trial period.", "Subscription", []int{1}},
	{"subscription.updated", "Occurs when a subscription is updated.", "Subscription", []int{1}},
	{"subscription.past_due", "Occurs when a subscription has an unsuccessful payment.", "Subscription", []int{1}},
	{"subscription.paused", "Occurs when a subscription is paused.", "Subscription", []int{1}},
	{"subscription.resumed", "Occurs when a subscription is resumed after being paused.", "Subscription", []int{1}},
	{"subscription.canceled", "Occurs when a subscription is canceled.", "Subscription", []int{1}},
}

// listEventTypes serves GET /event-types.
func (s *Server) listEventTypes(w http.ResponseWriter, _ *http.Request) {
	writeData(w, http.StatusOK, eventTypes, nil)
}

// createSetting serves POST /notification-settings; the new destination
// gets its own endpoint secret key.
func (s *Server) createSetting(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Description      string   `json:"description"`
		Type             string   `json:"type"`
		Destination      string   `json:"destination"`
		SubscribedEvents []string `json:"subscribed_events"`
		APIVersion       *int     `json:"api_version"`
		IncludeSensitive bool     `json:"include_sensitive_fields"`
		TrafficSource    string   `json:"traffic_source"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	events, fields := settingEvents(in.SubscribedEvents)
	fields = append(fields, validateSetting(in.Description, in.Type, in.Destination)...)
	if len(fields) > 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid request.", fields...)
		return
	}
	id := newID("ntfset")
	ns := &NotificationSetting{ID: id, Description: in.Description, Type: in.Type, Destination: in.Destination,
		Active: true, APIVersion: 1, IncludeSensitiveFields: in.IncludeSensitive, SubscribedEvents: events,
		EndpointSecretKey: "pdl_" + id + "_" + newID("k")[4:] + newID("k")[4:], TrafficSource: "platform"}
	if in.APIVersion != nil {
		ns.APIVersion = *in.APIVersion
	}
	if in.TrafficSource != "" {
		ns.TrafficSource = in.TrafficSource
	}
	s.mu.Lock()
	s.settings = append(s.settings, ns)
	s.mu.Unlock()
	writeData(w, http.StatusCreated, ns, nil)
}

// validateSetting checks a destination's fields as Paddle does.
func validateSetting(description, typ, destination string) []fieldError {
	var out []fieldError
	if u, err := url.Parse(destination); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		out = append(out, fieldError{"destination", "Destination must be a valid URL."})
	}
	if typ != "url" && typ != "email" {
		out = append(out, fieldError{"type", "Type must be url or email."})
	}
	if strings.TrimSpace(description) == "" {
		out = append(out, fieldError{"description", "Description is required."})
	}
	return out
}

// settingEvents resolves subscribed event names.
func settingEvents(names []string) ([]EventType, []fieldError) {
	if len(names) == 0 {
		return nil, []fieldError{{"subscribed_events", "At least one event type is required."}}
	}
	var out []EventType
	for _, n := range names {
		i := slices.IndexFunc(eventTypes, func(e EventType) bool { return e.Name == n })
		if i < 0 {
			return nil, []fieldError{{"subscribed_events", "Unknown event type " + n + "."}}
		}
		out = append(out, eventTypes[i])
	}
	return out, nil
}

// listSettings serves GET /notification-settings.
func (s *Server) listSettings(w http.ResponseWriter, _ *http.Request) {
	writeData(w, http.StatusOK, s.NotificationSettings(), nil)
}

// updateSetting serves PATCH /notification-settings/{id} for active,
// subscribed_events, destination and description.
func (s *Server) updateSetting(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Active           *bool    `json:"active"`
		SubscribedEvents []string `json:"subscribed_events"`
		Destination      *string  `json:"destination"`
		Description      *string  `json:"description"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	var events []EventType
	if in.SubscribedEvents != nil {
		var fields []fieldError
		if events, fields = settingEvents(in.SubscribedEvents); len(fields) > 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid request.", fields...)
			return
		}
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.settings, func(ns *NotificationSetting) bool { return ns.ID == r.PathValue("id") })
	if i < 0 {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	ns := s.settings[i]
	if in.Active != nil {
		ns.Active = *in.Active
	}
	if events != nil {
		ns.SubscribedEvents = events
	}
	if in.Destination != nil {
		ns.Destination = *in.Destination
	}
	if in.Description != nil {
		ns.Description = *in.Description
	}
	out := *ns
	s.mu.Unlock()
	writeData(w, http.StatusOK, out, nil)
}

// SetDestinationActive turns a notification destination on or off, as the
// merchant can in the dashboard.
func (s *Server) SetDestinationActive(id string, active bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ns := range s.settings {
		if ns.ID == id {
			ns.Active = active
			return true
		}
	}
	return false
}

// deleteSetting serves DELETE /notification-settings/{id}.
func (s *Server) deleteSetting(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.settings)
	s.settings = slices.DeleteFunc(s.settings, func(ns *NotificationSetting) bool { return ns.ID == r.PathValue("id") })
	gone := len(s.settings) < n
	s.mu.Unlock()
	if !gone {
		writeError(w, http.StatusNotFound, "not_found", "Entity "+r.PathValue("id")+" not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// NotificationSettings returns a copy of every notification destination.
func (s *Server) NotificationSettings() []NotificationSetting {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]NotificationSetting, len(s.settings))
	for i, ns := range s.settings {
		out[i] = *ns
	}
	return out
}

// Delivery is one webhook the sandbox sent.
type Delivery struct {
	SettingID   string
	Destination string
	EventType   string
	EventID     string
	Signature   string
	Body        []byte
	Status      int // the app's HTTP status; 0 when it could not be reached
	Err         string
}

// Deliveries returns every webhook sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// emit sends one event to every active url destination subscribed to its
// type, each with its own notification id and signature. It fails when a
// destination does not answer 2xx.
func (s *Server) emit(ctx context.Context, eventType string, data any) error {
	eventID, occurred := newID("evt"), s.now()
	var errs []error
	for _, ns := range s.subscribers(eventType) {
		body, err := json.Marshal(Event{EventID: eventID, EventType: eventType, OccurredAt: occurred,
			NotificationID: newID("ntf"), Data: data})
		if err != nil {
			return err
		}
		d := s.deliver(ctx, ns, body)
		d.EventType, d.EventID = eventType, eventID
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
		if d.Err != "" {
			errs = append(errs, fmt.Errorf("sandbox: delivering %s to %s: %s", eventType, ns.Destination, d.Err))
		}
	}
	return errors.Join(errs...)
}

// emitQuietly is emit for events caused by API calls: a failed delivery
// is recorded, not returned to the API caller.
func (s *Server) emitQuietly(ctx context.Context, eventType string, data any) {
	_ = s.emit(context.WithoutCancel(ctx), eventType, data)
}

// subscribers are the active url destinations subscribed to eventType.
func (s *Server) subscribers(eventType string) []NotificationSetting {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []NotificationSetting
	for _, ns := range s.settings {
		if ns.Active && ns.Type == "url" && slices.ContainsFunc(ns.SubscribedEvents, func(e EventType) bool { return e.Name == eventType }) {
			out = append(out, *ns)
		}
	}
	return out
}

// deliver POSTs body to a destination, signed with its secret key as
// https://developer.paddle.com/webhooks/signature-verification describes.
func (s *Server) deliver(ctx context.Context, ns NotificationSetting, body []byte) Delivery {
	d := Delivery{SettingID: ns.ID, Destination: ns.Destination, Body: body}
	d.Signature = Signature(ns.EndpointSecretKey, s.opts.Clock().Unix(), body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ns.Destination, bytes.NewReader(body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Paddle-Signature", d.Signature)
	res, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	d.Status = res.StatusCode
	if res.StatusCode < 200 || res.StatusCode > 299 {
		d.Err = "status " + strconv.Itoa(res.StatusCode)
	}
	return d
}

// Signature is the Paddle-Signature header value for body sent at unix
// time ts: ts=<ts>;h1=<hex HMAC-SHA256 of "<ts>:<body>" keyed with secret>.
func Signature(secret string, ts int64, body []byte) string {
	t := strconv.FormatInt(ts, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t + ":"))
	mac.Write(body)
	return "ts=" + t + ";h1=" + hex.EncodeToString(mac.Sum(nil))
}

package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxFailures is how many failed deliveries in a row disable a webhook.
const maxFailures = 5

// webhook is a store's webhook.
type webhook struct {
	ID          int64
	Name        string
	Status      string // active, paused, disabled
	Topic       string
	DeliveryURL string
	Secret      string
	Failures    int
	Created     time.Time
	Modified    time.Time
}

// WebhookInfo describes a webhook for tests.
type WebhookInfo struct {
	ID          int64
	Topic       string
	DeliveryURL string
	Status      string
	Secret      string
}

// Delivery is one webhook delivery attempt.
type Delivery struct {
	WebhookID  int64
	Topic      string
	URL        string
	Body       []byte
	Header     http.Header
	Dropped    bool  // lost on purpose (DropNextDelivery)
	Ping       bool  // the creation ping
	Status     int   // the receiver's answer, 0 when it could not be reached
	Err        error // why it could not be reached
	DeliveryID int64
}

// deliveriesFor prepares the deliveries of topic to every active webhook
// subscribed to it, signed as WC_Webhook::deliver signs them. Called with
// st.mu held; the requests are sent later, without it.
func (st *Store) deliveriesFor(topic string, payload any) []Delivery {
	body, _ := json.Marshal(payload)
	resource, event, _ := strings.Cut(topic, ".")
	var out []Delivery
	for _, w := range st.webhooks {
		if w.Topic != topic || w.Status != "active" {
			continue
		}
		d := Delivery{WebhookID: w.ID, Topic: topic, URL: w.DeliveryURL, Body: body, DeliveryID: st.id(), Header: http.Header{}}
		mac := hmac.New(sha256.New, []byte(w.Secret))
		mac.Write(body)
		d.Header.Set("Content-Type", "application/json")
		d.Header.Set("User-Agent", "WooCommerce/8.5.0 Hookshot (WordPress/6.4.2)")
		d.Header.Set("X-WC-Webhook-Source", st.home()+"/")
		d.Header.Set("X-WC-Webhook-Topic", topic)
		d.Header.Set("X-WC-Webhook-Resource", resource)
		d.Header.Set("X-WC-Webhook-Event", event)
		d.Header.Set("X-WC-Webhook-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		d.Header.Set("X-WC-Webhook-ID", strconv.FormatInt(w.ID, 10))
		d.Header.Set("X-WC-Webhook-Delivery-ID", strconv.FormatInt(d.DeliveryID, 10))
		if st.drop > 0 {
			st.drop--
			d.Dropped = true
		}
		out = append(out, d)
	}
	return out
}

// pingFor prepares the ping WooCommerce sends when a webhook is created
// (WC_Webhook::deliver_ping): "webhook_id=N", form-encoded, unsigned.
func pingFor(w *webhook) Delivery {
	d := Delivery{WebhookID: w.ID, Topic: "ping", URL: w.DeliveryURL, Ping: true, Header: http.Header{},
		Body: []byte("webhook_id=" + strconv.FormatInt(w.ID, 10))}
	d.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	d.Header.Set("User-Agent", "WooCommerce/8.5.0 Hookshot (WordPress/6.4.2)")
	return d
}

// deliver sends prepared deliveries once each (WooCommerce never retries)
// and records the outcome; failures count towards disabling the webhook.
func (st *Store) deliver(jobs []Delivery) {
	for _, d := range jobs {
		if !d.Dropped {
			d.Status, d.Err = st.post(d)
		}
		st.mu.Lock()
		st.deliveries = append(st.deliveries, d)
		if !d.Ping && !d.Dropped {
			st.countFailure(d.WebhookID, d.Status >= 200 && d.Status < 300)
		}
		st.mu.Unlock()
	}
}

func (st *Store) post(d Delivery) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	req.Header = d.Header.Clone()
	resp, err := st.srv.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (st *Store) countFailure(id int64, ok bool) {
	for _, w := range st.webhooks {
		if w.ID != id {
			continue
		}
		if ok {
			w.Failures = 0
		} else if w.Failures++; w.Failures > maxFailures {
			w.Status = "disabled"
		}
	}
}

package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// listOrders supports status, modified_after/modified_before (WooCommerce
// 5.8+; dates_are_gmt is accepted and the site is on UTC) and orderby id
// or date, which are the same order here.
func (st *Store) listOrders(w http.ResponseWriter, r *http.Request, _ []int64) {
	q := r.URL.Query()
	in, ok := modifiedWindow(w, r)
	if !ok {
		return
	}
	statuses := strings.Split(q.Get("status"), ",")
	st.mu.Lock()
	var out []orderJSON
	for _, o := range st.orders {
		if !in(o.Modified) {
			continue
		}
		if s := q.Get("status"); s != "" && s != "any" && !slices.Contains(statuses, o.Status) {
			continue
		}
		out = append(out, o.json())
	}
	st.mu.Unlock()
	writePage(w, r, out)
}

// modifiedWindow reads modified_after and modified_before (both
// excluded, as WP_Date_Query's after and before are) into a test of a
// modification time; a bad date is answered 400 and ok is false.
func modifiedWindow(w http.ResponseWriter, r *http.Request) (in func(time.Time) bool, ok bool) {
	var after, before time.Time
	for name, dst := range map[string]*time.Time{"modified_after": &after, "modified_before": &before} {
		if v := r.URL.Query().Get(name); v != "" {
			t, ok := parseDate(v)
			if !ok {
				writeError(w, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): "+name)
				return nil, false
			}
			*dst = t
		}
	}
	return func(t time.Time) bool {
		return (after.IsZero() || t.After(after)) && (before.IsZero() || t.Before(before))
	}, true
}

func (st *Store) getOrder(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orderByID(ids[0])
	if o == nil {
		writeError(w, http.StatusNotFound, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
		return
	}
	writeJSON(w, http.StatusOK, o.json())
}

func (st *Store) listRefunds(w http.ResponseWriter, r *http.Request, ids []int64) {
	st.mu.Lock()
	o := st.orderByID(ids[0])
	if o == nil {
		st.mu.Unlock()
		writeError(w, http.StatusNotFound, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
		return
	}
	out := []refundJSON{}
	for i := len(o.Refunds) - 1; i >= 0; i-- { // oldest first; writePage lists newest first
		out = append(out, o.Refunds[i].json(o.Currency))
	}
	st.mu.Unlock()
	writePage(w, r, out)
}

func (st *Store) getRefund(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if o := st.orderByID(ids[0]); o != nil {
		for _, rf := range o.Refunds {
			if rf.ID == ids[1] {
				writeJSON(w, http.StatusOK, rf.json(o.Currency))
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "woocommerce_rest_invalid_id", "Invalid resource ID.")
}

// index is the WordPress REST index (GET /wp-json/), public.
// https://developer.wordpress.org/rest-api/reference/
func (st *Store) index(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{"name": st.cfg.Name, "description": "Just another WordPress site",
		"url": st.url, "home": st.home(), "gmt_offset": "0", "timezone_string": "UTC",
		"namespaces": []string{"oembed/1.0", "wc/v3", "wc-auth/v1", "wp/v2"}})
}

func (st *Store) currentCurrency(w http.ResponseWriter, _ *http.Request, _ []int64) {
	writeJSON(w, http.StatusOK, map[string]string{"code": st.cfg.Currency, "name": st.cfg.Currency, "symbol": st.cfg.Currency})
}

// webhookJSON is the REST API v3 webhook (the secret is write-only).
type webhookJSON struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	Topic           string `json:"topic"`
	Resource        string `json:"resource"`
	Event           string `json:"event"`
	DeliveryURL     string `json:"delivery_url"`
	DateCreatedGMT  string `json:"date_created_gmt"`
	DateModifiedGMT string `json:"date_modified_gmt"`
}

func (h *webhook) json() webhookJSON {
	res, ev, _ := strings.Cut(h.Topic, ".")
	return webhookJSON{ID: h.ID, Name: h.Name, Status: h.Status, Topic: h.Topic, Resource: res, Event: ev,
		DeliveryURL: h.DeliveryURL, DateCreatedGMT: gmt(h.Created), DateModifiedGMT: gmt(h.Modified)}
}

type webhookInput struct {
	Name        *string `json:"name"`
	Status      *string `json:"status"`
	Topic       *string `json:"topic"`
	DeliveryURL *string `json:"delivery_url"`
	Secret      *string `json:"secret"`
}

var topics = []string{"coupon.created", "coupon.updated", "coupon.deleted", "coupon.restored",
	"order.created", "order.updated", "order.deleted", "order.restored"}

func (st *Store) listWebhooks(w http.ResponseWriter, r *http.Request, _ []int64) {
	st.mu.Lock()
	out := []webhookJSON{}
	for _, h := range st.webhooks {
		out = append(out, h.json())
	}
	st.mu.Unlock()
	writePage(w, r, out)
}

func (st *Store) getWebhook(w http.ResponseWriter, _ *http.Request, ids []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if h := st.webhookByID(ids[0]); h != nil {
		writeJSON(w, http.StatusOK, h.json())
		return
	}
	writeError(w, http.StatusNotFound, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
}

// createWebhook adds a webhook and pings its delivery URL, ignoring the
// answer, as the REST controller does.
func (st *Store) createWebhook(w http.ResponseWriter, r *http.Request, _ []int64) {
	var in webhookInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Topic == nil || in.DeliveryURL == nil {
		writeError(w, http.StatusBadRequest, "rest_missing_callback_param", "Missing parameter(s): topic, delivery_url")
		return
	}
	now := st.srv.now()
	h := &webhook{Status: "active", Created: now, Modified: now, Secret: randomHex(16)}
	if msg := applyWebhookInput(h, in, st.cfg.Subscriptions); msg != "" {
		writeError(w, http.StatusBadRequest, "rest_invalid_param", msg)
		return
	}
	st.mu.Lock()
	h.ID = st.id()
	st.webhooks = append(st.webhooks, h)
	out := h.json()
	ping := pingFor(h)
	st.mu.Unlock()
	st.deliver([]Delivery{ping})
	writeJSON(w, http.StatusCreated, out)
}

func (st *Store) updateWebhook(w http.ResponseWriter, r *http.Request, ids []int64) {
	var in webhookInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	h := st.webhookByID(ids[0])
	if h == nil {
		writeError(w, http.StatusNotFound, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
		return
	}
	next := *h
	if msg := applyWebhookInput(&next, in, st.cfg.Subscriptions); msg != "" {
		writeError(w, http.StatusBadRequest, "rest_invalid_param", msg)
		return
	}
	next.Modified, next.Failures = st.srv.now(), 0
	*h = next
	writeJSON(w, http.StatusOK, h.json())
}

func (st *Store) deleteWebhook(w http.ResponseWriter, r *http.Request, ids []int64) {
	if r.URL.Query().Get("force") != "true" {
		writeError(w, http.StatusNotImplemented, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.")
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, h := range st.webhooks {
		if h.ID == ids[0] {
			st.webhooks = append(st.webhooks[:i], st.webhooks[i+1:]...)
			writeJSON(w, http.StatusOK, h.json())
			return
		}
	}
	writeError(w, http.StatusNotFound, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
}

// applyWebhookInput changes h as in says, or says what is invalid; the
// subscription topics are valid where WooCommerce Subscriptions is.
func applyWebhookInput(h *webhook, in webhookInput, subscriptions bool) string {
	if in.Topic != nil {
		valid := slices.Contains(topics, *in.Topic) || subscriptions && slices.Contains(subscriptionTopics, *in.Topic)
		if !valid {
			return "Invalid parameter(s): topic"
		}
		h.Topic = *in.Topic
	}
	if in.DeliveryURL != nil {
		if !strings.HasPrefix(*in.DeliveryURL, "http://") && !strings.HasPrefix(*in.DeliveryURL, "https://") {
			return "Invalid parameter(s): delivery_url"
		}
		h.DeliveryURL = *in.DeliveryURL
	}
	if in.Status != nil {
		if !slices.Contains([]string{"active", "paused", "disabled"}, *in.Status) {
			return "Invalid parameter(s): status"
		}
		h.Status = *in.Status
	}
	if in.Secret != nil && *in.Secret != "" {
		h.Secret = *in.Secret
	}
	if in.Name != nil {
		h.Name = *in.Name
	}
	return ""
}

func (st *Store) webhookByID(id int64) *webhook {
	for _, h := range st.webhooks {
		if h.ID == id {
			return h
		}
	}
	return nil
}

package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The REST Admin API endpoints the app's SDK may call, behind Shopify's
// request-based leaky bucket (40 requests, leaking 2 per second on the
// standard plan; https://shopify.dev/docs/api/admin-rest/usage/rate-limits):
// every answer carries X-Shopify-Shop-Api-Call-Limit, and a full bucket
// answers 429 with Retry-After.

// invalidToken is Shopify's answer to a missing, expired or revoked token.
const invalidToken = "[API] Invalid API key or access token (unrecognized login or wrong password)"

// restCall is what a REST handler gets: the shop, the token's scopes and
// the request.
type restCall struct {
	shop  *Shop
	scope string
	r     *http.Request
}

type restHandler func(c restCall) (int, any)

// rest authenticates and rate-limits a REST call, then runs h with the
// sandbox locked.
func (s *Sandbox) rest(h restHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Shopify-API-Version", APIVersion)
		s.mu.Lock()
		status, body := s.restLocked(w, r, h)
		s.mu.Unlock()
		s.flush(false)
		writeJSON(w, status, body)
	}
}

func (s *Sandbox) restLocked(w http.ResponseWriter, r *http.Request, h restHandler) (int, any) {
	sh := s.shopFor(r)
	if sh == nil {
		return http.StatusNotFound, map[string]any{"errors": "Not Found"}
	}
	scope, ok := s.validToken(sh, r.Header.Get("X-Shopify-Access-Token"))
	if !ok {
		return http.StatusUnauthorized, map[string]any{"errors": invalidToken}
	}
	b, capacity := &sh.restUsed, s.opts.RESTBucket
	b.refill(s.now(), capacity, s.opts.RESTLeakRate)
	if b.available < 1 {
		// Shopify answers "Retry-After: 2.0"; never less than the real wait.
		wait := max(2, math.Ceil((1-b.available)/s.opts.RESTLeakRate*10)/10)
		w.Header().Set("Retry-After", strconv.FormatFloat(wait, 'f', 1, 64))
		w.Header().Set("X-Shopify-Shop-Api-Call-Limit", fmt.Sprintf("%d/%d", int(capacity), int(capacity)))
		return http.StatusTooManyRequests, map[string]any{"errors": fmt.Sprintf(
			"Exceeded %g calls per second for api client. Reduce request rates to resume uninterrupted service.", s.opts.RESTLeakRate)}
	}
	b.available--
	used := int(math.Ceil(capacity - b.available))
	w.Header().Set("X-Shopify-Shop-Api-Call-Limit", fmt.Sprintf("%d/%d", used, int(capacity)))
	return h(restCall{shop: sh, scope: scope, r: r})
}

func (s *Sandbox) restShop(c restCall) (int, any) {
	return http.StatusOK, map[string]any{"shop": shopPayload(c.shop)}
}

func (s *Sandbox) restAccessScopes(c restCall) (int, any) {
	scopes := []map[string]string{}
	for _, h := range splitScopes(c.scope) {
		scopes = append(scopes, map[string]string{"handle": h})
	}
	return http.StatusOK, map[string]any{"access_scopes": scopes}
}

// webhookResource is a subscription as the REST API shows it.
type webhookResource struct {
	ID                         int64    `json:"id"`
	Address                    string   `json:"address"`
	Topic                      string   `json:"topic"`
	CreatedAt                  string   `json:"created_at"`
	UpdatedAt                  string   `json:"updated_at"`
	Format                     string   `json:"format"`
	Fields                     []string `json:"fields"`
	MetafieldNamespaces        []string `json:"metafield_namespaces"`
	APIVersion                 string   `json:"api_version"`
	PrivateMetafieldNamespaces []string `json:"private_metafield_namespaces"`
}

func restWebhook(sub *subscription) webhookResource {
	return webhookResource{ID: sub.ID, Address: sub.URI, Topic: sub.Topic, CreatedAt: timestamp(sub.CreatedAt),
		UpdatedAt: timestamp(sub.UpdatedAt), Format: strings.ToLower(sub.Format), Fields: []string{},
		MetafieldNamespaces: []string{}, APIVersion: APIVersion, PrivateMetafieldNamespaces: []string{}}
}

func (s *Sandbox) restListWebhooks(c restCall) (int, any) {
	topic := c.r.URL.Query().Get("topic")
	list := []webhookResource{}
	for _, sub := range c.shop.subs {
		if topic == "" || sub.Topic == topic {
			list = append(list, restWebhook(sub))
		}
	}
	return http.StatusOK, map[string]any{"webhooks": list}
}

func (s *Sandbox) restCreateWebhook(c restCall) (int, any) {
	var in struct {
		Webhook struct {
			Topic   string `json:"topic"`
			Address string `json:"address"`
			Format  string `json:"format"`
		} `json:"webhook"`
	}
	if err := json.NewDecoder(io.LimitReader(c.r.Body, 1<<20)).Decode(&in); err != nil {
		return http.StatusBadRequest, map[string]any{"errors": "Bad Request"}
	}
	sub, field, msg := s.subscribe(c.shop, in.Webhook.Topic, in.Webhook.Address)
	if sub == nil {
		return http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{field: {msg}}}
	}
	return http.StatusCreated, map[string]any{"webhook": restWebhook(sub)}
}

func (s *Sandbox) restDeleteWebhook(c restCall) (int, any) {
	id, _ := strconv.ParseInt(strings.TrimSuffix(c.r.PathValue("id"), ".json"), 10, 64)
	if !s.unsubscribe(c.shop, id) {
		return http.StatusNotFound, map[string]any{"errors": "Not Found"}
	}
	return http.StatusOK, map[string]any{}
}

var topicPattern = regexp.MustCompile(`^[a-z_]+/[a-z_]+$`)

// subscribe adds a subscription; on refusal it returns the field and the
// message Shopify gives. Call with mu held.
func (s *Sandbox) subscribe(sh *Shop, topic, uri string) (*subscription, string, string) {
	switch {
	case !topicPattern.MatchString(topic) || slices.Contains(ComplianceTopics, topic):
		return nil, "topic", "Invalid topic specified: " + topic
	case !strings.HasPrefix(uri, "https://") && !strings.HasPrefix(uri, "http://"):
		return nil, "address", "is not a valid URL"
	}
	for _, sub := range sh.subs {
		if sub.Topic == topic && sub.URI == uri {
			return nil, "address", "for this topic has already been taken"
		}
	}
	now := s.now()
	sub := &subscription{ID: s.id(), Topic: topic, URI: uri, Format: "JSON", CreatedAt: now, UpdatedAt: now}
	sh.subs = append(sh.subs, sub)
	return sub, "", ""
}

// unsubscribe removes a subscription; call with mu held.
func (s *Sandbox) unsubscribe(sh *Shop, id int64) bool {
	for i, sub := range sh.subs {
		if sub.ID == id {
			sh.subs = slices.Delete(sh.subs, i, i+1)
			return true
		}
	}
	return false
}

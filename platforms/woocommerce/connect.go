package woocommerce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"codecredit/platforms"
)

// AppName is the name the merchant sees on WooCommerce's approval screen.
const AppName = "Codecredit"

// Scope is the access the connection asks for: coupons (read and create),
// orders (read) and webhooks (create) need read and write.
const Scope = "read_write"

// AuthorizeURL is the store's app-authorisation page:
// {store}/wc-auth/v1/authorize with app_name, scope, user_id (our state),
// return_url and callback_url. After the merchant approves, WooCommerce
// posts the new keys to the callback (see ParseKeyGrant) and sends the
// browser to return_url?success=1&user_id=<state>.
// A store CheckStore refuses is an error.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys
func (a *Adapter) AuthorizeURL(storeURL, state string) (string, error) {
	store, err := NormalizeStoreURL(storeURL)
	if err != nil {
		return "", err
	}
	if err := a.CheckStore(store); err != nil {
		return "", err
	}
	q := url.Values{"app_name": {AppName}, "scope": {Scope}, "user_id": {state},
		"return_url": {a.ReturnURL()}, "callback_url": {a.CallbackURL()}}
	u, _, err := a.storeURL(store, "/wc-auth/v1/authorize", q)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// KeyGrant is what WooCommerce posts to the callback URL once the merchant
// approved (WC_Auth::create_keys): the user_id is the state we sent.
type KeyGrant struct {
	KeyID          int64  `json:"key_id"`
	UserID         string `json:"user_id"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	KeyPermissions string `json:"key_permissions"`
}

// ErrGrant is returned for a callback body that is not a usable key grant.
var ErrGrant = errors.New("woocommerce: invalid key grant")

// ParseKeyGrant reads the callback body. user_id may come as a string or
// a number; keys must look like WooCommerce's (ck_..., cs_...) and the
// permissions must be read_write.
func ParseKeyGrant(body []byte) (KeyGrant, error) {
	var raw struct {
		KeyGrant
		UserID json.RawMessage `json:"user_id"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return KeyGrant{}, fmt.Errorf("%w: %v", ErrGrant, err)
	}
	g := raw.KeyGrant
	g.UserID = strings.Trim(strings.TrimSpace(string(raw.UserID)), `"`)
	switch {
	case g.UserID == "":
		return KeyGrant{}, fmt.Errorf("%w: no user_id", ErrGrant)
	case !strings.HasPrefix(g.ConsumerKey, "ck_") || !strings.HasPrefix(g.ConsumerSecret, "cs_"):
		return KeyGrant{}, fmt.Errorf("%w: keys missing", ErrGrant)
	case g.KeyPermissions != Scope:
		return KeyGrant{}, fmt.Errorf("%w: permissions %q, need %q", ErrGrant, g.KeyPermissions, Scope)
	}
	return g, nil
}

// Credentials are the connection credentials of a grant, with a fresh
// webhook secret: save them before CreateWebhooks, so the first signed
// delivery already finds its secret.
func (g KeyGrant) Credentials() map[string]string {
	return map[string]string{
		CredConsumerKey: g.ConsumerKey, CredConsumerSecret: g.ConsumerSecret,
		CredKeyID: strconv.FormatInt(g.KeyID, 10), CredKeyPermissions: g.KeyPermissions,
		CredWebhookSecret: NewWebhookSecret(),
	}
}

// NewWebhookSecret is a random secret for our webhooks: hex only, since
// WooCommerce stores secrets HTML-escaped and signs with what it stored.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// wcWebhook is the REST API v3 webhook.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#webhook-properties
type wcWebhook struct {
	ID          int64  `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Status      string `json:"status,omitempty"`
	Topic       string `json:"topic,omitempty"`
	DeliveryURL string `json:"delivery_url,omitempty"`
	Secret      string `json:"secret,omitempty"`
}

// CreateWebhooks makes the store deliver Topics, and SubscriptionTopics
// where it has WooCommerce Subscriptions, to DeliveryURL, signed
// with the connection's webhook_secret (created if missing). It is safe
// to run again (a reinstall): our webhooks already on the store are
// updated with the current secret and reactivated, duplicates deleted,
// missing topics created. The webhook ids are kept in the credentials.
func (a *Adapter) CreateWebhooks(ctx context.Context, c *platforms.Conn) error {
	if c.Credentials == nil {
		c.Credentials = map[string]string{}
	}
	if c.Credentials[CredWebhookSecret] == "" {
		c.Credentials[CredWebhookSecret], c.Changed = NewWebhookSecret(), true
	}
	existing, err := a.ourWebhooks(ctx, c)
	if err != nil {
		return err
	}
	secret, ids := c.Credentials[CredWebhookSecret], []string{}
	for _, topic := range Topics {
		id, err := a.ensureWebhook(ctx, c, topic, secret, existing[topic])
		if err != nil {
			return err
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	for _, topic := range SubscriptionTopics {
		id, err := a.ensureWebhook(ctx, c, topic, secret, existing[topic])
		if _, refused := isAPIError(err, http.StatusBadRequest); refused {
			continue // no WooCommerce Subscriptions: the topic is not valid there
		}
		if err != nil {
			return err
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if joined := strings.Join(ids, ","); c.Credentials[CredWebhookIDs] != joined {
		c.Credentials[CredWebhookIDs], c.Changed = joined, true
	}
	return nil
}

// ourWebhooks lists the store's webhooks delivering to us, by topic.
func (a *Adapter) ourWebhooks(ctx context.Context, c *platforms.Conn) (map[string][]int64, error) {
	out := map[string][]int64{}
	for page := 1; ; page++ {
		var hooks []wcWebhook
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(pageSize)}}
		h, err := a.do(ctx, c, call{method: http.MethodGet, path: "/webhooks", query: q, out: &hooks})
		if err != nil {
			return nil, fmt.Errorf("woocommerce: list webhooks: %w", err)
		}
		for _, wh := range hooks {
			if strings.TrimRight(wh.DeliveryURL, "/") == a.DeliveryURL() {
				out[wh.Topic] = append(out[wh.Topic], wh.ID)
			}
		}
		if pages := totalHeader(h, "X-WP-TotalPages"); len(hooks) < pageSize || (pages >= 0 && page >= pages) {
			return out, nil
		}
	}
}

// ensureWebhook keeps one active webhook for topic with secret and
// returns its id: the first existing one is updated, others deleted.
func (a *Adapter) ensureWebhook(ctx context.Context, c *platforms.Conn, topic, secret string, have []int64) (int64, error) {
	slices.Sort(have)
	want := wcWebhook{Name: AppName + " " + topic, Status: "active", Topic: topic, DeliveryURL: a.DeliveryURL(), Secret: secret}
	var got wcWebhook
	if len(have) == 0 {
		_, err := a.do(ctx, c, call{method: http.MethodPost, path: "/webhooks", body: want, out: &got})
		if err != nil {
			return 0, fmt.Errorf("woocommerce: create webhook %s: %w", topic, err)
		}
		return got.ID, nil
	}
	path := "/webhooks/" + strconv.FormatInt(have[0], 10)
	if _, err := a.do(ctx, c, call{method: http.MethodPut, path: path, body: want, out: &got}); err != nil {
		return 0, fmt.Errorf("woocommerce: update webhook %s: %w", topic, err)
	}
	for _, id := range have[1:] {
		q := url.Values{"force": {"true"}}
		_, err := a.do(ctx, c, call{method: http.MethodDelete, path: "/webhooks/" + strconv.FormatInt(id, 10), query: q})
		if _, gone := isAPIError(err, http.StatusNotFound); err != nil && !gone {
			return 0, fmt.Errorf("woocommerce: delete duplicate webhook %d: %w", id, err)
		}
	}
	return have[0], nil
}

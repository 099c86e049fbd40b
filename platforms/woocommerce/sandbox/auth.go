package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// keyGrant is what WC_Auth::create_keys posts to the callback URL.
type keyGrant struct {
	KeyID          int64  `json:"key_id"`
	UserID         string `json:"user_id"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	KeyPermissions string `json:"key_permissions"`
}

// authorize is /wc-auth/v1/authorize with the merchant already logged in
// and clicking Approve (or Deny, after DenyNextAuthorization): the keys
// are posted to callback_url as JSON and, when it answers 200, the browser
// is sent to return_url?success=1&user_id=...; otherwise the keys are
// deleted and the merchant sees an error.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys
func (st *Store) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, p := range []string{"app_name", "user_id", "return_url", "callback_url", "scope"} {
		if q.Get(p) == "" {
			authError(w, "Missing parameter "+p)
			return
		}
	}
	scope, userID := q.Get("scope"), q.Get("user_id")
	if scope != "read" && scope != "write" && scope != "read_write" {
		authError(w, "Invalid scope "+scope)
		return
	}
	callback, err1 := url.Parse(q.Get("callback_url"))
	ret, err2 := url.Parse(q.Get("return_url"))
	if err1 != nil || err2 != nil || callback.Host == "" || ret.Host == "" {
		authError(w, "The return_url or callback_url is not a valid URL")
		return
	}
	if callback.Scheme != "https" && !loopback(callback.Hostname()) {
		authError(w, "The callback_url needs to be over SSL")
		return
	}
	st.mu.Lock()
	denied := st.deny
	st.deny = false
	st.mu.Unlock()
	if denied {
		http.Redirect(w, r, withQuery(ret, "0", userID), http.StatusFound)
		return
	}
	if err := st.grantKeys(r.Context(), callback.String(), userID, scope); err != nil {
		authError(w, err.Error())
		return
	}
	http.Redirect(w, r, withQuery(ret, "1", userID), http.StatusFound)
}

// grantKeys creates keys and posts them to the callback; keys the
// callback does not accept with a 200 are deleted.
func (st *Store) grantKeys(ctx context.Context, callback, userID, scope string) error {
	key, secret := st.AddKey(scope)
	st.mu.Lock()
	g := keyGrant{KeyID: st.keys[key].id, UserID: userID, ConsumerKey: key, ConsumerSecret: secret, KeyPermissions: scope}
	st.mu.Unlock()
	body, _ := json.Marshal(g)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		var resp *http.Response
		if resp, err = st.srv.client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = errors.New("the app did not accept the consumer data")
			}
		}
	}
	if err != nil {
		st.mu.Lock()
		delete(st.keys, key)
		st.mu.Unlock()
	}
	return err
}

func withQuery(u *url.URL, success, userID string) string {
	v := *u
	q := v.Query()
	q.Set("success", success)
	q.Set("user_id", userID)
	v.RawQuery = q.Encode()
	return v.String()
}

// authError is WooCommerce's wp_die page for wc-auth, status 401.
func authError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintf(w, "<!DOCTYPE html><title>Access denied</title><p>Error: %s.</p>", html.EscapeString(strings.TrimSuffix(msg, ".")))
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

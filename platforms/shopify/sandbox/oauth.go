package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Authorization code grant, as documented at
// https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
// The merchant's approval is simulated: the grant screen redirects at once.

const codeLifetime = 10 * time.Minute

// authorize answers GET /admin/oauth/authorize with the redirect Shopify
// makes once the merchant approves the requested scopes.
func (s *Sandbox) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	sh, redirect, msg := s.checkAuthorize(r)
	if msg != "" {
		s.mu.Unlock()
		http.Error(w, "Oauth error invalid_request: "+msg, http.StatusBadRequest)
		return
	}
	scope := q.Get("scope")
	if scope == "" {
		scope = s.opts.Scopes
	}
	online := false
	for _, g := range append(q["grant_options[]"], q["grant_options"]...) {
		online = online || g == "per-user"
	}
	code := randomHex(16)
	s.tokens.codes[code] = &authCode{shop: sh.Domain, scope: scope, online: online,
		expires: s.now().Add(codeLifetime)}
	// The signature covers every parameter the app receives.
	rq := redirect.Query()
	rq.Set("code", code)
	rq.Set("host", hostParam(sh.Domain))
	rq.Set("shop", sh.Domain)
	rq.Set("state", q.Get("state"))
	rq.Set("timestamp", strconv.FormatInt(s.now().Unix(), 10))
	s.mu.Unlock()
	rq.Set("hmac", QueryHMAC(rq, s.opts.APISecret))
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// checkAuthorize finds the shop and the redirect of an authorize request,
// or says what is wrong; call with mu held.
func (s *Sandbox) checkAuthorize(r *http.Request) (*Shop, *url.URL, string) {
	q := r.URL.Query()
	sh := s.shopFor(r)
	if sh == nil {
		return nil, nil, "unknown shop"
	}
	if q.Get("client_id") != s.opts.APIKey {
		return nil, nil, "The client_id is invalid"
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || (redirect.Scheme != "http" && redirect.Scheme != "https") || redirect.Host == "" {
		return nil, nil, "The redirect_uri is missing or not whitelisted"
	}
	return sh, redirect, ""
}

// hostParam is the base64 "host" Shopify adds for embedded apps: the admin
// address of the shop.
func hostParam(domain string) string {
	handle := strings.TrimSuffix(domain, ".myshopify.com")
	return base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/" + handle))
}

// QueryHMAC is Shopify's signature of a redirect or request query: the hex
// HMAC-SHA256, keyed by the app secret, of the parameters other than hmac
// and signature, sorted by name and joined as name=value with "&".
func QueryHMAC(q url.Values, secret string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join(q[k], ",")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.Join(parts, "&")))
	return hex.EncodeToString(mac.Sum(nil))
}

// WebhookHMAC is the X-Shopify-Hmac-Sha256 of a webhook body: the base64
// HMAC-SHA256 of the raw body keyed by the app secret.
func WebhookHMAC(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// tokenLifetime is how long an access token lasts, as PayPal's do (about
// nine hours).
const tokenLifetime = 32400 * time.Second

// token answers POST /v1/oauth2/token for grant_type=client_credentials
// with HTTP Basic client id and secret.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.Secret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"error": "invalid_client", "error_description": "Client Authentication failed"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"})
		return
	}
	tok := "A21AA" + s.newID() + s.newID() + s.newID()
	s.mu.Lock()
	s.tokens[tok] = s.opts.Clock().Add(tokenLifetime)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"scope":        "https://uri.paypal.com/services/payments/payouts https://uri.paypal.com/payments/payouts https://uri.paypal.com/services/applications/webhooks",
		"access_token": tok, "token_type": "Bearer", "app_id": "APP-80W284485P519543T",
		"expires_in": int(tokenLifetime / time.Second), "nonce": s.opts.Clock().UTC().Format(time.RFC3339) + s.newID(),
	})
}

// authed requires a live Bearer token.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		live := ok && known && s.opts.Clock().Before(exp)
		s.mu.Unlock()
		if !live {
			writeJSON(w, http.StatusUnauthorized, map[string]string{
				"error": "invalid_token", "error_description": "Token signature verification failed"})
			return
		}
		h(w, r)
	}
}

// ExpireTokens makes every access token issued so far invalid, as if
// nine hours had passed.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

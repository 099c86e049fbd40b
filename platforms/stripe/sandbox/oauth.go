package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

// authorize is GET /oauth/authorize
// (https://docs.stripe.com/connect/oauth-reference#get-authorize). Where
// Stripe shows the merchant a consent page, the sandbox approves at once:
// it connects the account named by ConnectNext, or a new one, and
// redirects to redirect_uri with a code and the state.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	switch {
	case q.Get("client_id") != s.opts.ClientID:
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "No such application: '"+q.Get("client_id")+"'")
		return
	case q.Get("response_type") != "code":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid response_type: must be code")
		return
	case q.Get("scope") != "read_write" && q.Get("scope") != "read_only":
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "Invalid scope: must be read_write or read_only")
		return
	case redirect == "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "No redirect_uri, and the sandbox has no default")
		return
	}
	s.mu.Lock()
	id := s.nextConnect
	s.nextConnect = ""
	if s.accounts[id] == nil {
		a := newAccount(newID("acct_"), "Connected shop", "owner@example.com", "usd")
		s.accounts[a.ID] = a
		id = a.ID
	}
	code := newID("ac_")
	s.authCodes[code] = id
	s.mu.Unlock()
	u, err := url.Parse(redirect)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid redirect_uri")
		return
	}
	v := u.Query()
	v.Set("code", code)
	v.Set("scope", q.Get("scope"))
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// token is POST /oauth/token
// (https://docs.stripe.com/connect/oauth-reference#post-token): the
// platform's secret key as client_secret (or Bearer) and the code, once.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	secret := r.Form.Get("client_secret")
	if secret == "" {
		secret = bearer(r)
	}
	if secret != s.opts.PlatformKey {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "No such api key: "+redact(secret))
		return
	}
	if gt := r.Form.Get("grant_type"); gt != "authorization_code" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+gt)
		return
	}
	code := r.Form.Get("code")
	s.mu.Lock()
	id, ok := s.authCodes[code]
	delete(s.authCodes, code)
	a := s.accounts[id]
	if ok && a != nil {
		a.connected = true
	}
	s.mu.Unlock()
	if !ok || a == nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Authorization code does not exist: "+code)
		return
	}
	// A platform in test mode (its key sk_test_...) connects accounts in
	// test mode: the token says livemode false.
	mode, live := "live_", !strings.HasPrefix(s.opts.PlatformKey, "sk_test_")
	if !live {
		mode = "test_"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": newID("sk_" + mode), "livemode": live, "refresh_token": newID("rt_"),
		"token_type": "bearer", "stripe_publishable_key": newID("pk_" + mode),
		"stripe_user_id": a.ID, "scope": "read_write",
	})
}

// writeOAuthError is the OAuth error shape: {"error": ..., "error_description": ...}.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

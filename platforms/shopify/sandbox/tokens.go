package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Token lifetimes, as documented for expiring offline access tokens
// (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens)
// and online tokens.
const (
	expiringTTL     = time.Hour
	refreshTTL      = 90 * 24 * time.Hour
	refreshRecovery = 30 * 24 * time.Hour
	onlineTTL       = 24 * time.Hour
)

// Grant and token type names of the token endpoint.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeIDToken   = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeOffline   = "urn:shopify:params:oauth:token-type:offline-access-token"
	tokenTypeOnline    = "urn:shopify:params:oauth:token-type:online-access-token"
)

type authCode struct {
	shop, scope string
	online      bool
	expires     time.Time
	used        bool
}

type accessToken struct {
	shop, scope string
	expires     time.Time // zero: never
}

type refreshToken struct {
	shop, scope string
	expires     time.Time
	parent      string    // the refresh token this one replaced
	firstUsed   time.Time // when it was first exchanged
	retired     bool
}

type tokenStore struct {
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	offline map[string]string // shop → its non-expiring offline token
}

func (t *tokenStore) init() {
	t.codes = map[string]*authCode{}
	t.access = map[string]*accessToken{}
	t.refresh = map[string]*refreshToken{}
	t.offline = map[string]string{}
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	AccessToken           string          `json:"access_token"`
	Scope                 string          `json:"scope"`
	ExpiresIn             int64           `json:"expires_in,omitempty"`
	RefreshToken          string          `json:"refresh_token,omitempty"`
	RefreshTokenExpiresIn int64           `json:"refresh_token_expires_in,omitempty"`
	AssociatedUserScope   string          `json:"associated_user_scope,omitempty"`
	AssociatedUser        *associatedUser `json:"associated_user,omitempty"`
}

type associatedUser struct {
	ID            int64  `json:"id"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	Email         string `json:"email"`
	AccountOwner  bool   `json:"account_owner"`
	Locale        string `json:"locale"`
	Collaborator  bool   `json:"collaborator"`
	EmailVerified bool   `json:"email_verified"`
}

// oauthError is an error answer of the token endpoint.
type oauthError struct {
	status int
	Code   string `json:"error"`
	Desc   string `json:"error_description"`
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Desc }

func badGrant(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, Code: "invalid_grant", Desc: desc}
}

// accessToken answers POST /admin/oauth/access_token for the authorization
// code, token exchange and refresh token grants. Parameters come as JSON or
// as a form, as Shopify accepts both.
func (s *Sandbox) accessToken(w http.ResponseWriter, r *http.Request) {
	p, err := tokenParams(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, &oauthError{Code: "invalid_request", Desc: err.Error()})
		return
	}
	s.mu.Lock()
	resp, oerr := s.grant(r, p)
	s.mu.Unlock()
	if oerr != nil {
		writeJSON(w, oerr.status, oerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Sandbox) grant(r *http.Request, p map[string]string) (*tokenResponse, *oauthError) {
	if p["client_id"] != s.opts.APIKey || p["client_secret"] != s.opts.APISecret {
		return nil, &oauthError{status: http.StatusUnauthorized, Code: "invalid_client",
			Desc: "Client authentication failed: the client_id or client_secret is wrong"}
	}
	sh := s.shopFor(r)
	if sh == nil && p["grant_type"] == grantTokenExchange {
		sh = s.shopOfSessionToken(p["subject_token"])
	}
	if sh == nil {
		return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_request", Desc: "unknown shop"}
	}
	expiring := p["expiring"] == "1" || p["expiring"] == "true"
	switch p["grant_type"] {
	case "", "authorization_code":
		return s.codeGrant(sh, p["code"], expiring)
	case grantTokenExchange:
		return s.exchangeGrant(sh, p, expiring)
	case "refresh_token":
		return s.refreshGrant(sh, p["refresh_token"])
	}
	return nil, &oauthError{status: http.StatusBadRequest, Code: "unsupported_grant_type",
		Desc: fmt.Sprintf("grant_type %q is not supported", p["grant_type"])}
}

func (s *Sandbox) codeGrant(sh *Shop, code string, expiring bool) (*tokenResponse, *oauthError) {
	c, ok := s.tokens.codes[code]
	if !ok || c.used || c.shop != sh.Domain || s.now().After(c.expires) {
		return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_request",
			Desc: "The authorization code was not found or was already used"}
	}
	c.used = true
	if c.online {
		return s.issueOnline(sh, c.scope), nil
	}
	return s.issueOffline(sh, c.scope, expiring), nil
}

func (s *Sandbox) refreshGrant(sh *Shop, token string) (*tokenResponse, *oauthError) {
	rt, ok := s.tokens.refresh[token]
	now := s.now()
	switch {
	case !ok || rt.shop != sh.Domain || rt.retired:
		return nil, badGrant("The refresh token is invalid, revoked or was already replaced")
	case now.After(rt.expires):
		return nil, badGrant("The refresh token has expired")
	case !rt.firstUsed.IsZero() && now.After(rt.firstUsed.Add(refreshRecovery)):
		return nil, badGrant("The refresh token was already used")
	}
	if rt.firstUsed.IsZero() {
		rt.firstUsed = now
	}
	// Using the replacement retires the token it replaced; until then the
	// previous one may be retried, in case its answer was lost.
	if prev, ok := s.tokens.refresh[rt.parent]; ok {
		prev.retired = true
	}
	resp := s.issueExpiring(sh, rt.scope)
	s.tokens.refresh[resp.RefreshToken].parent = token
	return resp, nil
}

// issueOffline returns the shop's non-expiring offline token (the same one
// each time, as Shopify does) or a new expiring one.
func (s *Sandbox) issueOffline(sh *Shop, scope string, expiring bool) *tokenResponse {
	if expiring {
		return s.issueExpiring(sh, scope)
	}
	tok, ok := s.tokens.offline[sh.Domain]
	if !ok || s.tokens.access[tok] == nil {
		tok = "shpua_" + randomHex(16)
		s.tokens.offline[sh.Domain] = tok
		s.tokens.access[tok] = &accessToken{shop: sh.Domain}
	}
	s.tokens.access[tok].scope = scope
	return &tokenResponse{AccessToken: tok, Scope: scope}
}

func (s *Sandbox) issueExpiring(sh *Shop, scope string) *tokenResponse {
	now := s.now()
	at, rt := "shpua_"+randomHex(16), "shprt_"+randomHex(16)
	s.tokens.access[at] = &accessToken{shop: sh.Domain, scope: scope, expires: now.Add(expiringTTL)}
	s.tokens.refresh[rt] = &refreshToken{shop: sh.Domain, scope: scope, expires: now.Add(refreshTTL)}
	return &tokenResponse{AccessToken: at, Scope: scope, ExpiresIn: int64(expiringTTL.Seconds()),
		RefreshToken: rt, RefreshTokenExpiresIn: int64(refreshTTL.Seconds())}
}

func (s *Sandbox) issueOnline(sh *Shop, scope string) *tokenResponse {
	at := "shpua_" + randomHex(16)
	s.tokens.access[at] = &accessToken{shop: sh.Domain, scope: scope, expires: s.now().Add(onlineTTL)}
	return &tokenResponse{AccessToken: at, Scope: scope, ExpiresIn: int64(onlineTTL.Seconds()),
		AssociatedUserScope: scope, AssociatedUser: &associatedUser{ID: 902541635,
			FirstName: "Sandbox", LastName: "Owner", Email: sh.Email, AccountOwner: true,
			Locale: "en", EmailVerified: true}}
}

// RevokeTokens invalidates every access and refresh token of a shop, as an
// uninstall does.
func (s *Sandbox) RevokeTokens(shop string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeLocked(normDomain(shop))
}

func (s *Sandbox) revokeLocked(domain string) {
	for k, t := range s.tokens.access {
		if t.shop == domain {
			delete(s.tokens.access, k)
		}
	}
	for k, t := range s.tokens.refresh {
		if t.shop == domain {
			delete(s.tokens.refresh, k)
		}
	}
	delete(s.tokens.offline, domain)
}

// validToken reports whether token may call the Admin API of shop, and
// with which scopes; call with mu held.
func (s *Sandbox) validToken(sh *Shop, token string) (string, bool) {
	t, ok := s.tokens.access[token]
	if !ok || t.shop != sh.Domain || (!t.expires.IsZero() && !s.now().Before(t.expires)) {
		return "", false
	}
	return t.scope, true
}

// tokenParams reads the token endpoint's parameters from JSON or a form.
func tokenParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		var raw map[string]any
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("body is not a JSON object: %v", err)
		}
		for k, v := range raw {
			out[k] = strings.TrimSpace(fmt.Sprint(v))
		}
		return out, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	for k := range r.Form {
		out[k] = r.Form.Get(k)
	}
	return out, nil
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

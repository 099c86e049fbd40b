package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Session tokens and token exchange, as documented at
// https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
// and https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange

// SessionClaims are the claims of a Shopify session token (an App Bridge
// ID token).
type SessionClaims struct {
	Dest string `json:"dest"`
	SID  string `json:"sid,omitempty"`
	Sig  string `json:"sig,omitempty"`
	jwt.RegisteredClaims
}

// MintSessionToken signs a session token for shop, as App Bridge hands one
// to the embedded app: HS256 with the app secret, aud = the API key,
// dest = https://{shop}, iss = https://{shop}/admin, valid for ttl (Shopify
// issues them for one minute).
func (s *Sandbox) MintSessionToken(shop string, ttl time.Duration) string {
	shop = normDomain(shop)
	now := s.now()
	c := SessionClaims{
		Dest: "https://" + shop,
		SID:  randomHex(16),
		Sig:  randomHex(16),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    "https://" + shop + "/admin",
			Subject:   "902541635",
			Audience:  jwt.ClaimStrings{s.opts.APIKey},
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid(),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(s.opts.APISecret))
	if err != nil {
		panic(err) // HS256 with a byte key cannot fail
	}
	return tok
}

// exchangeGrant trades a session token for an access token; call with mu
// held.
func (s *Sandbox) exchangeGrant(sh *Shop, p map[string]string, expiring bool) (*tokenResponse, *oauthError) {
	if p["subject_token_type"] != tokenTypeIDToken {
		return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_request",
			Desc: "subject_token_type must be " + tokenTypeIDToken}
	}
	claims, err := s.verifySessionToken(p["subject_token"])
	if err != nil {
		return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_subject_token", Desc: err.Error()}
	}
	dest, _ := url.Parse(claims.Dest)
	if dest == nil || normDomain(dest.Host) != sh.Domain {
		return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_subject_token",
			Desc: "The session token was issued for another shop"}
	}
	switch p["requested_token_type"] {
	case tokenTypeOffline, "":
		return s.issueOffline(sh, s.opts.Scopes, expiring), nil
	case tokenTypeOnline:
		return s.issueOnline(sh, s.opts.Scopes), nil
	}
	return nil, &oauthError{status: http.StatusBadRequest, Code: "invalid_request",
		Desc: "requested_token_type is not supported"}
}

// verifySessionToken checks a session token's signature, audience and
// lifetime against the sandbox clock.
func (s *Sandbox) verifySessionToken(tok string) (*SessionClaims, error) {
	var c SessionClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) {
		return []byte(s.opts.APISecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience(s.opts.APIKey),
		jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(c.Dest, "https://") {
		return nil, jwt.ErrTokenInvalidClaims
	}
	return &c, nil
}

// shopOfSessionToken finds the shop a session token names, when the
// request itself does not say; call with mu held.
func (s *Sandbox) shopOfSessionToken(tok string) *Shop {
	c, err := s.verifySessionToken(tok)
	if err != nil {
		return nil
	}
	u, err := url.Parse(c.Dest)
	if err != nil {
		return nil
	}
	return s.shops[normDomain(u.Host)]
}

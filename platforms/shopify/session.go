package shopify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"codecredit/platforms"
)

// ErrSessionToken is returned for a session token that does not verify.
var ErrSessionToken = errors.New("shopify: session token invalid")

// SessionTokenLeeway is the clock skew allowed on exp and nbf.
const SessionTokenLeeway = 10 * time.Second

// RefreshBefore is how long before expiry an access token is renewed.
const RefreshBefore = 5 * time.Minute

// sessionClaims are the claims of an App Bridge session token, documented
// at https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
// (iss https://{shop}/admin, dest https://{shop}, aud = the API key).
type sessionClaims struct {
	Dest string `json:"dest"`
	jwt.RegisteredClaims
}

// VerifySessionToken checks a session token from the embedded admin: HS256
// signed with the app secret, audience = API key, exp and nbf within
// SessionTokenLeeway of now, dest a myshopify.com shop and iss on the same
// shop. It returns the shop.
func (a *Adapter) VerifySessionToken(token string, now time.Time) (string, error) {
	var claims sessionClaims
	p := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(a.cfg.APIKey), jwt.WithLeeway(SessionTokenLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithExpirationRequired())
	_, err := p.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		return []byte(a.cfg.APISecret), nil
	})
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrSessionToken, err)
	}
	dest, err := url.Parse(claims.Dest)
	if err != nil || dest.Scheme != "https" || NormalizeShop(dest.Host) != dest.Host || dest.Path != "" {
		return "", fmt.Errorf("%w: dest %q is not a shop", ErrSessionToken, claims.Dest)
	}
	if iss, err := url.Parse(claims.Issuer); claims.Issuer != "" && (err != nil || iss.Host != dest.Host) {
		return "", fmt.Errorf("%w: issuer %q is not the dest shop", ErrSessionToken, claims.Issuer)
	}
	return dest.Host, nil
}

// MintSessionToken signs a session token the way Shopify does, for tests and
// local stand-ins of the embedded admin.
func MintSessionToken(apiKey, secret, shop string, iat time.Time, ttl time.Duration) string {
	claims := sessionClaims{Dest: "https://" + shop, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: "https://" + shop + "/admin", Audience: jwt.ClaimStrings{apiKey}, Subject: "1",
		IssuedAt: jwt.NewNumericDate(iat), NotBefore: jwt.NewNumericDate(iat),
		ExpiresAt: jwt.NewNumericDate(iat.Add(ttl)), ID: fmt.Sprintf("%d", iat.UnixNano()),
	}}
	s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	return s
}

// TokenExpiring reports whether the connection's access token is missing or
// lapses within RefreshBefore (a token without expiry never lapses).
func (a *Adapter) TokenExpiring(creds map[string]string) bool {
	if creds[CredAccessToken] == "" {
		return true
	}
	exp, ok := parseTime(creds[CredAccessExpiresAt])
	return ok && exp.Sub(a.now()) <= RefreshBefore
}

// accessToken returns a token valid for at least RefreshBefore, refreshing
// it first when needed; the rotated access and refresh tokens are written to
// c.Credentials and c.Changed is set. A refused refresh is ErrUnauthorized.
func (a *Adapter) accessToken(ctx context.Context, c *platforms.Conn) (string, error) {
	creds := c.Credentials
	if !a.TokenExpiring(creds) {
		return creds[CredAccessToken], nil
	}
	exp, _ := parseTime(creds[CredAccessExpiresAt])
	rt := creds[CredRefreshToken]
	if rt == "" {
		if creds[CredAccessToken] != "" && a.now().Before(exp) {
			return creds[CredAccessToken], nil // cannot refresh; use what is left
		}
		return "", fmt.Errorf("shopify: %s: %w (no token to refresh)", c.ExternalID, platforms.ErrUnauthorized)
	}
	if rexp, ok := parseTime(creds[CredRefreshExpiresAt]); ok && !a.now().Before(rexp) {
		return "", fmt.Errorf("shopify: %s: %w (refresh token expired)", c.ExternalID, platforms.ErrUnauthorized)
	}
	src := a.oauthConfig(c.ExternalID).TokenSource(a.withClient(ctx), &oauth2.Token{RefreshToken: rt})
	tok, err := src.Token()
	if err != nil {
		return "", tokenError("refresh token", err)
	}
	a.storeToken(c, tok)
	return tok.AccessToken, nil
}

func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

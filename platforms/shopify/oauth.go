package shopify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
	"golang.org/x/oauth2"

	"codecredit/platforms"
)

// ErrCallback is returned when an OAuth callback's shop, HMAC or timestamp
// does not check out.
var ErrCallback = errors.New("shopify: OAuth callback invalid")

// CallbackMaxAge is how far a callback's timestamp may be from now.
const CallbackMaxAge = 5 * time.Minute

// Token grant parameters, from
// https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange
// and https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens
const (
	grantTokenExchange  = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeIDToken    = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeOfflineTok = "urn:shopify:params:oauth:token-type:offline-access-token"
)

// RedirectURL is the OAuth callback registered in shopify.app.toml.
func (a *Adapter) RedirectURL() string { return a.cfg.AppURL + "/auth/shopify/callback" }

// AuthorizeURL is where the merchant approves the app's scopes for an
// offline token (no per-user grant option); state is the single-use nonce.
func (a *Adapter) AuthorizeURL(shop, state string) string {
	return a.authorizeURL(shop, state, a.cfg.Scopes)
}

// authorizeURL is AuthorizeURL asking for these scopes.
func (a *Adapter) authorizeURL(shop, state string, scopes []string) string {
	q := url.Values{
		"client_id":    {a.cfg.APIKey},
		"scope":        {strings.Join(scopes, ",")},
		"redirect_uri": {a.RedirectURL()},
		"state":        {state},
	}
	return a.shopURL(shop, "/admin/oauth/authorize", q)
}

// VerifyCallback checks the redirect back from Shopify: a myshopify.com
// shop, a timestamp within CallbackMaxAge of now, and the hex HMAC-SHA256
// of the other parameters sorted by name, keyed with the app secret
// (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant,
// step "Verify the installation request"), checked by go-shopify's
// App.VerifyAuthorizationURL. It returns the shop.
func (a *Adapter) VerifyCallback(query url.Values, now time.Time) (string, error) {
	shop := NormalizeShop(query.Get("shop"))
	if shop == "" || shop != query.Get("shop") {
		return "", fmt.Errorf("%w: shop %q is not a myshopify.com domain", ErrCallback, query.Get("shop"))
	}
	if len(query["hmac"]) != 1 {
		return "", fmt.Errorf("%w: exactly one hmac parameter is required", ErrCallback)
	}
	if got, err := hex.DecodeString(query.Get("hmac")); err != nil || len(got) != sha256.Size {
		return "", fmt.Errorf("%w: malformed hmac", ErrCallback)
	}
	ts, err := strconv.ParseInt(query.Get("timestamp"), 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: missing or malformed timestamp", ErrCallback)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > CallbackMaxAge || d < -CallbackMaxAge {
		return "", fmt.Errorf("%w: timestamp is %s away from now", ErrCallback, d.Round(time.Second))
	}
	app := goshopify.App{ApiSecret: a.cfg.APISecret}
	if ok, err := app.VerifyAuthorizationURL(&url.URL{RawQuery: query.Encode()}); ok && err == nil {
		return shop, nil
	}
	// go-shopify builds only the documentation's form of the message;
	// Shopify's own libraries sign the percent-encoded one, and a repeated
	// name's values joined with commas, which callbackMessages builds.
	for _, msg := range callbackMessages(query) {
		if app.VerifyMessage(msg, query.Get("hmac")) {
			return shop, nil
		}
	}
	return "", fmt.Errorf("%w: hmac does not match", ErrCallback)
}

// callbackMessages are the strings Shopify may have signed: the remaining
// parameters sorted by name, percent-encoded as Shopify's own libraries do
// (spaces as %20), and the same pairs unescaped as the documentation's
// example shows. Repeated names join their values with commas.
func callbackMessages(query url.Values) []string {
	keys := make([]string, 0, len(query))
	for k := range query {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	enc := make([]string, 0, len(keys))
	raw := make([]string, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(query[k], ",")
		enc = append(enc, strings.ReplaceAll(url.QueryEscape(k)+"="+url.QueryEscape(v), "+", "%20"))
		raw = append(raw, k+"="+v)
	}
	return []string{strings.Join(enc, "&"), strings.Join(raw, "&")}
}

// SignCallback returns query with the hmac Shopify would add (for tests and
// local stand-ins).
func SignCallback(query url.Values, secret string) url.Values {
	out := url.Values{}
	for k, v := range query {
		out[k] = append([]string(nil), v...)
	}
	out.Del("hmac")
	out.Set("hmac", hex.EncodeToString(Sign([]byte(callbackMessages(out)[0]), []byte(secret))))
	return out
}

// oauthConfig is the token endpoint of one shop; the client id and secret go
// in the request body, as Shopify expects.
func (a *Adapter) oauthConfig(shop string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: a.cfg.APIKey, ClientSecret: a.cfg.APISecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   "https://" + shop + "/admin/oauth/authorize",
			TokenURL:  "https://" + shop + "/admin/oauth/access_token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// withClient makes x/oauth2 send through the adapter's client (base URL,
// injected transport).
func (a *Adapter) withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, a.client)
}

// ExchangeCode trades an authorization code for an expiring offline token
// and returns the shop's connection with its new credentials.
func (a *Adapter) ExchangeCode(ctx context.Context, shop, code string) (*platforms.Conn, error) {
	if NormalizeShop(shop) != shop || code == "" {
		return nil, fmt.Errorf("%w: a shop and a code are required", ErrCallback)
	}
	tok, err := a.oauthConfig(shop).Exchange(a.withClient(ctx), code, oauth2.SetAuthURLParam("expiring", "1"))
	return a.connFromToken(shop, tok, err, "exchange code")
}

// ExchangeSessionToken trades an embedded-admin session token for an
// expiring offline token (token exchange) and returns the shop's connection.
func (a *Adapter) ExchangeSessionToken(ctx context.Context, shop, sessionToken string) (*platforms.Conn, error) {
	if NormalizeShop(shop) != shop || sessionToken == "" {
		return nil, fmt.Errorf("%w: a shop and a session token are required", ErrSessionToken)
	}
	tok, err := a.oauthConfig(shop).Exchange(a.withClient(ctx), "",
		oauth2.SetAuthURLParam("grant_type", grantTokenExchange),
		oauth2.SetAuthURLParam("subject_token", sessionToken),
		oauth2.SetAuthURLParam("subject_token_type", tokenTypeIDToken),
		oauth2.SetAuthURLParam("requested_token_type", tokenTypeOfflineTok),
		oauth2.SetAuthURLParam("expiring", "1"))
	return a.connFromToken(shop, tok, err, "token exchange")
}

func (a *Adapter) connFromToken(shop string, tok *oauth2.Token, err error, op string) (*platforms.Conn, error) {
	if err != nil {
		return nil, tokenError(op, err)
	}
	c := &platforms.Conn{ExternalID: shop, Credentials: map[string]string{}, Changed: true}
	a.storeToken(c, tok)
	return c, nil
}

// storeToken writes a token response into the connection's credentials.
func (a *Adapter) storeToken(c *platforms.Conn, tok *oauth2.Token) {
	if c.Credentials == nil {
		c.Credentials = map[string]string{}
	}
	now := a.now().UTC()
	c.Credentials[CredAccessToken] = tok.AccessToken
	delete(c.Credentials, CredAccessExpiresAt)
	if tok.ExpiresIn > 0 {
		c.Credentials[CredAccessExpiresAt] = now.Add(time.Duration(tok.ExpiresIn) * time.Second).Format(time.RFC3339)
	}
	if tok.RefreshToken != "" {
		c.Credentials[CredRefreshToken] = tok.RefreshToken
	}
	if s := extraInt(tok, "refresh_token_expires_in"); s > 0 {
		c.Credentials[CredRefreshExpiresAt] = now.Add(time.Duration(s) * time.Second).Format(time.RFC3339)
	}
	if scope, ok := tok.Extra("scope").(string); ok && scope != "" {
		c.Credentials[CredScope] = scope
	}
	c.Changed = true
}

func extraInt(tok *oauth2.Token, key string) int64 {
	switch v := tok.Extra(key).(type) {
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

// tokenError maps a refused grant (4xx) to platforms.ErrUnauthorized and
// keeps anything else (network, 5xx) retryable.
func tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		code := re.Response.StatusCode
		if code >= 400 && code < 500 && code != http.StatusTooManyRequests {
			return fmt.Errorf("shopify: %s: %w (%s)", op, platforms.ErrUnauthorized, re.Response.Status)
		}
	}
	return fmt.Errorf("shopify: %s: %w", op, err)
}

package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"codecredit/models"
	"codecredit/platforms"
)

// HeaderRetryInvalidSession asks App Bridge to fetch a fresh session token
// and send the request again; it goes with every 401 for a bad token.
const HeaderRetryInvalidSession = "X-Shopify-Retry-Invalid-Session-Request"

// HeaderRequestedWith must be on every state-changing API call that is
// authenticated by the merchant session cookie: a page on another site
// cannot add it without a CORS preflight, which this API never grants.
const HeaderRequestedWith = "X-Requested-With"

// SessionTokenLeeway is the clock skew allowed on a session token's exp and nbf.
const SessionTokenLeeway = 10 * time.Second

// ErrSessionToken is a Shopify session token that does not verify.
var ErrSessionToken = errors.New("handlers: session token invalid")

// shopDomain is a shop's permanent domain.
var shopDomain = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidShop reports whether s is a shop's *.myshopify.com domain.
func ValidShop(s string) bool { return len(s) <= 255 && shopDomain.MatchString(s) }

// SessionVerifier checks a Shopify App Bridge session token and returns the
// shop it was issued for. *ShopifySessionVerifier implements it.
type SessionVerifier interface {
	VerifySessionToken(token string, now time.Time) (shop string, err error)
}

// ShopifySessionVerifier verifies session tokens with the app's API key
// and secret, as documented at
// https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens:
// HS256 signed with the secret, aud = the API key, dest = https://{shop}.
type ShopifySessionVerifier struct {
	apiKey string
	secret []byte
}

// NewShopifySessionVerifier builds a verifier for the app's SHOPIFY_API_KEY
// and SHOPIFY_API_SECRET.
func NewShopifySessionVerifier(apiKey, secret string) *ShopifySessionVerifier {
	return &ShopifySessionVerifier{apiKey: apiKey, secret: []byte(secret)}
}

// sessionClaims are the claims of a session token that we check.
type sessionClaims struct {
	Dest string `json:"dest"`
	jwt.RegisteredClaims
}

// VerifySessionToken checks the signature, the audience, exp and nbf (with
// SessionTokenLeeway) and that dest (and iss, when set) name one shop.
func (v *ShopifySessionVerifier) VerifySessionToken(token string, now time.Time) (string, error) {
	if v.apiKey == "" || len(v.secret) == 0 {
		return "", fmt.Errorf("%w: the app has no Shopify API key", ErrSessionToken)
	}
	var claims sessionClaims
	p := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(v.apiKey), jwt.WithLeeway(SessionTokenLeeway), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if _, err := p.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.secret, nil }); err != nil {
		return "", fmt.Errorf("%w: %v", ErrSessionToken, err)
	}
	dest, err := url.Parse(claims.Dest)
	if err != nil || dest.Scheme != "https" || !ValidShop(dest.Host) || strings.Trim(dest.Path, "/") != "" {
		return "", fmt.Errorf("%w: dest %q is not a shop", ErrSessionToken, claims.Dest)
	}
	if claims.Issuer != "" {
		if iss, err := url.Parse(claims.Issuer); err != nil || iss.Host != dest.Host {
			return "", fmt.Errorf("%w: issuer %q is not the dest shop", ErrSessionToken, claims.Issuer)
		}
	}
	return dest.Host, nil
}

// AdminAuth authenticates /api/v1 for scripts and the admin alike, and puts
// the caller's account where account(c) finds it. It accepts, in order:
// an API key ("Authorization: Bearer cc_..."), a Shopify session token
// ("Authorization: Bearer <JWT>", the account of the shop's active
// connection), or the merchant session cookie. verifier nil refuses
// session tokens; sessions nil refuses cookies.
func AdminAuth(store *models.Store, verifier SessionVerifier, sessions *MerchantSessions) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			acct, err := authenticate(c, store, verifier, sessions)
			if err != nil {
				return err
			}
			c.Set(accountKey, acct)
			return next(c)
		}
	}
}

func authenticate(c echo.Context, store *models.Store, verifier SessionVerifier, sessions *MerchantSessions) (*models.Account, error) {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, cred, ok := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
			return nil, echo.NewHTTPError(http.StatusUnauthorized, "send Authorization: Bearer <API key or session token>")
		}
		if strings.HasPrefix(cred, "cc_") || verifier == nil {
			return apiKeyAccount(c, store, cred)
		}
		return shopAccount(c, store, verifier, cred)
	}
	if sessions != nil {
		id, ok, err := sessions.AccountID(c.Request())
		if err != nil {
			return nil, err
		}
		if ok {
			return cookieAccount(c, store, id)
		}
	}
	return nil, echo.NewHTTPError(http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
}

// apiKeyAccount is the account of an API key that has the scope the
// route needs: an unknown or revoked key is a 401, a missing scope a 403.
func apiKeyAccount(c echo.Context, store *models.Store, key string) (*models.Account, error) {
	acct, k, err := store.AuthenticateAPIKey(c.Request().Context(), key)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, echo.NewHTTPError(http.StatusUnauthorized, "invalid API key")
	case errors.Is(err, models.ErrRevoked):
		return nil, echo.NewHTTPError(http.StatusUnauthorized, "this API key was revoked: create a new one in the admin (Developers)")
	case err != nil:
		return nil, err
	}
	if err := checkScope(c, k); err != nil {
		return nil, err
	}
	c.Set(apiKeyKey, k)
	return acct, nil
}

// shopAccount verifies a session token and loads the account of the
// shop's active connection. A shop that has not installed the app (or
// uninstalled it) is a 403 the admin answers by installing.
func shopAccount(c echo.Context, store *models.Store, verifier SessionVerifier, token string) (*models.Account, error) {
	shop, err := verifier.VerifySessionToken(token, time.Now())
	if err != nil {
		slog.DebugContext(c.Request().Context(), "session token refused", "error", err)
		c.Response().Header().Set(HeaderRetryInvalidSession, "1")
		return nil, echo.NewHTTPError(http.StatusUnauthorized, "invalid session token")
	}
	ctx := c.Request().Context()
	conn, err := store.ConnectionBySource(ctx, platforms.Shopify, shop)
	if errors.Is(err, models.ErrNotFound) || (err == nil && conn.Status != models.ConnectionActive) {
		return nil, echo.NewHTTPError(http.StatusForbidden, "shop "+shop+" has not installed the app: install it first")
	}
	if err != nil {
		return nil, err
	}
	return store.GetAccount(ctx, conn.AccountID)
}

// cookieAccount loads the account of a merchant session. Calls that
// change something must carry HeaderRequestedWith (see its comment).
func cookieAccount(c echo.Context, store *models.Store, id uint64) (*models.Account, error) {
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		if c.Request().Header.Get(HeaderRequestedWith) == "" {
			return nil, echo.NewHTTPError(http.StatusForbidden, "send the "+HeaderRequestedWith+" header with session requests")
		}
	}
	acct, err := store.GetAccount(c.Request().Context(), id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, echo.NewHTTPError(http.StatusUnauthorized, "your session has ended: sign in again")
	}
	return acct, err
}

// MerchantLinks sends and redeems the admin's emailed sign-in links, for
// merchants outside Shopify. The lead's outbox implements it; with no
// SMTP the link is written to the server log.
type MerchantLinks interface {
	// Send emails a single-use sign-in link to the merchant with this
	// email, if there is one. It returns at once and the same for an
	// unknown address, in time as in errors: the email is written to the
	// outbox after the answer.
	Send(ctx context.Context, email string) error
	// Redeem uses up a link's token and returns its account; a used,
	// expired or unknown token is models.ErrNotFound.
	Redeem(ctx context.Context, token string) (accountID uint64, err error)
	// Check returns a link's account without using it up, so that opening
	// the link can say at once that it is used or expired; a used,
	// expired or unknown token is models.ErrNotFound.
	Check(ctx context.Context, token string) (accountID uint64, err error)
}

// SessionCookie is the merchant session's cookie.
const SessionCookie = "cc_admin"

// SessionStore keeps merchant sessions server-side, so that signing out
// (or deleting the row) ends one for good; *models.Store implements it.
type SessionStore interface {
	CreateMerchantSession(ctx context.Context, accountID uint64, ttl time.Duration) (string, error)
	// MerchantSessionAccount is models.ErrNotFound for an unknown, ended
	// or expired session.
	MerchantSessionAccount(ctx context.Context, session string) (uint64, error)
	EndMerchantSession(ctx context.Context, session string) error
}

// MerchantSessions issues and reads the merchant session cookie: an
// opaque secret whose hash the store keeps with the account and expiry.
// Signing out deletes the record, so a copy of the old cookie is refused.
type MerchantSessions struct {
	store  SessionStore
	secure bool
	ttl    time.Duration
}

// NewMerchantSessions keeps sessions in store, valid for ttl; secure marks
// the cookie HTTPS-only (set it when APP_URL is https).
func NewMerchantSessions(store SessionStore, secure bool, ttl time.Duration) (*MerchantSessions, error) {
	if store == nil || ttl <= 0 {
		return nil, errors.New("handlers: merchant sessions need a store and a positive lifetime")
	}
	return &MerchantSessions{store: store, secure: secure, ttl: ttl}, nil
}

// Issue opens a session for the account and sets its cookie.
func (s *MerchantSessions) Issue(c echo.Context, accountID uint64) error {
	secret, err := s.store.CreateMerchantSession(c.Request().Context(), accountID, s.ttl)
	if err != nil {
		return err
	}
	c.SetCookie(s.cookie(secret, int(s.ttl/time.Second)))
	return nil
}

// End ends the request's session on the server and clears its cookie.
func (s *MerchantSessions) End(c echo.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
		if err := s.store.EndMerchantSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(s.cookie("", -1))
	return nil
}

// AccountID reads the request's session cookie: ok is false when there is
// none or it is not a live session.
func (s *MerchantSessions) AccountID(r *http.Request) (id uint64, ok bool, err error) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return 0, false, nil
	}
	id, err = s.store.MerchantSessionAccount(r.Context(), ck.Value)
	if errors.Is(err, models.ErrNotFound) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func (s *MerchantSessions) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

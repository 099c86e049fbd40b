package sandbox

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func signClaims(t *testing.T, c SessionClaims, secret string, method jwt.SigningMethod) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func exchangeForm(subject string) url.Values {
	return url.Values{"client_id": {testKey}, "client_secret": {testSecret},
		"grant_type": {grantTokenExchange}, "subject_token": {subject},
		"subject_token_type": {tokenTypeIDToken}, "requested_token_type": {tokenTypeOffline}, "expiring": {"1"}}
}

// Token exchange trades a valid session token for an expiring offline
// token; anything else about the session token is a 400.
func TestTokenExchange(t *testing.T) {
	e := newEnv(t, nil)
	e.sb.AddShop("other-shop", "EUR")
	now := e.clock.Now()
	claims := func(mod func(*SessionClaims)) SessionClaims {
		c := SessionClaims{Dest: "https://" + testShop, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "https://" + testShop + "/admin", Audience: jwt.ClaimStrings{testKey},
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), NotBefore: jwt.NewNumericDate(now),
			IssuedAt: jwt.NewNumericDate(now)}}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	tests := []struct {
		name    string
		subject string
		want    int
	}{
		{"minted by the sandbox", e.sb.MintSessionToken(testShop, time.Minute), http.StatusOK},
		{"valid", signClaims(t, claims(nil), testSecret, jwt.SigningMethodHS256), http.StatusOK},
		{"wrong secret", signClaims(t, claims(nil), "other", jwt.SigningMethodHS256), http.StatusBadRequest},
		{"wrong audience", signClaims(t, claims(func(c *SessionClaims) { c.Audience = jwt.ClaimStrings{"other"} }), testSecret, jwt.SigningMethodHS256), http.StatusBadRequest},
		{"expired", signClaims(t, claims(func(c *SessionClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second)) }), testSecret, jwt.SigningMethodHS256), http.StatusBadRequest},
		{"not yet valid", signClaims(t, claims(func(c *SessionClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Minute)) }), testSecret, jwt.SigningMethodHS256), http.StatusBadRequest},
		{"another shop", signClaims(t, claims(func(c *SessionClaims) { c.Dest = "https://other-shop.myshopify.com" }), testSecret, jwt.SigningMethodHS256), http.StatusBadRequest},
		{"HS512", signClaims(t, claims(nil), testSecret, jwt.SigningMethodHS512), http.StatusBadRequest},
		{"garbage", "not.a.jwt", http.StatusBadRequest},
		{"empty", "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tok tokenResponse
			status := e.postForm(t, exchangeForm(tt.subject), &tok)
			if status != tt.want {
				t.Fatalf("status %d, want %d", status, tt.want)
			}
			if status != http.StatusOK {
				return
			}
			if tok.ExpiresIn != 3600 || tok.RefreshToken == "" {
				t.Errorf("token %+v: want an expiring offline token with a refresh token", tok)
			}
			if r := e.gql(t, tok.AccessToken, `{ shop { myshopifyDomain } }`, nil); dig(r.Data, "shop", "myshopifyDomain") != testShop {
				t.Errorf("exchanged token: %d %s", r.Status, r.Raw)
			}
		})
	}
}

// Without expiring=1 the exchange gives the non-expiring offline token, and
// the subject token type is checked.
func TestTokenExchangeVariants(t *testing.T) {
	e := newEnv(t, nil)
	form := exchangeForm(e.sb.MintSessionToken(testShop, time.Minute))
	form.Del("expiring")
	var tok tokenResponse
	if status := e.postForm(t, form, &tok); status != http.StatusOK || tok.ExpiresIn != 0 || tok.RefreshToken != "" {
		t.Errorf("non-expiring exchange: %d %+v", status, tok)
	}
	form.Set("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
	if status := e.postForm(t, form, nil); status != http.StatusBadRequest {
		t.Errorf("wrong subject_token_type: %d, want 400", status)
	}
}

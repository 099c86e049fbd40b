package sandbox

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// The merchant approves: the redirect carries code, hmac, host, shop, state
// and timestamp, and the hmac verifies with the app secret the way the
// documented procedure (and go-shopify) checks it.
func TestAuthorizeRedirectIsSigned(t *testing.T) {
	e := newEnv(t, nil)
	q := url.Values{"client_id": {testKey}, "scope": {"read_orders"}, "state": {"n0nce"},
		"redirect_uri": {"https://app.example/auth/shopify/callback?x=1"}}
	resp, err := e.client.Get("https://" + testShop + "/admin/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	got := loc.Query()
	for _, k := range []string{"code", "hmac", "host", "shop", "state", "timestamp"} {
		if got.Get(k) == "" {
			t.Errorf("redirect lacks %s: %s", k, loc)
		}
	}
	if got.Get("shop") != testShop || got.Get("state") != "n0nce" || got.Get("x") != "1" {
		t.Errorf("redirect %s: wrong shop, state or lost the redirect_uri's own query", loc)
	}
	if ts, _ := strconv.ParseInt(got.Get("timestamp"), 10, 64); ts != e.clock.Now().Unix() {
		t.Errorf("timestamp %s, want the sandbox clock", got.Get("timestamp"))
	}
	app := goshopify.App{ApiSecret: testSecret}
	if ok, err := app.VerifyAuthorizationURL(loc); !ok || err != nil {
		t.Errorf("hmac does not verify with the app secret: %v", err)
	}
	if ok, _ := (goshopify.App{ApiSecret: "other"}).VerifyAuthorizationURL(loc); ok {
		t.Error("hmac verifies with another secret")
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		q    url.Values
	}{
		{"wrong client id", url.Values{"client_id": {"nope"}, "redirect_uri": {"https://app.example/cb"}}},
		{"no redirect", url.Values{"client_id": {testKey}}},
		{"relative redirect", url.Values{"client_id": {testKey}, "redirect_uri": {"/cb"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := e.client.Get("https://" + testShop + "/admin/oauth/authorize?" + tt.q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	}
}

// The code grant, sent as JSON the way go-shopify sends it: a code works
// once, and the offline token it gives calls the API.
func TestCodeGrantWithGoShopify(t *testing.T) {
	e := newEnv(t, nil)
	q := url.Values{"client_id": {testKey}, "scope": {"read_discounts"}, "redirect_uri": {"https://app.example/cb"}}
	resp, err := e.client.Get("https://" + testShop + "/admin/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")

	app := goshopify.App{ApiKey: testKey, ApiSecret: testSecret}
	client := goshopify.MustNewClient(app, testShop, "", goshopify.WithHTTPClient(e.client))
	app.Client = client
	tok, err := app.GetAccessToken(context.Background(), testShop, code)
	if err != nil || tok == "" {
		t.Fatalf("GetAccessToken: %q, %v", tok, err)
	}
	if _, err := app.GetAccessToken(context.Background(), testShop, code); err == nil {
		t.Error("a code was accepted twice")
	}
	if r := e.gql(t, tok, `{ shop { name } }`, nil); dig(r.Data, "shop", "name") != "Demo Store" {
		t.Errorf("token does not call the API: %d %s", r.Status, r.Raw)
	}
	if again := e.token(t); again != tok {
		t.Errorf("a second install gave another offline token (%s, then %s); Shopify returns the same one", tok, again)
	}
}

// With expiring=1 the code grant returns an access token for an hour and a
// refresh token for 90 days; the access token stops working on time.
func TestExpiringTokenLapses(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, "read_discounts", true)
	if tok.ExpiresIn != 3600 || tok.RefreshToken == "" || tok.RefreshTokenExpiresIn != 7776000 {
		t.Fatalf("token response %+v: want expires_in 3600, a refresh token, refresh_token_expires_in 7776000", tok)
	}
	if r := e.gql(t, tok.AccessToken, `{ shop { name } }`, nil); r.Status != http.StatusOK {
		t.Fatalf("fresh token refused: %d", r.Status)
	}
	e.clock.Advance(time.Hour)
	r := e.gql(t, tok.AccessToken, `{ shop { name } }`, nil)
	if r.Status != http.StatusUnauthorized || string(r.Raw) != `{"errors":"`+invalidToken+`"}`+"\n" {
		t.Errorf("lapsed token: %d %s, want 401 with Shopify's message", r.Status, r.Raw)
	}
}

// Refreshing rotates both tokens. The replaced refresh token may be retried
// (its answer could have been lost) until the app uses the replacement;
// from then on it is refused.
func TestRefreshRotation(t *testing.T) {
	e := newEnv(t, nil)
	first := e.grantCode(t, "read_discounts", true)
	refresh := func(rt string) (tokenResponse, int) {
		var out tokenResponse
		status := e.postForm(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {testKey}, "client_secret": {testSecret}}, &out)
		return out, status
	}
	e.clock.Advance(50 * time.Minute)
	second, status := refresh(first.RefreshToken)
	if status != http.StatusOK || second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh: %d %+v: want new access and refresh tokens", status, second)
	}
	if second.ExpiresIn != 3600 {
		t.Errorf("refreshed token expires in %d, want 3600", second.ExpiresIn)
	}
	if _, status := refresh(first.RefreshToken); status != http.StatusOK {
		t.Errorf("retrying the replaced refresh token before its replacement is used: %d, want 200", status)
	}
	if _, status := refresh(second.RefreshToken); status != http.StatusOK {
		t.Fatalf("using the replacement: %d", status)
	}
	if _, status := refresh(first.RefreshToken); status != http.StatusBadRequest {
		t.Errorf("old refresh token after its replacement was used: %d, want 400", status)
	}
	e.clock.Advance(61 * time.Minute)
	if r := e.gql(t, second.AccessToken, `{ shop { name } }`, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("refreshed access token after its hour: %d, want 401", r.Status)
	}
}

func TestRefreshTokenExpires(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, "read_discounts", true)
	e.clock.Advance(90*24*time.Hour + time.Second)
	status := e.postForm(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
		"client_id": {testKey}, "client_secret": {testSecret}}, nil)
	if status != http.StatusBadRequest {
		t.Errorf("refresh after 90 days: %d, want 400", status)
	}
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	exp := e.grantCode(t, "read_discounts", true)
	e.sb.RevokeTokens(testShop)
	for _, at := range []string{tok, exp.AccessToken} {
		if r := e.gql(t, at, `{ shop { name } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("revoked token: %d, want 401", r.Status)
		}
	}
	status := e.postForm(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {exp.RefreshToken},
		"client_id": {testKey}, "client_secret": {testSecret}}, nil)
	if status != http.StatusBadRequest {
		t.Errorf("revoked refresh token: %d, want 400", status)
	}
}

func TestTokenEndpointRefusesWrongClient(t *testing.T) {
	e := newEnv(t, nil)
	status := e.postForm(t, url.Values{"client_id": {testKey}, "client_secret": {"wrong"}, "code": {"x"}}, nil)
	if status != http.StatusUnauthorized {
		t.Errorf("wrong client secret: %d, want 401", status)
	}
}

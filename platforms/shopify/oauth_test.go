package shopify

import (
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A callback as Shopify sends it after the merchant approves
// (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant).
func callbackQuery(now time.Time) url.Values {
	return url.Values{
		"code":      {"0907a61c0c8d55e99db179b68161bc00"},
		"host":      {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc3VwZXItdG95cw"},
		"shop":      {"super-toys.myshopify.com"},
		"state":     {"0.6784241404160823"},
		"timestamp": {strconv.FormatInt(now.Unix(), 10)},
	}
}

func TestVerifyCallback(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	now := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		make func() url.Values
		ok   bool
	}{
		{"valid", func() url.Values { return SignCallback(callbackQuery(now), testSecret) }, true},
		{"valid, signed over the unescaped pairs", func() url.Values {
			q := callbackQuery(now)
			q.Set("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc3VwZXItdG95cw==")
			q.Set("hmac", unescapedHMAC(q, testSecret))
			return q
		}, true},
		{"altered parameter", func() url.Values {
			q := SignCallback(callbackQuery(now), testSecret)
			q.Set("code", "ffffa61c0c8d55e99db179b68161bc00")
			return q
		}, false},
		{"added parameter", func() url.Values {
			q := SignCallback(callbackQuery(now), testSecret)
			q.Set("extra", "1")
			return q
		}, false},
		{"wrong secret", func() url.Values { return SignCallback(callbackQuery(now), "not-the-secret") }, false},
		{"missing hmac", func() url.Values { return callbackQuery(now) }, false},
		{"two hmacs", func() url.Values {
			q := SignCallback(callbackQuery(now), testSecret)
			q.Add("hmac", q.Get("hmac"))
			return q
		}, false},
		{"stale timestamp", func() url.Values { return SignCallback(callbackQuery(now.Add(-6*time.Minute)), testSecret) }, false},
		{"timestamp from the future", func() url.Values { return SignCallback(callbackQuery(now.Add(6*time.Minute)), testSecret) }, false},
		{"timestamp within 5 minutes", func() url.Values { return SignCallback(callbackQuery(now.Add(-4*time.Minute)), testSecret) }, true},
		{"missing timestamp", func() url.Values {
			q := callbackQuery(now)
			q.Del("timestamp")
			return SignCallback(q, testSecret)
		}, false},
		{"bad shop domain", func() url.Values {
			q := callbackQuery(now)
			q.Set("shop", "super-toys.myshopify.com.evil.com")
			return SignCallback(q, testSecret)
		}, false},
		{"shop with a path", func() url.Values {
			q := callbackQuery(now)
			q.Set("shop", "super-toys.myshopify.com/admin")
			return SignCallback(q, testSecret)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop, err := a.VerifyCallback(tt.make(), now)
			if tt.ok {
				if err != nil || shop != "super-toys.myshopify.com" {
					t.Fatalf("VerifyCallback = %q, %v; want the shop", shop, err)
				}
				return
			}
			if !errors.Is(err, ErrCallback) || shop != "" {
				t.Fatalf("VerifyCallback = %q, %v; want ErrCallback", shop, err)
			}
		})
	}
}

// The worked examples of Shopify's OAuth documentation
// (https://help.shopify.com/api/guides/authentication/oauth#verification,
// the app secret "hush"), with and without state, and the same query
// tampered with.
func TestVerifyCallbackDocumentedExample(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: "hush"})
	now := time.Unix(1337178173, 0)
	tests := []struct {
		name  string
		query string
		ok    bool
	}{
		{"with state", "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173", true},
		{"without state, with the legacy signature", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=some-shop.myshopify.com&signature=11813d1e7bbf4629edcda0628a3f7a20&timestamp=1337178173", true},
		{"state changed", "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160824&timestamp=1337178173", false},
		{"state dropped", "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&timestamp=1337178173", false},
		{"another shop", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=other-shop.myshopify.com&timestamp=1337178173", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			shop, err := a.VerifyCallback(q, now)
			if tt.ok {
				if err != nil || shop != "some-shop.myshopify.com" {
					t.Fatalf("VerifyCallback = %q, %v; want the shop", shop, err)
				}
				return
			}
			if !errors.Is(err, ErrCallback) || shop != "" {
				t.Fatalf("VerifyCallback = %q, %v; want ErrCallback", shop, err)
			}
		})
	}
	q, _ := url.ParseQuery(tests[0].query)
	if _, err := a.VerifyCallback(q, now.Add(CallbackMaxAge+time.Second)); !errors.Is(err, ErrCallback) {
		t.Fatalf("the example received after %s: %v, want ErrCallback", CallbackMaxAge, err)
	}
}

// unescapedHMAC signs "k=v&k=v" without percent-encoding, as the
// documentation's worked example does.
func unescapedHMAC(q url.Values, secret string) string {
	return hex.EncodeToString(Sign([]byte(callbackMessages(q)[1]), []byte(secret)))
}

func TestVerifySessionToken(t *testing.T) {
	a := New(Config{APIKey: "app-key", APISecret: testSecret})
	now := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	shop := "super-toys.myshopify.com"
	sign := func(c jwt.Claims, m jwt.SigningMethod, key any) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	claims := func(edit func(*sessionClaims)) *sessionClaims {
		c := &sessionClaims{Dest: "https://" + shop, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "https://" + shop + "/admin", Audience: jwt.ClaimStrings{"app-key"}, Subject: "42",
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), NotBefore: jwt.NewNumericDate(now.Add(-time.Second)),
			IssuedAt: jwt.NewNumericDate(now.Add(-time.Second))}}
		if edit != nil {
			edit(c)
		}
		return c
	}
	hs := func(edit func(*sessionClaims)) string {
		return sign(claims(edit), jwt.SigningMethodHS256, []byte(testSecret))
	}
	tests := []struct {
		name, token string
		ok          bool
	}{
		{"valid", hs(nil), true},
		{"minted by MintSessionToken", MintSessionToken("app-key", testSecret, shop, now, time.Minute), true},
		{"wrong secret", sign(claims(nil), jwt.SigningMethodHS256, []byte("other")), false},
		{"HS512 is not HS256", sign(claims(nil), jwt.SigningMethodHS512, []byte(testSecret)), false},
		{"unsigned", sign(claims(nil), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType), false},
		{"other app's audience", hs(func(c *sessionClaims) { c.Audience = jwt.ClaimStrings{"someone-else"} }), false},
		{"expired", hs(func(c *sessionClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-11 * time.Second)) }), false},
		{"expired within leeway", hs(func(c *sessionClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-9 * time.Second)) }), true},
		{"no expiry", hs(func(c *sessionClaims) { c.ExpiresAt = nil }), false},
		{"not yet valid", hs(func(c *sessionClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(11 * time.Second)) }), false},
		{"not yet valid within leeway", hs(func(c *sessionClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(9 * time.Second)) }), true},
		{"dest not a shop", hs(func(c *sessionClaims) { c.Dest = "https://evil.com" }), false},
		{"dest over http", hs(func(c *sessionClaims) { c.Dest = "http://" + shop }), false},
		{"issuer of another shop", hs(func(c *sessionClaims) { c.Issuer = "https://other.myshopify.com/admin" }), false},
		{"garbage", "not.a.jwt", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.VerifySessionToken(tt.token, now)
			if tt.ok {
				if err != nil || got != shop {
					t.Fatalf("VerifySessionToken = %q, %v; want %q", got, err, shop)
				}
				return
			}
			if !errors.Is(err, ErrSessionToken) {
				t.Fatalf("VerifySessionToken = %q, %v; want ErrSessionToken", got, err)
			}
		})
	}
}

func TestAuthorizeURL(t *testing.T) {
	tests := []struct {
		name, base, wantPrefix string
		wantShopParam          bool
	}{
		{"real Shopify", "", "https://super-toys.myshopify.com/admin/oauth/authorize?", false},
		{"base URL", "http://127.0.0.1:9999", "http://127.0.0.1:9999/admin/oauth/authorize?", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Config{APIKey: "app-key", APISecret: testSecret, AppURL: "https://cc.example.com/", BaseURL: tt.base})
			got := a.AuthorizeURL("super-toys.myshopify.com", "st8")
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Fatalf("AuthorizeURL = %s", got)
			}
			u, _ := url.Parse(got)
			q := u.Query()
			want := map[string]string{"client_id": "app-key", "scope": "read_orders,read_discounts,write_discounts,read_products,read_shopify_payments_disputes",
				"redirect_uri": "https://cc.example.com/auth/shopify/callback", "state": "st8"}
			for k, v := range want {
				if q.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, q.Get(k), v)
				}
			}
			if q.Has("grant_options[]") {
				t.Error("asked for an online (per-user) token; want offline")
			}
			if (q.Get("shop") != "") != tt.wantShopParam {
				t.Errorf("shop parameter = %q", q.Get("shop"))
			}
		})
	}
}

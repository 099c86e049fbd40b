package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// apiKey is a key as /api/v1/api-keys shows it.
type apiKey struct {
	ID         uint64   `json:"id"`
	Name       string   `json:"name"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes"`
	Key        string   `json:"key"`
	LastUsedAt *string  `json:"last_used_at"`
	RevokedAt  *string  `json:"revoked_at"`
}

// newKey creates a key with these scopes using the tenant's full key.
func (v *env) newKey(owner tenant, name string, scopes ...string) apiKey {
	v.t.Helper()
	var k apiKey
	v.must(http.StatusCreated, "POST", "/api/v1/api-keys", owner.key, map[string]any{"name": name, "scopes": scopes}, &k)
	return k
}

func TestAPIKeyScopes(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Scoped Shop")
	reader := v.newKey(shop, "Dashboard script", "read")
	affWriter := v.newKey(shop, "Signup form", "affiliates:write")
	writer := v.newKey(shop, "Checkout", "write")

	v.check("the secret is shown at creation only", func(t *testing.T) {
		if !strings.HasPrefix(reader.Key, "cc_") || reader.Key[:10] != reader.Prefix {
			t.Fatalf("created key = %+v, want its secret starting with its prefix", reader)
		}
		var got listOf[apiKey]
		v.must(http.StatusOK, "GET", "/api/v1/api-keys", shop.key, nil, &got)
		if got.Count != 4 {
			t.Fatalf("listed %d keys, want 4 (the first key and three new)", got.Count)
		}
		for _, k := range got.Data {
			if k.Key != "" {
				t.Fatalf("listing shows a secret: %+v", k)
			}
		}
		if got.Data[0].Name != "Checkout" || strings.Join(got.Data[0].Scopes, " ") != "write" {
			t.Fatalf("newest key = %+v, want Checkout with scope write", got.Data[0])
		}
	})
	cases := []struct {
		key          apiKey
		method, path string
		body         any
		want         int
	}{
		{reader, "GET", "/api/v1/affiliates", nil, 200},
		{reader, "GET", "/api/v1/ledger", nil, 200},
		{reader, "POST", "/api/v1/affiliates", map[string]string{"name": "Ann"}, 403},
		{reader, "POST", "/api/v1/orders", map[string]string{}, 403},
		{reader, "GET", "/api/v1/api-keys", nil, 403},
		{affWriter, "POST", "/api/v1/affiliates", map[string]string{"name": "Ann", "email": "ann@example.com"}, 201},
		{affWriter, "GET", "/api/v1/affiliates", nil, 200},
		{affWriter, "GET", "/api/v1/codes", nil, 403},
		{writer, "POST", "/api/v1/affiliates", map[string]string{"name": "Bo", "email": "bo@example.com"}, 201},
		{writer, "POST", "/api/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"full"}}, 403},
		{writer, "DELETE", fmt.Sprintf("/api/v1/api-keys/%d", reader.ID), nil, 403},
	}
	for _, tc := range cases {
		v.check(tc.key.Name+" "+tc.method+" "+tc.path, func(t *testing.T) {
			rec := v.call(tc.method, tc.path, tc.key.Key, tc.body)
			if rec.Code != tc.want {
				t.Fatalf("%d %s, want %d", rec.Code, rec.Body.String(), tc.want)
			}
			if tc.want == 403 {
				if msg := errorOf(t, rec); !strings.Contains(msg, "needs the scope") || !strings.Contains(msg, tc.key.Name) {
					t.Fatalf("403 says %q, want the key's name and the scope it needs", msg)
				}
			}
		})
	}
	v.check("a key's use is noted", func(t *testing.T) {
		var got listOf[apiKey]
		v.must(http.StatusOK, "GET", "/api/v1/api-keys", shop.key, nil, &got)
		for _, k := range got.Data {
			if k.ID == reader.ID && k.LastUsedAt == nil {
				t.Fatalf("the reader key was used but shows no last_used_at: %+v", k)
			}
		}
	})
}

func TestAPIKeyCannotMintMoreThanItHolds(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Minting Shop")
	keeper := v.newKey(shop, "Key keeper", "keys:write", "orders:write")
	cases := []struct {
		scopes []string
		want   int
	}{
		{[]string{"orders:write"}, 201},
		{[]string{"orders:read", "keys:read"}, 201},
		{[]string{"full"}, 403},
		{[]string{"write"}, 403},
		{[]string{"read"}, 403},
		{[]string{"affiliates:read"}, 403},
	}
	for _, tc := range cases {
		rec := v.call("POST", "/api/v1/api-keys", keeper.Key, map[string]any{"name": "minted", "scopes": tc.scopes})
		if rec.Code != tc.want {
			t.Errorf("keys:write orders:write key making %v: %d %s, want %d", tc.scopes, rec.Code, rec.Body, tc.want)
		}
	}
	// The admin's own full key may grant anything.
	v.newKey(shop, "Anything", "full")
}

func TestAPIKeyCreateRefusesBadInput(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Careful Shop")
	cases := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "", "scopes": []string{"read"}}, "name"},
		{map[string]any{"name": "x", "scopes": []string{}}, "scopes"},
		{map[string]any{"name": "x", "scopes": []string{"orders:delete"}}, "scopes"},
		{map[string]any{"name": "x", "scopes": []string{"everything"}}, "scopes"},
	}
	for _, tc := range cases {
		rec := v.call("POST", "/api/v1/api-keys", shop.key, tc.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+tc.field+`"`) {
			t.Errorf("%v: %d %s, want 400 about %s", tc.body, rec.Code, rec.Body.String(), tc.field)
		}
	}
	var got listOf[apiKey]
	v.must(http.StatusOK, "GET", "/api/v1/api-keys", shop.key, nil, &got)
	if got.Count != 1 {
		t.Fatalf("%d keys after refused creations, want only the first", got.Count)
	}
}

func TestAPIKeyRevoke(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Revoking Shop"), v.tenant("Other Shop")
	script := v.newKey(shop, "Old script", "read")
	v.must(http.StatusOK, "GET", "/api/v1/affiliates", script.Key, nil, nil)

	v.step("another account cannot revoke it nor see it", func(t *testing.T) {
		rec := v.call("DELETE", fmt.Sprintf("/api/v1/api-keys/%d", script.ID), other.key, nil)
		if rec.Code != http.StatusNotFound {
			t.Fatalf("other tenant's revoke: %d %s, want 404", rec.Code, rec.Body.String())
		}
		v.must(http.StatusOK, "GET", "/api/v1/affiliates", script.Key, nil, nil)
		var got listOf[apiKey]
		v.must(http.StatusOK, "GET", "/api/v1/api-keys", other.key, nil, &got)
		for _, k := range got.Data {
			if k.ID == script.ID {
				t.Fatalf("another account lists the key: %+v", k)
			}
		}
	})
	v.step("revoked, it is refused with 401 at once", func(t *testing.T) {
		var k apiKey
		v.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/api-keys/%d", script.ID), shop.key, nil, &k)
		if k.RevokedAt == nil {
			t.Fatalf("revoked key shows no revoked_at: %+v", k)
		}
		rec := v.call("GET", "/api/v1/affiliates", script.Key, nil)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(errorOf(t, rec), "revoked") {
			t.Fatalf("revoked key: %d %s, want 401 saying revoked", rec.Code, rec.Body.String())
		}
		v.must(http.StatusOK, "GET", "/api/v1/affiliates", shop.key, nil, nil)
	})
	v.check("an unknown key id is a 404", func(t *testing.T) {
		if rec := v.call("DELETE", "/api/v1/api-keys/999999", shop.key, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("%d %s, want 404", rec.Code, rec.Body.String())
		}
	})
}

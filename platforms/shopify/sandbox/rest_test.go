package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

func (e *env) goshopify(tok string) *goshopify.Client {
	app := goshopify.App{ApiKey: testKey, ApiSecret: testSecret}
	return goshopify.MustNewClient(app, testShop, tok, goshopify.WithHTTPClient(e.client), goshopify.WithVersion(APIVersion))
}

func (e *env) restGet(t *testing.T, tok, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "https://"+testShop+"/admin/api/"+APIVersion+path, nil)
	req.Header.Set("X-Shopify-Access-Token", tok)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The REST leaky bucket: 40 calls fill it, the 41st is a 429 with
// Retry-After (Shopify's "2.0"), and it leaks 2 calls a second.
func TestRESTRateLimit(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	for i := 1; i <= 40; i++ {
		resp := e.restGet(t, tok, "/shop.json")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Shopify-Shop-Api-Call-Limit") != fmt.Sprintf("%d/40", i) {
			t.Fatalf("call %d: %d, call limit %q", i, resp.StatusCode, resp.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
		}
	}
	resp := e.restGet(t, tok, "/shop.json")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2.0" || resp.Header.Get("X-Shopify-Shop-Api-Call-Limit") != "40/40" {
		t.Fatalf("41st call: %d, Retry-After %q, limit %q; want 429, 2.0, 40/40", resp.StatusCode,
			resp.Header.Get("Retry-After"), resp.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
	}
	_, err := e.goshopify(tok).Shop.Get(context.Background(), nil)
	var rl goshopify.RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("go-shopify reads the 429 as %v, want a RateLimitError", err)
	}
	e.clock.Advance(500 * time.Millisecond)
	if resp := e.restGet(t, tok, "/shop.json"); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Shopify-Shop-Api-Call-Limit") != "40/40" {
		t.Errorf("half a second later: %d %q", resp.StatusCode, resp.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
	}
	e.clock.Advance(10 * time.Second)
	if resp := e.restGet(t, tok, "/shop.json"); resp.Header.Get("X-Shopify-Shop-Api-Call-Limit") != "21/40" {
		t.Errorf("after 10s the bucket leaked 20 calls: limit %q, want 21/40", resp.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
	}
}

// go-shopify's REST services work against the sandbox unchanged.
func TestRESTWithGoShopify(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	c := e.goshopify(tok)
	ctx := context.Background()
	shop, err := c.Shop.Get(ctx, nil)
	if err != nil || shop.MyshopifyDomain != testShop || shop.Currency != "USD" || shop.Name != "Demo Store" {
		t.Fatalf("shop: %+v, %v", shop, err)
	}
	hook, err := c.Webhook.Create(ctx, goshopify.Webhook{Topic: "orders/paid", Address: "https://app.example/webhooks/shopify", Format: "json"})
	if err != nil || hook.Id == 0 || hook.ApiVersion != APIVersion {
		t.Fatalf("create webhook: %+v, %v", hook, err)
	}
	if _, err := c.Webhook.Create(ctx, goshopify.Webhook{Topic: "orders/paid", Address: "https://app.example/webhooks/shopify"}); err == nil {
		t.Error("the same address was subscribed twice to a topic")
	}
	if _, err := c.Webhook.Create(ctx, goshopify.Webhook{Topic: "customers/redact", Address: "https://app.example/webhooks/shopify"}); err == nil {
		t.Error("a compliance topic was subscribed through the API")
	}
	list, err := c.Webhook.List(ctx, nil)
	if err != nil || len(list) != 1 || list[0].Topic != "orders/paid" {
		t.Fatalf("list webhooks: %+v, %v", list, err)
	}
	if err := c.Webhook.Delete(ctx, hook.Id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if list, _ := c.Webhook.List(ctx, nil); len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
	scopes, err := c.AccessScopes.List(ctx, nil)
	if err != nil || len(scopes) != 3 {
		t.Errorf("access scopes: %+v, %v", scopes, err)
	}
	if _, err := e.goshopify("wrong").Shop.Get(ctx, nil); err == nil {
		t.Error("a wrong token was accepted")
	}
}

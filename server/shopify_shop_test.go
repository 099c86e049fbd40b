package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// deliver posts a delivery signed with the app's secret, as Shopify
// would, with header as X-Shopify-Shop-Domain, and returns the status.
func (w *shopifyWorld) deliver(topic, header, event, body string) int {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.app.URL+"/webhooks/shopify", strings.NewReader(body))
	req.Header.Set(shopify.HeaderHmac, base64.StdEncoding.EncodeToString(shopify.Sign([]byte(body), []byte(sandbox.DefaultAPISecret))))
	req.Header.Set(shopify.HeaderTopic, topic)
	req.Header.Set(shopify.HeaderShopDomain, header)
	req.Header.Set(shopify.HeaderEventID, event)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The HMAC covers the body only: a delivery Shopify signed for one shop,
// replayed with another shop's X-Shopify-Shop-Domain, is refused and
// changes nothing; the same delivery for its own shop is carried out.
func TestShopifyDeliveryActsOnTheShopItNames(t *testing.T) {
	w := newShopifyWorld(t, 3)
	victim := w.install()
	other := "someone-else.myshopify.com"
	redact := func(shop string) string { return fmt.Sprintf(`{"shop_id":954889,"shop_domain":%q}`, shop) }
	uninstalled := func(shop string) string {
		return fmt.Sprintf(`{"id":690933842,"name":"Shop","domain":"shop.example","myshopify_domain":%q}`, shop)
	}
	before := count(w.store, &models.WebhookEvent{})
	for _, d := range []struct{ topic, body string }{
		{shopify.TopicShopRedact, redact(other)},
		{shopify.TopicAppUninstalled, uninstalled(other)},
		{shopify.TopicCustomersRedact, `{"shop_domain":"` + other + `","customer":{"id":1,"email":"a@b.c"}}`},
	} {
		if got := w.deliver(d.topic, w.shop, "forged-"+d.topic, d.body); got != http.StatusUnauthorized {
			t.Fatalf("%s for %s sent as %s: %d, want 401", d.topic, other, w.shop, got)
		}
	}
	conn, err := w.store.ConnectionBySource(context.Background(), platforms.Shopify, w.shop)
	if err != nil || conn.Status != models.ConnectionActive || count(w.store, &models.WebhookEvent{}) != before {
		t.Fatalf("after refused deliveries: connection %+v, %v; events %d, want %d", conn, err, count(w.store, &models.WebhookEvent{}), before)
	}
	if _, err := w.store.GetAccount(context.Background(), victim.AccountID); err != nil {
		t.Fatalf("the account is gone after a refused shop/redact: %v", err)
	}

	if got := w.deliver(shopify.TopicAppUninstalled, w.shop, "own-uninstall", uninstalled(w.shop)); got != http.StatusOK {
		t.Fatalf("app/uninstalled for its own shop: %d", got)
	}
	w.waitUntil("the uninstall", func() bool {
		c, err := w.store.ConnectionBySource(context.Background(), platforms.Shopify, w.shop)
		return err == nil && c.Status == models.ConnectionUninstalled
	})
	if got := w.deliver(shopify.TopicShopRedact, w.shop, "own-redact", redact(w.shop)); got != http.StatusOK {
		t.Fatalf("shop/redact for its own shop: %d", got)
	}
	w.waitUntil("the erasure", func() bool {
		_, err := w.store.GetAccount(context.Background(), victim.AccountID)
		return errors.Is(err, models.ErrNotFound)
	})
}

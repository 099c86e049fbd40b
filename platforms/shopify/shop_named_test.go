package shopify

import (
	"errors"
	"testing"
	"time"

	"codecredit/platforms"
)

// The shop a delivery acts on is the one its body names, where it names
// one; otherwise the header's. A body that should name its shop but
// does not is refused.
func TestVerifyWebhookActsOnTheShopTheBodyNames(t *testing.T) {
	a := New(Config{APIKey: "key", APISecret: testSecret})
	const header = "super-toys.myshopify.com"
	tests := []struct {
		name, topic, body, want string // want "" means ErrPayload
	}{
		{"orders/paid names no shop", TopicOrdersPaid, `{"id":1}`, header},
		{"shop/redact for the header's shop", TopicShopRedact, `{"shop_id":1,"shop_domain":"Super-Toys.myshopify.com"}`, header},
		{"shop/redact for another shop", TopicShopRedact, `{"shop_id":2,"shop_domain":"other.myshopify.com"}`, "other.myshopify.com"},
		{"customers/redact for another shop", TopicCustomersRedact, `{"shop_domain":"other.myshopify.com","customer":{"id":1}}`, "other.myshopify.com"},
		{"data_request for another shop", TopicCustomersDataRequest, `{"shop_domain":"other.myshopify.com","customer":{"id":1}}`, "other.myshopify.com"},
		{"shop/redact by id only", TopicShopRedact, `{"shop_id":1}`, ""},
		{"shop/redact naming nothing", TopicShopRedact, `{}`, ""},
		{"shop/redact naming a non-Shopify host", TopicShopRedact, `{"shop_domain":"evil.example"}`, ""},
		{"app/uninstalled by myshopify_domain", TopicAppUninstalled, `{"domain":"toys.example","myshopify_domain":"other.myshopify.com"}`, "other.myshopify.com"},
		{"app/uninstalled by domain", TopicAppUninstalled, `{"domain":"other.myshopify.com"}`, "other.myshopify.com"},
		{"app/uninstalled by a custom domain only", TopicAppUninstalled, `{"domain":"toys.example"}`, ""},
		{"app/uninstalled not an object", TopicAppUninstalled, `[]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			h := deliveryHeaders(body, testSecret)
			h.Set(HeaderTopic, tt.topic)
			h.Set(HeaderShopDomain, header)
			wh, err := a.VerifyWebhook(h, body, []byte(testSecret), time.Now())
			if tt.want == "" {
				if !errors.Is(err, platforms.ErrPayload) {
					t.Fatalf("VerifyWebhook = %+v, %v; want ErrPayload", wh, err)
				}
				return
			}
			if err != nil || wh.Source != tt.want {
				t.Fatalf("VerifyWebhook source = %q, %v; want %q", wh.Source, err, tt.want)
			}
		})
	}
}

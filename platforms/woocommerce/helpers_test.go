package woocommerce_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce"
)

// fixture reads a recorded payload; testdata/SOURCES.md cites the
// documentation each one follows.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deliveryHeader is the header set WC_Webhook::deliver sends, signed with secret.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
func deliveryHeader(topic string, body []byte, secret string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "WooCommerce/8.5.0 Hookshot (WordPress/6.4.2)")
	h.Set(woocommerce.HeaderSource, "https://shop.example/")
	h.Set(woocommerce.HeaderTopic, topic)
	h.Set(woocommerce.HeaderResource, "order")
	h.Set(woocommerce.HeaderEvent, "created")
	h.Set(woocommerce.HeaderSignature, sign(body, secret))
	h.Set(woocommerce.HeaderWebhookID, "142")
	h.Set(woocommerce.HeaderDeliveryID, "9001")
	return h
}

// withRefunds is a recorded order body with its refunds[] replaced by a
// recorded GET /orders/{id}/refunds answer, as the worker enriches it.
func withRefunds(t testing.TB, orderFile, refundsFile string) []byte {
	t.Helper()
	var order map[string]json.RawMessage
	if err := json.Unmarshal(fixture(t, orderFile), &order); err != nil {
		t.Fatal(err)
	}
	order["refunds"] = fixture(t, refundsFile)
	body, err := json.Marshal(order)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func sign(body []byte, secret string) string {
	return base64.StdEncoding.EncodeToString(woocommerce.Sign(body, []byte(secret)))
}

func newAdapter() *woocommerce.Adapter {
	return woocommerce.New(woocommerce.Config{AppURL: "https://app.codecredit.test"})
}

// dump renders events for failure messages.
func dump(events []platforms.Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "\n  %s", e.Kind)
		switch {
		case e.Order != nil:
			fmt.Fprintf(&b, " %+v", *e.Order)
		case e.Refund != nil:
			fmt.Fprintf(&b, " %+v", *e.Refund)
		case e.Code != nil:
			fmt.Fprintf(&b, " %+v", *e.Code)
		}
	}
	return b.String()
}

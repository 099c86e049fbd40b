package shopify

import (
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

// fixtureTopics maps each recorded payload in testdata to its topic.
var fixtureTopics = map[string]string{
	"orders_paid.json": TopicOrdersPaid, "orders_paid_multi_code.json": TopicOrdersPaid,
	"orders_paid_test.json": TopicOrdersPaid, "orders_paid_zero.json": TopicOrdersPaid,
	"orders_paid_jpy.json": TopicOrdersPaid, "orders_paid_taxes_included.json": TopicOrdersPaid,
	"orders_paid_vat_shipping.json": TopicOrdersPaid,
	"orders_cancelled.json":         TopicOrdersCancelled, "refunds_create_partial.json": TopicRefundsCreate,
	"refunds_create_shipping_only.json": TopicRefundsCreate, "discounts_create.json": TopicDiscountsCreate,
	"discounts_update.json": TopicDiscountsUpdate, "discounts_delete.json": TopicDiscountsDelete,
	"discounts_create_automatic.json": TopicDiscountsCreate, "app_uninstalled.json": TopicAppUninstalled,
	"customers_data_request.json": TopicCustomersDataRequest, "customers_redact.json": TopicCustomersRedact,
	"shop_redact.json": TopicShopRedact, "disputes_create_chargeback.json": TopicDisputesCreate,
	"disputes_create_inquiry.json": TopicDisputesCreate, "disputes_update_won.json": TopicDisputesUpdate,
	"disputes_update_lost.json": TopicDisputesUpdate, "disputes_update_charge_refunded.json": TopicDisputesUpdate,
	"subscription_contracts_create.json": TopicSubscriptionContractsCreate,
	"subscription_contracts_update.json": TopicSubscriptionContractsUpdate,
	"subscription_contracts_cancel.json": TopicSubscriptionContractsCancel,
}

func TestEveryFixtureHasATopic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		if _, ok := fixtureTopics[filepath.Base(f)]; !ok {
			t.Errorf("%s has no topic in fixtureTopics", f)
		}
	}
}

func seedFixtures(f *testing.F, add func(topic string, body []byte)) {
	for name, topic := range fixtureTopics {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		add(topic, b)
	}
}

// FuzzParseWebhook: any body under any topic either parses into
// well-formed events or fails with ErrPayload; it never panics.
func FuzzParseWebhook(f *testing.F) {
	seedFixtures(f, func(topic string, body []byte) { f.Add(topic, body) })
	f.Add(TopicOrdersPaid, []byte(`{"id":1,"currency":"USD","processed_at":"2026-01-01T00:00:00Z","line_items":[{"price":"1e30","quantity":9223372036854775807}]}`))
	f.Add(TopicRefundsCreate, []byte(`{"id":1,"order_id":2,"refund_line_items":[{"subtotal":"-5"}]}`))
	f.Add(TopicOrdersPaid, []byte(`{"id":1,"currency":"EUR","taxes_included":true,"processed_at":"2026-01-01T00:00:00Z","line_items":[{"id":3,"price":"10.00","quantity":2,"tax_lines":[{"price":"25.00"}],"discount_allocations":[{"amount":"1.00"}]}],"shipping_lines":[{"price":"4.00","tax_lines":[{"price":"9"}],"discount_allocations":[{"amount":"1"}]}]}`))
	f.Add(TopicRefundsCreate, []byte(`{"id":1,"order_id":2,"created_at":"2026-01-01T00:00:00Z","refund_line_items":[{"line_item_id":3,"quantity":1,"subtotal":"0.004"},{"line_item_id":3,"quantity":1,"subtotal":"2"}]}`))
	f.Fuzz(func(t *testing.T, topic string, body []byte) {
		events, err := ParseWebhook(topic, body)
		if err != nil {
			if !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("error %v is not ErrPayload", err)
			}
			return
		}
		for _, e := range events {
			checkEvent(t, e)
		}
	})
}

func checkEvent(t *testing.T, e platforms.Event) {
	t.Helper()
	switch e.Kind {
	case platforms.KindOrderPaid:
		if e.Order == nil || e.Order.ExternalID == "" || len(e.Order.Currency) != 3 || e.Order.Subtotal < 0 || e.Order.PlacedAt.IsZero() {
			t.Fatalf("malformed order %+v", e.Order)
		}
		checkLines(t, e.Order)
	case platforms.KindOrderRefunded, platforms.KindOrderCancelled:
		if e.Refund == nil || e.Refund.ExternalID == "" || e.Refund.OrderExternalID == "" || e.Refund.CreatedAt.IsZero() {
			t.Fatalf("malformed refund %+v", e.Refund)
		}
		// A refund gives back goods (Subtotal) or, for a chargeback, money only (Amount).
		if e.Kind == platforms.KindOrderRefunded && e.Refund.Subtotal <= 0 && e.Refund.Amount <= 0 {
			t.Fatalf("refund event with nothing refunded: %+v", e.Refund)
		}
		checkRefundLines(t, e.Refund)
	case platforms.KindRefundUndone:
		if e.Refund == nil || !strings.HasPrefix(e.Refund.ExternalID, DisputeRefundPrefix) || e.Refund.OrderExternalID == "" || e.Refund.Reason == "" {
			t.Fatalf("malformed undo %+v", e.Refund)
		}
	case platforms.KindCodeChanged:
		if e.Code == nil || !strings.HasPrefix(e.Code.PlatformID, gidCodeDiscount) {
			t.Fatalf("malformed code change %+v", e.Code)
		}
	case platforms.KindPrivacy:
		if e.Privacy == nil || e.Privacy.Action == "" {
			t.Fatalf("malformed privacy request %+v", e.Privacy)
		}
	case platforms.KindAppUninstalled:
	default:
		t.Fatalf("unknown kind %q", e.Kind)
	}
}

// FuzzVerifyWebhook: a delivery verifies only when its signature is the
// HMAC of exactly its body; tampering with either never passes.
func FuzzVerifyWebhook(f *testing.F) {
	seedFixtures(f, func(_ string, body []byte) { f.Add(body, sign64(body, testSecret), false) })
	f.Add([]byte(`{}`), "", true)
	f.Add([]byte(`{"a":1}`), "not base64!", false)
	a := New(Config{APIKey: "key", APISecret: testSecret})
	f.Fuzz(func(t *testing.T, body []byte, sig string, useRealSig bool) {
		h := http.Header{}
		h.Set(HeaderTopic, TopicOrdersPaid)
		h.Set(HeaderShopDomain, "super-toys.myshopify.com")
		if useRealSig {
			sig = sign64(body, testSecret)
		}
		h.Set(HeaderHmac, sig)
		wh, err := a.VerifyWebhook(h, body, []byte(testSecret), time.Unix(0, 0))
		want := len(body) > 0 && decodesTo(sig, Sign(body, []byte(testSecret)))
		if (err == nil) != want {
			t.Fatalf("VerifyWebhook(%q, %q) = %v; want valid %v", body, sig, err, want)
		}
		if err == nil && (wh.EventID == "" || wh.Topic != TopicOrdersPaid) {
			t.Fatalf("verified webhook %+v lacks an event id or topic", wh)
		}
	})
}

func decodesTo(sig string, mac []byte) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	return err == nil && string(got) == string(mac)
}

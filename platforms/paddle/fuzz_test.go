package paddle

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codecredit/platforms"
)

// FuzzWebhook feeds arbitrary bodies and signature headers through the
// signature check and the parser: neither may panic, a body that verifies
// must carry a topic and event id, every parse error is ErrPayload, and
// an order's or a refund's lines add up to its subtotal, and a
// subscription passes CheckSubscription.
// The seeds are the recorded samples in testdata, each correctly signed.
func FuzzWebhook(f *testing.F) {
	secret := []byte("pdl_ntfset_fuzz_secret")
	now := time.Unix(1712917130, 0)
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body, SignatureHeaderValue(now, body, secret))
	}
	f.Add([]byte("{}"), "ts=1712917130;h1=00")
	f.Add([]byte(""), "")
	a := New(Config{})
	topics := append([]string{"customer.created"}, Topics...)
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		wh, err := a.VerifyWebhook(http.Header{SignatureHeader: {header}}, body, secret, now)
		switch {
		case err == nil && (wh.Topic == "" || wh.EventID == ""):
			t.Fatalf("verified a delivery without topic or event id: %+v", wh)
		case err != nil && !errors.Is(err, platforms.ErrSignature) && !errors.Is(err, platforms.ErrPayload):
			t.Fatalf("unexpected error kind: %v", err)
		}
		for _, topic := range topics {
			events, err := a.ParseWebhook(topic, body)
			if err != nil && !errors.Is(err, platforms.ErrPayload) {
				t.Fatalf("parse %s: error %v is not ErrPayload", topic, err)
			}
			for _, e := range events {
				checkEvent(t, e)
			}
		}
	})
}

// checkEvent asserts what the engine relies on in a parsed event.
func checkEvent(t *testing.T, e platforms.Event) {
	switch e.Kind {
	case platforms.KindOrderPaid:
		if e.Order == nil || e.Order.ExternalID == "" || len(e.Order.Currency) != 3 || e.Order.Subtotal < 0 || e.Order.PlacedAt.IsZero() {
			t.Fatalf("bad order %+v", e.Order)
		}
		checkOrderLines(t, e.Order)
	case platforms.KindOrderRefunded, platforms.KindRefundUndone:
		if e.Refund == nil || e.Refund.ExternalID == "" || e.Refund.OrderExternalID == "" || e.Refund.Subtotal < 0 {
			t.Fatalf("bad refund %+v", e.Refund)
		}
		checkRefundLines(t, e.Refund)
	case platforms.KindCodeChanged:
		if e.Code == nil || e.Code.PlatformID == "" {
			t.Fatalf("bad code change %+v", e.Code)
		}
	case platforms.KindSubscription:
		if e.Subscription == nil || platforms.CheckSubscription(e.Subscription) != nil || len(e.Subscription.Currency) != 3 {
			t.Fatalf("bad subscription %+v", e.Subscription)
		}
	default:
		t.Fatalf("unexpected event kind %q", e.Kind)
	}
}

// checkOrderLines asserts an order's lines pass CheckLines, their Net
// adds up to the subtotal, and nothing is put on shipping.
func checkOrderLines(t *testing.T, o *platforms.Order) {
	if err := platforms.CheckLines(o.Lines); err != nil {
		t.Fatalf("order %s: %v", o.ExternalID, err)
	}
	var net int64
	for _, l := range o.Lines {
		net += l.Net(o.TaxesIncluded)
	}
	if len(o.Lines) > 0 && net != o.Subtotal || o.Shipping != 0 || o.Tax < 0 {
		t.Fatalf("order %s: lines come to %d, subtotal %d, shipping %d, tax %d", o.ExternalID, net, o.Subtotal, o.Shipping, o.Tax)
	}
}

// checkRefundLines asserts a refund's lines name a line each, once, and
// add up to its subtotal.
func checkRefundLines(t *testing.T, r *platforms.Refund) {
	var sum int64
	seen := map[string]bool{}
	for _, l := range r.Lines {
		if l.LineID == "" || seen[l.LineID] || l.Subtotal <= 0 || l.Quantity < 0 {
			t.Fatalf("refund %s: bad line %+v", r.ExternalID, l)
		}
		seen[l.LineID], sum = true, sum+l.Subtotal
	}
	if len(r.Lines) > 0 && sum != r.Subtotal {
		t.Fatalf("refund %s: lines come to %d, subtotal %d", r.ExternalID, sum, r.Subtotal)
	}
}

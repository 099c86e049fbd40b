package paypal_test

import (
	"os"
	"testing"

	"codecredit/platforms/paypal"
)

// FuzzParseEvent: no body makes the parser panic, and an item it accepts
// has a non-negative amount.
func FuzzParseEvent(f *testing.F) {
	if b, err := os.ReadFile("testdata/webhook_payouts_item_succeeded.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"id":"WH-1","event_type":"PAYMENT.PAYOUTSBATCH.SUCCESS","resource":{"batch_header":{"payout_batch_id":"B"}}}`))
	f.Add([]byte(`{"id":"WH-2","event_type":"PAYMENT.PAYOUTS-ITEM.FAILED","resource":{"payout_item_id":"I","payout_item":{"amount":{"currency":"JPY","value":"1e9"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := paypal.ParseEvent(body)
		if err == nil && ev.Item != nil && ev.Item.Amount < 0 {
			t.Errorf("negative amount accepted: %+v", ev.Item)
		}
	})
}

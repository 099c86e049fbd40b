package sandbox_test

import (
	"bytes"
	"net/http"
	"testing"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms/paddle/sandbox"
)

// The sandbox signs its notifications as Paddle does: the Paddle SDK's own
// verifier accepts the Paddle-Signature under the destination's secret only.
func TestSignatureAgreesWithPaddleSDK(t *testing.T) {
	body := []byte(`{"event_id":"evt_01","event_type":"transaction.completed","data":{}}`)
	sig := sandbox.Signature("pdl_ntfset_endpoint", 1712924600, body)
	for _, tt := range []struct {
		secret string
		ok     bool
	}{{"pdl_ntfset_endpoint", true}, {"pdl_ntfset_other", false}} {
		req, err := http.NewRequest(http.MethodPost, "/webhooks/paddle", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Paddle-Signature", sig)
		ok, err := paddlesdk.NewWebhookVerifier(tt.secret).Verify(req)
		if err != nil || ok != tt.ok {
			t.Errorf("SDK Verify under %s = %v, %v; want %v", tt.secret, ok, err, tt.ok)
		}
	}
}

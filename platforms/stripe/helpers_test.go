package stripe

import (
	"encoding/json"
	"net/http"
	"time"

	"codecredit/platforms"
)

var jsonUnmarshal = json.Unmarshal

// signed is a Stripe-Signature header for body under the secret "k" at the
// fixtures' time.
func signed(body []byte) http.Header {
	return http.Header{SignatureHeader: {SignatureHeaderValue(time.Unix(1775124000, 0), body, "k")}}
}

// dump renders events for a failure message.
func dump(events []platforms.Event) string {
	b, _ := json.MarshalIndent(events, "", "  ")
	return string(b)
}

package jobs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// SignWebhook is the webhook-signature header of a delivery under the
// Standard Webhooks scheme: for each secret ("whsec_" and the base64 of
// the key), "v1," and the base64 HMAC-SHA256 of "id.timestamp.body",
// separated by spaces (two while a rotated-out secret still signs).
func SignWebhook(secrets []string, id string, timestamp int64, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil || len(key) == 0 {
			return "", fmt.Errorf("jobs: webhook secret is not whsec_ and base64: %v", err)
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

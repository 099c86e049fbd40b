package paddle

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
)

// Connect checks a merchant's API key and registers our webhook
// destination on their Paddle account. The returned Conn's ExternalID is
// the connection key in the destination URL; its credentials hold the API
// key, the destination's signing secret and its id. Connecting the same
// Paddle account again (a new key, a reinstall) finds our destination
// there and reuses its connection key, so it is the same connection, not
// a second one that would credit every order twice. A refused key is
// platforms.ErrUnauthorized; a refusal to create the destination (Paddle's
// limit of destinations reached) is a *platforms.RejectedError.
func (a *Adapter) Connect(ctx context.Context, apiKey string) (platforms.Conn, error) {
	apiKey = strings.TrimSpace(apiKey)
	if apiKey == "" {
		return platforms.Conn{}, &platforms.RejectedError{Reason: "a Paddle API key is required"}
	}
	if a.cfg.AppURL == "" {
		return platforms.Conn{}, errors.New("paddle: no app URL to receive webhooks at")
	}
	client, err := a.sdk(apiKey)
	if err != nil {
		return platforms.Conn{}, err
	}
	if err := a.checkKey(ctx, client); err != nil {
		return platforms.Conn{}, err
	}
	setting, key, err := a.ensureDestination(ctx, client)
	if err != nil {
		return platforms.Conn{}, err
	}
	if setting.EndpointSecretKey == "" {
		return platforms.Conn{}, errors.New("paddle: the notification destination came back without its secret key")
	}
	return platforms.Conn{ExternalID: key, Credentials: map[string]string{
		CredAPIKey:              apiKey,
		CredWebhookSecret:       setting.EndpointSecretKey,
		CredNotificationSetting: setting.ID,
	}}, nil
}

// checkKey makes the cheapest authenticated call: listing event types
// needs a valid key and no particular permission.
func (a *Adapter) checkKey(ctx context.Context, client *paddlesdk.SDK) error {
	ctx, info := track(ctx)
	if _, err := client.ListEventTypes(ctx, &paddlesdk.ListEventTypesRequest{}); err != nil {
		return a.apiError("check API key", info, err)
	}
	return nil
}

// keyAlphabet is what connection keys are made of, like Paddle's own ids.
const keyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewConnectionKey returns a fresh random connection key, "cc_" and 26
// lower-case letters and digits.
func NewConnectionKey() string {
	b := make([]byte, 26)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("paddle: no randomness: %v", err))
	}
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return "cc_" + string(b)
}

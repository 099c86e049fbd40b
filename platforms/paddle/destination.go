package paddle

import (
	"context"
	"net/url"
	"slices"
	"strings"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
)

// ensureDestination returns our notification destination on the account
// and its connection key: the one already there (reactivated and
// subscribed to our topics if needed), or a new one.
func (a *Adapter) ensureDestination(ctx context.Context, client *paddlesdk.SDK) (*paddlesdk.NotificationSetting, string, error) {
	setting, key, err := a.findDestination(ctx, client)
	if err != nil {
		return nil, "", err
	}
	if setting == nil {
		key = NewConnectionKey()
		setting, err = a.createDestination(ctx, client, key)
		return setting, key, err
	}
	if setting.Active && subscribedToAll(setting) {
		return setting, key, nil
	}
	ctx, info := track(ctx)
	updated, err := client.UpdateNotificationSetting(ctx, &paddlesdk.UpdateNotificationSettingRequest{
		NotificationSettingID: setting.ID,
		Active:                paddlesdk.NewPatchField(true),
		SubscribedEvents:      paddlesdk.NewPatchField(topicNames()),
	})
	if err != nil {
		return nil, "", a.apiError("update notification destination", info, err)
	}
	return updated, key, nil
}

// findDestination looks for a url destination pointing at our webhook
// route, and reads its connection key.
func (a *Adapter) findDestination(ctx context.Context, client *paddlesdk.SDK) (*paddlesdk.NotificationSetting, string, error) {
	ctx, info := track(ctx)
	col, err := client.ListNotificationSettings(ctx, &paddlesdk.ListNotificationSettingsRequest{})
	if err != nil {
		return nil, "", a.apiError("list notification destinations", info, err)
	}
	prefix := a.WebhookURL("")
	prefix = prefix[:strings.Index(prefix, "?")+1]
	var found *paddlesdk.NotificationSetting
	var key string
	err = col.IterErr(ctx, func(ns *paddlesdk.NotificationSetting) error {
		if ns.Type != paddlesdk.NotificationSettingTypeURL || !strings.HasPrefix(ns.Destination, prefix) {
			return nil
		}
		u, err := url.Parse(ns.Destination)
		if k := u.Query().Get(ConnectionParam); err == nil && k != "" && (found == nil || (ns.Active && !found.Active)) {
			found, key = ns, k
		}
		return nil
	})
	if err != nil {
		return nil, "", a.apiError("list notification destinations", info, err)
	}
	return found, key, nil
}

// createDestination registers AppURL/webhooks/paddle?c=key for our topics.
func (a *Adapter) createDestination(ctx context.Context, client *paddlesdk.SDK, key string) (*paddlesdk.NotificationSetting, error) {
	version, sensitive, traffic := 1, false, paddlesdk.TrafficSourcePlatform
	ctx, info := track(ctx)
	setting, err := client.CreateNotificationSetting(ctx, &paddlesdk.CreateNotificationSettingRequest{
		Description:            "Codecredit: orders, refunds, discount codes and subscriptions",
		Destination:            a.WebhookURL(key),
		SubscribedEvents:       topicNames(),
		Type:                   paddlesdk.NotificationSettingTypeURL,
		APIVersion:             &version,
		IncludeSensitiveFields: &sensitive,
		TrafficSource:          &traffic,
	})
	if err == nil {
		return setting, nil
	}
	if info.status != 429 && info.status != 401 && info.status != 403 {
		if r := rejection(info, err); r != nil {
			return nil, r
		}
	}
	return nil, a.apiError("create notification destination", info, err)
}

// Disconnect removes our notification destination from the merchant's
// Paddle account, for a merchant disconnecting Paddle. A destination
// already gone is not an error.
func (a *Adapter) Disconnect(ctx context.Context, c *platforms.Conn) error {
	id := c.Credentials[CredNotificationSetting]
	if id == "" {
		return nil
	}
	client, err := a.sdkFor(c)
	if err != nil {
		return err
	}
	ctx, info := track(ctx)
	err = client.DeleteNotificationSetting(ctx, &paddlesdk.DeleteNotificationSettingRequest{NotificationSettingID: id})
	if err != nil && info.status != 404 {
		return a.apiError("delete notification destination", info, err)
	}
	return nil
}

func topicNames() []paddlesdk.EventTypeName {
	out := make([]paddlesdk.EventTypeName, len(Topics))
	for i, t := range Topics {
		out[i] = paddlesdk.EventTypeName(t)
	}
	return out
}

func subscribedToAll(ns *paddlesdk.NotificationSetting) bool {
	for _, t := range Topics {
		if !slices.ContainsFunc(ns.SubscribedEvents, func(e paddlesdk.EventType) bool { return string(e.Name) == t }) {
			return false
		}
	}
	return true
}

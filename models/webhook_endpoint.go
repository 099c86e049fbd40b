// Outgoing webhooks: the endpoints a merchant registers, each with the
// event types it wants and its signing secret. What is sent lives in
// webhook_outbox.go; how a delivery goes, in webhook_delivery.go.

package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Outgoing webhook event types: the one list of what an endpoint may
// subscribe to.
const (
	HookConversionCreated  = "conversion.created"  // an order was credited to an affiliate
	HookCommissionReversed = "commission.reversed" // a refund took commission back (in part or whole)
	HookCommissionApproved = "commission.approved" // a conversion's hold ended: its commission is payable
	HookPayoutPaid         = "payout.paid"         // a payout was paid (by hand, or confirmed by its platform)
	HookPayoutFailed       = "payout.failed"       // a platform did not pay a payout: the money is back in the balance
	HookCodeAssigned       = "code.assigned"       // a code was given to an affiliate (new, or moved from another)
	HookAffiliateCreated   = "affiliate.created"   // an affiliate joined the program
	// HookTest is sent by "Send test event" only; nobody subscribes to it.
	HookTest = "webhook.test"
)

// WebhookEventTypes lists the event types an endpoint may subscribe to.
var WebhookEventTypes = []string{HookConversionCreated, HookCommissionReversed, HookCommissionApproved,
	HookPayoutPaid, HookPayoutFailed, HookCodeAssigned, HookAffiliateCreated}

// Limits of webhook endpoints.
const (
	maxWebhookEndpoints = 20
	maxWebhookURL       = 2000
	maxWebhookDesc      = 200
	// secretOverlap is how long a rotated-out secret still signs, next to
	// the new one, so receivers can switch without losing deliveries.
	secretOverlap = 24 * time.Hour
)

// WebhookEndpoint is where an account's events are posted. Secret signs
// every delivery (Standard Webhooks, "whsec_" and base64); it is stored
// encrypted and shown only when asked for one endpoint.
type WebhookEndpoint struct {
	ID          uint64   `gorm:"primaryKey" json:"id"`
	AccountID   uint64   `gorm:"not null;index" json:"-"`
	URL         string   `gorm:"not null" json:"url"`
	Description string   `gorm:"not null;default:''" json:"description"`
	Events      []string `gorm:"type:text;serializer:json;not null" json:"events"`
	Enabled     bool     `gorm:"not null" json:"enabled"`
	// Secret is filled in by GetWebhookEndpoint and on create or rotate.
	Secret          string     `gorm:"-" json:"secret,omitempty"`
	SecretEnc       []byte     `gorm:"not null" json:"-"`
	PrevSecretEnc   []byte     `json:"-"`
	PrevSecretUntil *time.Time `json:"previous_secret_until,omitempty"`
	// FailureStreak counts failed attempts in a row since FailingSince;
	// a success resets both. A long run disables the endpoint.
	FailureStreak  int        `gorm:"not null;default:0" json:"failure_streak"`
	FailingSince   *time.Time `json:"failing_since,omitempty"`
	DisabledReason string     `gorm:"not null;default:''" json:"disabled_reason,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// WebhookEndpointInput creates or replaces an endpoint. Enabled nil keeps
// it as it is (enabled for a new one).
type WebhookEndpointInput struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	Enabled     *bool    `json:"enabled"`
}

// check cleans in: a URL with an http(s) scheme and a host (the server's
// egress policy judges the address itself), known event types, each once.
func (in *WebhookEndpointInput) check() error {
	in.URL, in.Description = strings.TrimSpace(in.URL), strings.TrimSpace(in.Description)
	u, err := url.Parse(in.URL)
	switch {
	case in.URL == "":
		return withField("url", invalidf("url is required"))
	case len(in.URL) > maxWebhookURL:
		return withField("url", invalidf("url is longer than %d characters", maxWebhookURL))
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return withField("url", invalidf("url must be an https:// address"))
	case len(in.Description) > maxWebhookDesc:
		return withField("description", invalidf("description is longer than %d characters", maxWebhookDesc))
	case len(in.Events) == 0:
		return withField("events", invalidf("choose at least one event type"))
	}
	var events []string
	for _, e := range in.Events {
		if !slices.Contains(WebhookEventTypes, e) {
			return withField("events", invalidf("unknown event type %q: use %s", e, strings.Join(WebhookEventTypes, ", ")))
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	in.Events = events
	return nil
}

// newWebhookSecret is a fresh "whsec_" secret: 24 random bytes, base64.
func newWebhookSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}

// ListWebhookEndpoints lists an account's endpoints, oldest first, without
// their secrets.
func (s *Store) ListWebhookEndpoints(ctx context.Context, accountID uint64) ([]WebhookEndpoint, error) {
	out := []WebhookEndpoint{}
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id").Find(&out).Error
	return out, wrapErr("list webhook endpoints", err)
}

// GetWebhookEndpoint loads one of the account's endpoints with its secret.
func (s *Store) GetWebhookEndpoint(ctx context.Context, accountID, id uint64) (*WebhookEndpoint, error) {
	var ep WebhookEndpoint
	if err := first(s.db.WithContext(ctx), &ep, "webhook endpoint", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get webhook endpoint", err)
	}
	return &ep, wrapErr("get webhook endpoint", s.openSecret(&ep))
}

// CreateWebhookEndpoint registers an endpoint with a new secret, which the
// result shows.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, accountID uint64, in WebhookEndpointInput) (*WebhookEndpoint, error) {
	if err := in.check(); err != nil {
		return nil, wrapErr("create webhook endpoint", err)
	}
	ep := WebhookEndpoint{AccountID: accountID, URL: in.URL, Description: in.Description, Events: in.Events,
		Enabled: in.Enabled == nil || *in.Enabled}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&WebhookEndpoint{}).Where("account_id = ?", accountID).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxWebhookEndpoints {
			return conflictf("an account has at most %d webhook endpoints: delete one first", maxWebhookEndpoints)
		}
		if err := s.setSecret(&ep); err != nil {
			return err
		}
		return tx.Create(&ep).Error
	})
	if err != nil {
		return nil, wrapErr("create webhook endpoint", err)
	}
	return &ep, nil
}

// UpdateWebhookEndpoint replaces an endpoint's URL, description and event
// types, and enables or disables it. Enabling it again clears its run of
// failures.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, accountID, id uint64, in WebhookEndpointInput) (*WebhookEndpoint, error) {
	if err := in.check(); err != nil {
		return nil, wrapErr("update webhook endpoint", err)
	}
	ep, err := s.GetWebhookEndpoint(ctx, accountID, id)
	if err != nil {
		return nil, wrapErr("update webhook endpoint", err)
	}
	ep.URL, ep.Description, ep.Events, ep.UpdatedAt = in.URL, in.Description, in.Events, s.now()
	cols := []string{"url", "description", "events", "updated_at"}
	if in.Enabled != nil {
		if *in.Enabled && !ep.Enabled {
			ep.FailureStreak, ep.FailingSince, ep.DisabledReason = 0, nil, ""
			cols = append(cols, "failure_streak", "failing_since", "disabled_reason")
		}
		ep.Enabled = *in.Enabled
		cols = append(cols, "enabled")
	}
	if err := s.db.WithContext(ctx).Model(ep).Select(cols).Updates(ep).Error; err != nil {
		return nil, wrapErr("update webhook endpoint", err)
	}
	return ep, nil
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, accountID, id uint64) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND account_id = ?", id, accountID).Delete(&WebhookEndpoint{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("webhook endpoint")
		}
		if err := tx.Where("endpoint_id = ?", id).Delete(&WebhookAttempt{}).Error; err != nil {
			return err
		}
		return tx.Where("endpoint_id = ?", id).Delete(&WebhookDelivery{}).Error
	})
	return wrapErr("delete webhook endpoint", err)
}

// RotateWebhookSecret gives an endpoint a new secret; for a day the old one
// signs too (a second signature), so a receiver can switch without a gap.
func (s *Store) RotateWebhookSecret(ctx context.Context, accountID, id uint64) (*WebhookEndpoint, error) {
	ep, err := s.GetWebhookEndpoint(ctx, accountID, id)
	if err != nil {
		return nil, wrapErr("rotate webhook secret", err)
	}
	prev, until := ep.SecretEnc, s.now().Add(secretOverlap)
	if err := s.setSecret(ep); err != nil {
		return nil, wrapErr("rotate webhook secret", err)
	}
	err = s.db.WithContext(ctx).Model(&WebhookEndpoint{}).Where("id = ? AND account_id = ?", id, accountID).
		Updates(map[string]any{"secret_enc": ep.SecretEnc, "prev_secret_enc": prev, "prev_secret_until": until, "updated_at": s.now()}).Error
	if err != nil {
		return nil, wrapErr("rotate webhook secret", err)
	}
	ep.PrevSecretUntil = &until
	return ep, nil
}

// WebhookSecrets are the secrets an endpoint signs with now: its own, and
// the one rotated out while the overlap lasts.
func (s *Store) WebhookSecrets(ep *WebhookEndpoint) ([]string, error) {
	if err := s.openSecret(ep); err != nil {
		return nil, wrapErr("webhook secrets", err)
	}
	out := []string{ep.Secret}
	if len(ep.PrevSecretEnc) > 0 && ep.PrevSecretUntil != nil && ep.PrevSecretUntil.After(s.now()) {
		prev, err := s.cipher.Decrypt(ep.PrevSecretEnc)
		if err != nil {
			return nil, wrapErr("webhook secrets", err)
		}
		out = append(out, string(prev))
	}
	return out, nil
}

// setSecret gives ep a new secret, in clear and encrypted.
func (s *Store) setSecret(ep *WebhookEndpoint) error {
	secret, err := newWebhookSecret()
	if err != nil {
		return err
	}
	enc, err := s.cipher.Encrypt([]byte(secret))
	if err != nil {
		return err
	}
	ep.Secret, ep.SecretEnc = secret, enc
	return nil
}

// openSecret decrypts ep's secret into ep.Secret.
func (s *Store) openSecret(ep *WebhookEndpoint) error {
	plain, err := s.cipher.Decrypt(ep.SecretEnc)
	if err != nil {
		return err
	}
	ep.Secret = string(plain)
	return nil
}

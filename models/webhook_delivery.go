package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The life of a webhook delivery: found due, claimed for one attempt,
// the attempt recorded. An endpoint failing for long is disabled and its
// merchant told by email.

// WebhookDisablePolicy says when a failing endpoint is disabled: after
// Failures failed attempts in a row spanning at least Age.
type WebhookDisablePolicy struct {
	Failures int
	Age      time.Duration
}

// WebhookResult is what one attempt got.
type WebhookResult struct {
	StatusCode int
	Duration   time.Duration
	Err        string // transport error, or why the attempt was refused
	Response   string // the start of the answer's body
}

// ok reports a 2xx answer.
func (r WebhookResult) ok() bool { return r.Err == "" && r.StatusCode >= 200 && r.StatusCode < 300 }

// maxResponseKept is how much of an answer's body an attempt keeps.
const maxResponseKept = 1024

// DueWebhookDeliveries lists deliveries whose next attempt is due, or
// whose attempt's lease ran out (a worker died mid-delivery), oldest first.
func (s *Store) DueWebhookDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, error) {
	now := s.now()
	var out []WebhookDelivery
	err := s.db.WithContext(ctx).Select("id", "attempts").
		Where("(status = ? AND next_attempt_at <= ?) OR (status = ? AND locked_until < ?)", DeliveryPending, now, DeliverySending, now).
		Order("next_attempt_at").Limit(limit).Find(&out).Error
	return out, wrapErr("due webhook deliveries", err)
}

// ClaimWebhookDelivery takes a due delivery for one attempt of at most
// lease, counting the attempt, and loads its endpoint. It returns nil when
// there is nothing to do: not due, taken by another worker, or failed now
// because its endpoint was disabled or deleted.
func (s *Store) ClaimWebhookDelivery(ctx context.Context, id uint64, lease time.Duration) (*WebhookDelivery, *WebhookEndpoint, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	res := db.Model(&WebhookDelivery{}).
		Where("id = ? AND ((status = ? AND next_attempt_at <= ?) OR (status = ? AND locked_until < ?))", id, DeliveryPending, now, DeliverySending, now).
		Updates(map[string]any{"status": DeliverySending, "attempts": gorm.Expr("attempts + 1"), "locked_until": now.Add(lease), "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, nil, wrapErr("claim webhook delivery", res.Error)
	}
	var d WebhookDelivery
	if err := first(db, &d, "webhook delivery", id); err != nil {
		return nil, nil, wrapErr("claim webhook delivery", err)
	}
	var ep WebhookEndpoint
	err := first(db, &ep, "webhook endpoint", "id = ? AND account_id = ?", d.EndpointID, d.AccountID)
	if err == nil && ep.Enabled {
		return &d, &ep, nil
	}
	cause := "the endpoint is disabled"
	if err != nil {
		cause = "the endpoint was deleted"
	}
	err = db.Model(&d).Updates(map[string]any{"status": DeliveryFailed, "last_error": cause, "locked_until": nil, "updated_at": now}).Error
	return nil, nil, wrapErr("claim webhook delivery", err)
}

// RecordWebhookAttempt keeps an attempt's result: the delivery is
// delivered, pending again at next, or failed when next is nil. A failure
// adds to the endpoint's run of failures; a run as long as policy says
// disables it and writes an email to the merchant, whose id it returns
// (0 for none).
func (s *Store) RecordWebhookAttempt(ctx context.Context, d *WebhookDelivery, r WebhookResult, next *time.Time, policy WebhookDisablePolicy) (uint64, error) {
	if len(r.Response) > maxResponseKept {
		r.Response = r.Response[:maxResponseKept]
	}
	r.Response = strings.ReplaceAll(strings.ToValidUTF8(r.Response, "?"), "\x00", "")
	now := s.now()
	var emailID uint64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		emailID = 0
		a := WebhookAttempt{DeliveryID: d.ID, EndpointID: d.EndpointID, Attempt: d.Attempts, StatusCode: r.StatusCode,
			DurationMS: r.Duration.Milliseconds(), Error: truncateText(r.Err), Response: r.Response, CreatedAt: now}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		up := map[string]any{"last_status": r.StatusCode, "last_error": truncateText(r.Err), "locked_until": nil, "updated_at": now}
		switch {
		case r.ok():
			up["status"], up["delivered_at"], up["last_error"] = DeliveryDelivered, now, ""
		case next != nil:
			up["status"], up["next_attempt_at"] = DeliveryPending, *next
		default:
			up["status"] = DeliveryFailed
		}
		if r.ok() {
			if err := tx.Model(d).Updates(up).Error; err != nil {
				return err
			}
			return tx.Model(&WebhookEndpoint{}).Where("id = ?", d.EndpointID).
				Updates(map[string]any{"failure_streak": 0, "failing_since": nil}).Error
		}
		if r.StatusCode != 0 && r.Err == "" {
			up["last_error"] = fmt.Sprintf("the endpoint answered %d", r.StatusCode)
		}
		if err := tx.Model(d).Updates(up).Error; err != nil {
			return err
		}
		var err error
		emailID, err = s.countFailure(tx, d.EndpointID, policy, now)
		return err
	})
	return emailID, wrapErr("record webhook attempt", err)
}

// countFailure adds a failed attempt to an endpoint's run, and disables it
// when the run is long enough, telling the merchant.
func (s *Store) countFailure(tx *gorm.DB, endpointID uint64, policy WebhookDisablePolicy, now time.Time) (uint64, error) {
	var ep WebhookEndpoint
	if err := s.forUpdate(tx).Take(&ep, endpointID).Error; err != nil {
		return 0, err
	}
	ep.FailureStreak++
	if ep.FailingSince == nil {
		ep.FailingSince = &now
	}
	up := map[string]any{"failure_streak": ep.FailureStreak, "failing_since": ep.FailingSince}
	disable := ep.Enabled && policy.Failures > 0 && ep.FailureStreak >= policy.Failures && now.Sub(*ep.FailingSince) >= policy.Age
	if disable {
		up["enabled"] = false
		up["disabled_reason"] = fmt.Sprintf("disabled after %d failed deliveries in a row since %s",
			ep.FailureStreak, ep.FailingSince.Format("2006-01-02 15:04 UTC"))
	}
	if err := tx.Model(&ep).Updates(up).Error; err != nil || !disable {
		return 0, err
	}
	ep.DisabledReason = up["disabled_reason"].(string)
	return writeDisabledEmail(tx, &ep)
}

// KindWebhookDisabled is the email telling a merchant an endpoint was disabled.
const KindWebhookDisabled = "webhook_disabled"

// writeDisabledEmail tells the merchant an endpoint was disabled; 0 when
// the account has no address.
func writeDisabledEmail(tx *gorm.DB, ep *WebhookEndpoint) (uint64, error) {
	var acct Account
	if err := tx.Take(&acct, ep.AccountID).Error; err != nil || acct.Email == "" {
		return 0, err
	}
	text := fmt.Sprintf("Your webhook endpoint %s was %s, so nothing more is sent to it.\n\n"+
		"Fix the endpoint, then enable it again under Webhooks in Codecredit; events from now on will be sent. "+
		"Each failed delivery and its answer are listed there.\n", ep.URL, ep.DisabledReason)
	row := OutboxEmail{AccountID: acct.ID, Kind: KindWebhookDisabled, To: acct.Email, ToName: acct.Name, FromName: "Codecredit",
		Subject: "A webhook endpoint was disabled", Text: text, HTML: "<p>" + html.EscapeString(text) + "</p>",
		Status: EmailQueued, DedupKey: fmt.Sprintf("webhook-disabled:%d:%d", ep.ID, ep.FailingSince.Unix())}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return row.ID, nil
}

// SendTestWebhook writes a webhook.test event for one enabled endpoint of
// the account; the worker delivers it like any other.
func (s *Store) SendTestWebhook(ctx context.Context, accountID, endpointID uint64) (*WebhookDelivery, error) {
	ep, err := s.GetWebhookEndpoint(ctx, accountID, endpointID)
	if err != nil {
		return nil, wrapErr("send test webhook", err)
	}
	if !ep.Enabled {
		return nil, wrapErr("send test webhook", conflictf("the endpoint is disabled: enable it first"))
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, wrapErr("send test webhook", err)
	}
	now := s.now()
	ev := hookEvent{accountID: accountID, typ: HookTest, key: hex.EncodeToString(b),
		data: map[string]any{"endpoint_id": ep.ID, "message": "A test event from Codecredit."}}
	targets := hookTargets{accountID: {{ID: ep.ID, AccountID: accountID, Events: []string{HookTest}}}}
	if err := emitHooks(s.db.WithContext(ctx), targets, now, ev); err != nil {
		return nil, wrapErr("send test webhook", err)
	}
	var d WebhookDelivery
	err = s.db.WithContext(ctx).Where("endpoint_id = ? AND event_id = ?", ep.ID, ev.eventID()).Take(&d).Error
	return &d, wrapErr("send test webhook", err)
}

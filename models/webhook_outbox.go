// The webhook outbox: an event is written, one row per endpoint that
// wants it, in the transaction of the ledger change it announces, so that
// none is lost and none is sent for a change rolled back. The delivery
// job (jobs/webhook_deliver.go) posts each row until it succeeds or gives
// up. emitHooks is the one place rows are written.

package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Delivery statuses (WebhookDelivery.Status).
const (
	DeliveryPending   = "pending"   // waiting for its next attempt (NextAttemptAt)
	DeliverySending   = "sending"   // an attempt is under way (until LockedUntil)
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // every attempt failed, or the endpoint was disabled or refused
)

// WebhookDelivery is one event for one endpoint. EventID is the event's
// own id, the same for every endpoint and every attempt: the webhook-id
// a receiver dedupes on. The delivery log reads an endpoint's rows newest
// first on (endpoint_id, id).
type WebhookDelivery struct {
	ID            uint64     `gorm:"primaryKey;index:idx_webhook_delivery_log,priority:2" json:"id"`
	AccountID     uint64     `gorm:"not null" json:"-"`
	EndpointID    uint64     `gorm:"not null;uniqueIndex:idx_webhook_delivery_event;index:idx_webhook_delivery_log,priority:1" json:"endpoint_id"`
	EventID       string     `gorm:"size:40;not null;uniqueIndex:idx_webhook_delivery_event" json:"event_id"`
	EventType     string     `gorm:"size:40;not null" json:"event_type"`
	Payload       string     `gorm:"not null" json:"-"`
	Status        string     `gorm:"size:16;not null;index:idx_webhook_delivery_due,priority:1" json:"status"`
	Attempts      int        `gorm:"not null;default:0" json:"attempts"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_webhook_delivery_due,priority:2" json:"next_attempt_at"`
	LockedUntil   *time.Time `json:"-"`
	LastStatus    int        `gorm:"not null;default:0" json:"last_status_code"`
	LastError     string     `gorm:"not null;default:''" json:"last_error,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// WebhookAttempt is one try at a delivery: what the endpoint answered (its
// status code and the start of its body) or the error, and how long it took.
type WebhookAttempt struct {
	ID         uint64    `gorm:"primaryKey" json:"id"`
	DeliveryID uint64    `gorm:"not null;index" json:"delivery_id"`
	EndpointID uint64    `gorm:"not null;index" json:"-"`
	Attempt    int       `gorm:"not null" json:"attempt"`
	StatusCode int       `gorm:"not null;default:0" json:"status_code"`
	DurationMS int64     `gorm:"not null;default:0" json:"duration_ms"`
	Error      string    `gorm:"not null;default:''" json:"error,omitempty"`
	Response   string    `gorm:"not null;default:''" json:"response,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// WebhookModels lists the outgoing webhooks' tables.
func WebhookModels() []any {
	return []any{&WebhookEndpoint{}, &WebhookDelivery{}, &WebhookAttempt{}}
}

// WebhookPayload is the body of every delivery (the Standard Webhooks
// shape): the event type, when it happened, and the object it is about as
// the API shows it.
type WebhookPayload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// hookEvent is an event about to be written to the outbox. Key names what
// happened within the account and type ("conversion:12"), so that writing
// it again (a retried transaction) gives the same event id.
type hookEvent struct {
	accountID uint64
	typ       string
	key       string
	data      any
}

// eventID is the stable id of an event: "msg_" and 32 hex digits.
func (e hookEvent) eventID() string {
	sum := sha256.Sum256([]byte(strconv.FormatUint(e.accountID, 10) + "\x00" + e.typ + "\x00" + e.key))
	return "msg_" + hex.EncodeToString(sum[:16])
}

// hookTargets caches, for one transaction or batch, each account's enabled
// endpoints (id and event types); nil is a fresh cache.
type hookTargets map[uint64][]WebhookEndpoint

// load fetches the enabled endpoints of the accounts not cached yet, with
// one query.
func (h hookTargets) load(tx *gorm.DB, accounts []uint64) error {
	var missing []uint64
	for _, a := range accounts {
		if _, ok := h[a]; !ok && !slices.Contains(missing, a) {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var rows []WebhookEndpoint
	if err := tx.Select("id", "account_id", "events").Where("account_id IN ? AND enabled = ?", missing, true).
		Find(&rows).Error; err != nil {
		return err
	}
	for _, a := range missing {
		h[a] = nil
	}
	for _, r := range rows {
		h[r.AccountID] = append(h[r.AccountID], r)
	}
	return nil
}

// wants reports whether the account has an enabled endpoint subscribed to
// typ.
func (h hookTargets) wants(tx *gorm.DB, accountID uint64, typ string) (bool, error) {
	if err := h.load(tx, []uint64{accountID}); err != nil {
		return false, err
	}
	for _, ep := range h[accountID] {
		if slices.Contains(ep.Events, typ) {
			return true, nil
		}
	}
	return false, nil
}

// emitHooks writes evs to the outbox in tx, one row per enabled endpoint
// subscribed to each event's type, with one statement; an account with no
// such endpoint costs one cached lookup and writes nothing. targets may
// be nil (a lookup for this call only).
func emitHooks(tx *gorm.DB, targets hookTargets, now time.Time, evs ...hookEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if targets == nil {
		targets = hookTargets{}
	}
	accounts := make([]uint64, 0, 1)
	for _, e := range evs {
		accounts = append(accounts, e.accountID)
	}
	if err := targets.load(tx, accounts); err != nil {
		return err
	}
	var rows []WebhookDelivery
	for _, e := range evs {
		var body []byte
		for _, ep := range targets[e.accountID] {
			if !slices.Contains(ep.Events, e.typ) {
				continue
			}
			if body == nil {
				var err error
				if body, err = json.Marshal(WebhookPayload{Type: e.typ, Timestamp: now, Data: e.data}); err != nil {
					return err
				}
			}
			rows = append(rows, WebhookDelivery{AccountID: e.accountID, EndpointID: ep.ID, EventID: e.eventID(),
				EventType: e.typ, Payload: string(body), Status: DeliveryPending, NextAttemptAt: now})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 1000).Error
}

// conversionHooks are the events of conversions just created.
func conversionHooks(typ string, convs ...*Conversion) []hookEvent {
	out := make([]hookEvent, 0, len(convs))
	for _, c := range convs {
		out = append(out, hookEvent{accountID: c.AccountID, typ: typ, key: strconv.FormatUint(c.ID, 10), data: c})
	}
	return out
}

package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// SubscriptionState is a platform subscription's latest state, whoever
// brought it: the recurring revenue reports read these, joined to the
// Subscription that links one to the affiliate who brought it.
type SubscriptionState struct {
	ID            uint64     `gorm:"primaryKey" json:"id"`
	AccountID     uint64     `gorm:"not null;index" json:"-"`
	ConnectionID  uint64     `gorm:"not null;uniqueIndex:idx_subscription_state" json:"connection_id"`
	ExternalID    string     `gorm:"not null;uniqueIndex:idx_subscription_state" json:"subscription_id"`
	CustomerID    string     `gorm:"not null;default:''" json:"customer_id,omitempty"`
	CustomerEmail string     `gorm:"not null;default:''" json:"customer_email,omitempty"`
	Status        string     `gorm:"size:16;not null" json:"status"`
	Currency      string     `gorm:"size:3;not null" json:"currency"`
	Amount        int64      `gorm:"not null" json:"amount"`
	Interval      string     `gorm:"size:8;not null" json:"interval"`
	IntervalCount int64      `gorm:"not null" json:"interval_count"`
	MonthlyAmount int64      `gorm:"not null" json:"monthly_amount"`
	StartedAt     time.Time  `gorm:"not null" json:"started_at"`
	CanceledAt    *time.Time `json:"canceled_at,omitempty"`
	ChangedAt     time.Time  `gorm:"not null" json:"changed_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Movements of recurring revenue (SubscriptionMovement.Kind).
const (
	MovementNew          = "new"          // a subscription starts paying
	MovementExpansion    = "expansion"    // pays more a month
	MovementContraction  = "contraction"  // pays less a month, still paying
	MovementChurn        = "churn"        // stops paying (canceled, paused, ended)
	MovementReactivation = "reactivation" // pays again after stopping
)

// SubscriptionMovement is one change of a subscription's monthly
// recurring revenue, at the time the platform says it happened.
type SubscriptionMovement struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	AccountID    uint64    `gorm:"not null;index:idx_movement_account_at" json:"-"`
	ConnectionID uint64    `gorm:"not null;index:idx_movement_subscription" json:"connection_id"`
	ExternalID   string    `gorm:"not null;index:idx_movement_subscription" json:"subscription_id"`
	At           time.Time `gorm:"not null;index:idx_movement_account_at" json:"at"`
	Kind         string    `gorm:"size:16;not null" json:"kind"`
	Currency     string    `gorm:"size:3;not null" json:"currency"`
	From         int64     `gorm:"not null" json:"from"` // monthly, before
	To           int64     `gorm:"not null" json:"to"`   // monthly, after
	CreatedAt    time.Time `json:"created_at"`
}

// recurring is what a subscription in state st adds to monthly recurring
// revenue: its monthly amount while it pays (active, or past due until it
// ends), nothing otherwise.
func recurring(status string, monthly int64) int64 {
	if status == platforms.SubscriptionActive || status == platforms.SubscriptionPastDue {
		return monthly
	}
	return 0
}

// ApplySubscription keeps a subscription's latest state and records the
// movement of recurring revenue it makes. A state older than the one kept
// (by ChangedAt), or the same again, changes nothing; so do states of an
// inactive connection.
func (s *Store) ApplySubscription(ctx context.Context, connectionID uint64, sub platforms.Subscription) error {
	if err := platforms.CheckSubscription(&sub); err != nil {
		return wrapErr("apply subscription", invalidf("%s", strings.TrimPrefix(err.Error(), platforms.ErrPayload.Error()+": ")))
	}
	sub.Currency = strings.ToUpper(sub.Currency)
	if !ValidCurrency(sub.Currency) {
		return wrapErr("apply subscription", invalidf("subscription %s: currency %q is not an ISO 4217 code", sub.ExternalID, sub.Currency))
	}
	conn, err := s.GetConnection(ctx, connectionID)
	if err != nil || conn.Status != ConnectionActive {
		return wrapErr("apply subscription", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "subscription", strconv.FormatUint(conn.ID, 10), sub.ExternalID); err != nil {
			return err
		}
		var old SubscriptionState
		err := s.forUpdate(tx).Where("connection_id = ? AND external_id = ?", conn.ID, sub.ExternalID).Take(&old).Error
		found := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if found && !sub.ChangedAt.After(old.ChangedAt) {
			return nil // older or the same: the state kept stands
		}
		st := stateOf(conn, sub)
		if found {
			st.ID, st.CreatedAt = old.ID, old.CreatedAt
		}
		if err := tx.Save(&st).Error; err != nil {
			return err
		}
		if err := linkFirstOrder(tx, conn, sub); err != nil {
			return err
		}
		from := int64(0)
		if found {
			from = recurring(old.Status, old.MonthlyAmount)
		}
		return s.recordMovement(tx, &st, from)
	})
	return wrapErr("apply subscription", err)
}

func stateOf(conn *Connection, sub platforms.Subscription) SubscriptionState {
	st := SubscriptionState{AccountID: conn.AccountID, ConnectionID: conn.ID, ExternalID: sub.ExternalID,
		CustomerID: sub.CustomerID, CustomerEmail: strings.TrimSpace(sub.CustomerEmail), Status: sub.Status,
		Currency: sub.Currency, Amount: sub.Amount, Interval: sub.Interval, IntervalCount: sub.IntervalCount,
		MonthlyAmount: sub.MonthlyAmount, StartedAt: sub.StartedAt.UTC(), ChangedAt: sub.ChangedAt.UTC()}
	if !sub.CanceledAt.IsZero() {
		t := sub.CanceledAt.UTC()
		st.CanceledAt = &t
	}
	return st
}

// recordMovement records the change of recurring revenue from from to
// the state's, if any. A subscription stops paying at its plan's amount
// (a cancellation or a pause leaves the plan as it was), so one that
// stops at another amount than the state kept changed plan in between, in
// a state never reported to us (its webhook lost, the state read back by
// reconciliation): that change is booked first, at the same time, so the
// months show the expansion or contraction and then the churn of the
// whole plan, as they would had each state arrived.
func (s *Store) recordMovement(tx *gorm.DB, st *SubscriptionState, from int64) error {
	to := recurring(st.Status, st.MonthlyAmount)
	if from > 0 && to == 0 && st.MonthlyAmount > 0 && st.MonthlyAmount != from {
		if err := s.createMovement(tx, st, from, st.MonthlyAmount); err != nil {
			return err
		}
		from = st.MonthlyAmount
	}
	if to == from {
		return nil
	}
	return s.createMovement(tx, st, from, to)
}

// createMovement records one movement of recurring revenue, its kind
// told by from and to (and, from nothing, by earlier movements).
func (s *Store) createMovement(tx *gorm.DB, st *SubscriptionState, from, to int64) error {
	kind := MovementExpansion
	switch {
	case from == 0:
		var earlier int64
		if err := tx.Model(&SubscriptionMovement{}).Where("connection_id = ? AND external_id = ?", st.ConnectionID, st.ExternalID).
			Count(&earlier).Error; err != nil {
			return err
		}
		kind = MovementNew
		if earlier > 0 {
			kind = MovementReactivation
		}
	case to == 0:
		kind = MovementChurn
	case to < from:
		kind = MovementContraction
	}
	return tx.Create(&SubscriptionMovement{AccountID: st.AccountID, ConnectionID: st.ConnectionID, ExternalID: st.ExternalID,
		At: st.ChangedAt, Kind: kind, Currency: st.Currency, From: from, To: to}).Error
}

// linkFirstOrder links a subscription to the affiliate credited with the
// order that started it, where the platform names that order on the
// subscription rather than the subscription on the order (a WooCommerce
// parent order): its renewals then earn as renewals do. A subscription
// linked already, or whose first order is not booked (yet: a later state
// links it), stays as it is.
func linkFirstOrder(tx *gorm.DB, conn *Connection, sub platforms.Subscription) error {
	if sub.FirstOrderID == "" {
		return nil
	}
	var convs []Conversion
	err := tx.Where("connection_id = ? AND external_order_id = ? AND affiliate_id IS NOT NULL", conn.ID, sub.FirstOrderID).
		Limit(1).Find(&convs).Error
	if err != nil || len(convs) == 0 || !convs[0].Earns() && convs[0].Status != ConversionPaid {
		return err
	}
	c := convs[0]
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Subscription{AccountID: conn.AccountID, ConnectionID: conn.ID,
		ExternalID: sub.ExternalID, AffiliateID: *c.AffiliateID, CodeID: c.CodeID, FirstPaidAt: c.PlacedAt}).Error
}

package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// StoreOffStatus is how turning a code off on its store went
// (Code.StoreStatus); empty when it was never asked.
type StoreOffStatus string

// States of turning a code off on its store (Code.StoreStatus).
const (
	StoreOffPending StoreOffStatus = "deactivating"      // queued: the job asks the store
	StoreOff        StoreOffStatus = "deactivated"       // the store no longer accepts it
	StoreOffFailed  StoreOffStatus = "deactivate_failed" // the store could not; StoreNote says why
)

// CodeOff says what turning a code off does besides stopping it from
// matching orders: take it from its affiliate, switch it off on its store.
type CodeOff struct {
	Unassign bool
	OnStore  bool
}

// CodeStore loads one of the account's codes and the store it is tied to
// (nil when it is tied to none).
func (s *Store) CodeStore(ctx context.Context, accountID, codeID uint64) (*Code, *Connection, error) {
	c, err := s.GetCode(ctx, accountID, codeID)
	if err != nil || c.ConnectionID == 0 {
		return c, nil, wrapErr("code store", err)
	}
	conn, err := s.GetConnection(ctx, c.ConnectionID)
	if err != nil {
		return nil, nil, wrapErr("code store", err)
	}
	return c, conn, nil
}

// TurnOffCode stops a code from matching orders and, as o says, takes it
// from its affiliate and marks it to be switched off on its store
// (StoreOffPending). Switching off on the store needs a code that exists
// there, on a connected store; otherwise nothing changes and the error
// says why. Doing it again is harmless.
func (s *Store) TurnOffCode(ctx context.Context, accountID, codeID uint64, o CodeOff) (*Code, error) {
	return s.updateCode(ctx, accountID, codeID, func(tx *gorm.DB, c *Code) (map[string]any, error) {
		cols := map[string]any{"active": false}
		if o.Unassign {
			cols["affiliate_id"] = nil
		}
		if !o.OnStore {
			return cols, nil
		}
		if err := onStore(tx, c); err != nil {
			return nil, err
		}
		cols["store_status"], cols["store_note"] = StoreOffPending, ""
		return cols, nil
	})
}

// onStore checks that c exists on a connected store, so it can be
// switched off there.
func onStore(tx *gorm.DB, c *Code) error {
	if c.ConnectionID == 0 || c.SyncStatus != SyncSynced {
		return invalidf("code %s was never created on a store, so there is nothing to turn off there", c.Code)
	}
	var conn Connection
	if err := first(tx, &conn, "connection", c.ConnectionID); err != nil {
		return err
	}
	if conn.Status != ConnectionActive {
		return invalidf("%s is not connected (%s); install it again to turn codes off there", conn.DisplayName(), conn.Status)
	}
	return nil
}

// CodeToDeactivate loads a code waiting to be switched off on its store,
// with its connection; a code not waiting (done, or never asked) is
// ErrConflict.
func (s *Store) CodeToDeactivate(ctx context.Context, codeID uint64) (*Code, *Connection, error) {
	var c Code
	if err := first(s.db.WithContext(ctx), &c, "code", codeID); err != nil {
		return nil, nil, wrapErr("code to deactivate", err)
	}
	if c.StoreStatus != StoreOffPending || c.ConnectionID == 0 {
		return nil, nil, wrapErr("code to deactivate", conflictf("code %s is not waiting to be turned off on its store", c.Code))
	}
	conn, err := s.GetConnection(ctx, c.ConnectionID)
	if err != nil {
		return nil, nil, wrapErr("code to deactivate", err)
	}
	return &c, conn, nil
}

// MarkCodeStoreOff records how switching a code off on its store went:
// StoreOff or StoreOffFailed, with a note for the merchant. Only a code
// still waiting for it changes.
func (s *Store) MarkCodeStoreOff(ctx context.Context, codeID uint64, status StoreOffStatus, note string) error {
	if status != StoreOff && status != StoreOffFailed {
		return wrapErr("mark code store off", invalidf("store status %q is not an outcome", status))
	}
	return wrapErr("mark code store off", s.db.WithContext(ctx).Model(&Code{}).Where("id = ? AND store_status = ?", codeID, StoreOffPending).
		Updates(map[string]any{"store_status": status, "store_note": note, "updated_at": s.now()}).Error)
}

// PendingCodeDeactivations lists codes still waiting since before cutoff
// to be switched off on their store: the sweeper queues them again.
func (s *Store) PendingCodeDeactivations(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&Code{}).Where("store_status = ? AND updated_at < ?", StoreOffPending, cutoff).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, wrapErr("pending code deactivations", err)
}

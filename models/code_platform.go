// Codes and the platform stores: importing a store's codes, applying a
// code change the store reports, and marking new codes for the push job
// that creates them on the store.

package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// UpsertPlatformCodes records codes as the platform holds them: new ones
// are added as imported, known ones get the platform's ids, discount and
// active flag. Their affiliate and source are never touched, so importing
// again is idempotent. A new code gets its tracked link at once. It
// returns how many codes it saw.
func (s *Store) UpsertPlatformCodes(ctx context.Context, conn *Connection, codes []platforms.DiscountCode) (int, error) {
	rows := make([]Code, 0, len(codes))
	seen := map[string]bool{}
	for _, dc := range codes {
		norm := NormalizeCode(dc.Code)
		if norm == "" || seen[norm] {
			continue
		}
		seen[norm] = true
		rows = append(rows, Code{
			AccountID: conn.AccountID, ConnectionID: conn.ID, Code: strings.TrimSpace(dc.Code), Normalized: norm,
			DiscountType: discountType(dc.DiscountType), DiscountValue: dc.DiscountValue, Currency: strings.ToUpper(dc.Currency),
			OncePerCustomer: dc.OncePerCustomer, Source: SourceImported, PlatformID: dc.PlatformID,
			PlatformCodeID: dc.PlatformCodeID, Active: dc.Active, SyncStatus: SyncSynced,
		})
	}
	if len(rows) == 0 {
		return 0, nil
	}
	// Each chunk's upsert returns every row's id and stored spelling (new
	// or known), so the codes' links are made without looking them up, in
	// one statement for all of them.
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for i := range rows {
			rows[i].ID = 0 // a try the database rolled back may have set it
		}
		for chunk := range slices.Chunk(rows, 500) {
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "account_id"}, {Name: "connection_id"}, {Name: "normalized"}},
				DoUpdates: append(clause.AssignmentColumns([]string{"discount_type", "discount_value", "currency",
					"once_per_customer", "active", "sync_status", "updated_at"}), keepKnown("platform_id"), keepKnown("platform_code_id")),
			}, clause.Returning{Columns: []clause.Column{{Name: "id"}, {Name: "code"}}}).Create(&chunk).Error
			if err != nil {
				return err
			}
		}
		return createLinks(tx, rows)
	})
	return len(rows), wrapErr("upsert platform codes", err)
}

// keepKnown updates an id column only when the platform sent one, so a
// webhook that omits an id never erases the one we know.
func keepKnown(col string) clause.Assignment {
	return clause.Assignment{Column: clause.Column{Name: col},
		Value: gorm.Expr("CASE WHEN excluded." + col + " <> '' THEN excluded." + col + " ELSE codes." + col + " END")}
}

func discountType(t string) string {
	switch t {
	case DiscountPercentage, DiscountFixedAmount, DiscountFreeShipping:
		return t
	}
	return DiscountOther
}

// ApplyCodeChange keeps codes in sync with the platform's discount
// webhooks. A deleted discount deactivates its codes: they keep their
// history and stop attributing.
func (s *Store) ApplyCodeChange(ctx context.Context, conn *Connection, ch platforms.CodeChange) error {
	if ch.Deleted {
		q := s.db.WithContext(ctx).Model(&Code{}).Where("connection_id = ?", conn.ID)
		switch {
		case ch.PlatformID != "":
			q = q.Where("platform_id = ?", ch.PlatformID)
		case ch.Code != "":
			q = q.Where("normalized = ?", NormalizeCode(ch.Code))
		default:
			return wrapErr("apply code change", invalidf("a deleted code change names neither a discount nor a code"))
		}
		return wrapErr("apply code change", q.Updates(map[string]any{"active": false, "updated_at": s.now()}).Error)
	}
	if ch.Code == "" {
		return wrapErr("apply code change", invalidf("a code change without the code"))
	}
	_, err := s.UpsertPlatformCodes(ctx, conn, []platforms.DiscountCode{{PlatformID: ch.PlatformID, Code: ch.Code,
		DiscountType: ch.DiscountType, DiscountValue: ch.DiscountValue, Active: true}})
	return wrapErr("apply code change", err)
}

// MarkCodesForPush ties new codes of the account (not on any store yet) to
// the account's store, the oldest active platform connection, and marks
// them pending. It returns the ids to push: those listed that are pending
// on a store (codes generated for a chosen store already are); none when
// the account has no store (the codes then only match orders sent through
// the API).
func (s *Store) MarkCodesForPush(ctx context.Context, accountID uint64, codeIDs []uint64) ([]uint64, error) {
	if len(codeIDs) == 0 {
		return nil, nil
	}
	var ids []uint64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		conn, err := codeStore(tx, accountID, 0)
		if err != nil {
			return err
		}
		if conn != nil {
			err := tx.Model(&Code{}).Where("account_id = ? AND id IN ? AND connection_id = 0 AND sync_status = ?", accountID, codeIDs, SyncNone).
				Updates(map[string]any{"connection_id": conn.ID, "sync_status": SyncPending, "sync_error": ""}).Error
			if err != nil {
				return err
			}
		}
		return tx.Model(&Code{}).Where("account_id = ? AND id IN ? AND connection_id <> 0 AND sync_status = ?", accountID, codeIDs, SyncPending).
			Order("id").Pluck("id", &ids).Error
	})
	if err != nil {
		return ids, fmt.Errorf("models: mark codes for push: %w", err)
	}
	return ids, nil
}

// CodeToPush loads a code waiting to be created on its store, with its
// connection; a code already synced (or not tied to a store) is ErrConflict.
func (s *Store) CodeToPush(ctx context.Context, codeID uint64) (*Code, *Connection, error) {
	var c Code
	if err := first(s.db.WithContext(ctx), &c, "code", codeID); err != nil {
		return nil, nil, wrapErr("code to push", err)
	}
	if c.ConnectionID == 0 || c.SyncStatus == SyncSynced {
		return nil, nil, wrapErr("code to push", conflictf("code %s has nothing to push", c.Code))
	}
	if !c.Active {
		if err := s.skipInactivePush(ctx, &c); err != nil {
			return nil, nil, wrapErr("code to push", err)
		}
		return nil, nil, wrapErr("code to push", conflictf("code %s is inactive and is not created on its store", c.Code))
	}
	conn, err := s.GetConnection(ctx, c.ConnectionID)
	if err != nil {
		return nil, nil, wrapErr("code to push", err)
	}
	return &c, conn, nil
}

// skipInactivePush records that an inactive code waiting to be created
// on its store will not be: customers could otherwise use a code that
// Codecredit no longer counts.
func (s *Store) skipInactivePush(ctx context.Context, c *Code) error {
	return s.db.WithContext(ctx).Model(&Code{}).Where("id = ? AND sync_status = ?", c.ID, SyncPending).
		Updates(map[string]any{"sync_status": SyncNone, "updated_at": s.now(),
			"sync_error": "not created on the store: deactivated before it was sent"}).Error
}

// MarkCodeSynced records the platform's ids for a code created there.
func (s *Store) MarkCodeSynced(ctx context.Context, codeID uint64, dc platforms.DiscountCode) error {
	return wrapErr("mark code synced", s.db.WithContext(ctx).Model(&Code{}).Where("id = ?", codeID).Updates(map[string]any{
		"sync_status": SyncSynced, "sync_error": "", "platform_id": dc.PlatformID,
		"platform_code_id": dc.PlatformCodeID, "updated_at": s.now()}).Error)
}

// MarkCodeSyncFailed records why the platform refused a code. The code
// stops attributing until the merchant fixes it, so our row never claims
// a code the store does not have.
func (s *Store) MarkCodeSyncFailed(ctx context.Context, codeID uint64, reason string) error {
	return wrapErr("mark code sync failed", s.db.WithContext(ctx).Model(&Code{}).Where("id = ?", codeID).Updates(map[string]any{
		"sync_status": SyncFailed, "sync_error": reason, "active": false, "updated_at": s.now()}).Error)
}

// PendingCodePushes lists codes still waiting to be created on their store
// since before cutoff: the sweeper queues them again.
func (s *Store) PendingCodePushes(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&Code{}).Where("sync_status = ? AND active AND updated_at < ?", SyncPending, cutoff).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, wrapErr("pending code pushes", err)
}

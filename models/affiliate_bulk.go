package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"gorm.io/gorm"
)

// MaxBulkIDs bounds the affiliates one bulk action or selected export
// names.
const MaxBulkIDs = 250

// BulkSkip is an affiliate a bulk action left as it was, and why.
type BulkSkip struct {
	ID     uint64 `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Reasons a bulk action skips an affiliate.
const (
	SkipNoCode          = "no_code"          // no active code to email
	SkipDisabled        = "disabled"         // disabled affiliates get no email
	SkipAlreadyActive   = "already_active"   // activate: nothing to do
	SkipAlreadyDisabled = "already_disabled" // deactivate: nothing to do
)

// cleanBulkIDs checks the ids of a bulk action: 1 to MaxBulkIDs of them,
// duplicates dropped, in ascending order.
func cleanBulkIDs(ids []uint64) ([]uint64, error) {
	if len(ids) == 0 {
		return nil, withField("ids", invalidf("select at least one affiliate"))
	}
	if len(ids) > MaxBulkIDs {
		return nil, withField("ids", invalidf("at most %d affiliates at once, got %d", MaxBulkIDs, len(ids)))
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// bulkAffiliates loads the account's affiliates among ids (cleaned),
// locking them on PostgreSQL; one id the account does not have is
// ErrNotFound naming it, so that nothing is done.
func (s *Store) bulkAffiliates(tx *gorm.DB, accountID uint64, ids []uint64) ([]Affiliate, error) {
	var affs []Affiliate
	if err := s.forUpdate(tx).Where("account_id = ? AND id IN ?", accountID, ids).Order("id").Find(&affs).Error; err != nil {
		return nil, err
	}
	if len(affs) == len(ids) {
		return affs, nil
	}
	have := map[uint64]bool{}
	for _, a := range affs {
		have[a.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return nil, withField("ids", notFound("affiliate "+strconv.FormatUint(id, 10)))
		}
	}
	return affs, nil
}

// SetAffiliatesStatus activates or disables the account's affiliates ids
// at once: all or none (an id of another account is ErrNotFound and
// changes nothing). It returns those changed and those already so. A
// disabled affiliate keeps its codes, which still give customers their
// discount, but its orders are recorded without commission; its balance
// stays and can still be paid.
func (s *Store) SetAffiliatesStatus(ctx context.Context, accountID uint64, ids []uint64, status string) (changed []Affiliate, skipped []BulkSkip, err error) {
	if status != AffiliateActive && status != AffiliateDisabled {
		return nil, nil, wrapErr("set affiliates status", withField("status", invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled)))
	}
	ids, err = cleanBulkIDs(ids)
	if err != nil {
		return nil, nil, wrapErr("set affiliates status", err)
	}
	reason := SkipAlreadyActive
	if status == AffiliateDisabled {
		reason = SkipAlreadyDisabled
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		changed, skipped = nil, nil
		affs, err := s.bulkAffiliates(tx, accountID, ids)
		if err != nil {
			return err
		}
		var move []uint64
		for _, a := range affs {
			if a.Status == status {
				skipped = append(skipped, BulkSkip{ID: a.ID, Name: a.Name, Reason: reason})
				continue
			}
			a.Status = status
			changed = append(changed, a)
			move = append(move, a.ID)
		}
		if len(move) == 0 {
			return nil
		}
		return tx.Model(&Affiliate{}).Where("account_id = ? AND id IN ?", accountID, move).
			Updates(map[string]any{"status": status, "updated_at": s.now()}).Error
	})
	if err != nil {
		return nil, nil, wrapErr("set affiliates status", err)
	}
	return changed, skipped, nil
}

// WriteCodesEmails writes, for each of the account's affiliates ids, the
// email SendAffiliateCodes writes for one: all its active codes, whatever
// the account's settings. Disabled affiliates and those without an active
// code are skipped and said why. An id of another account is ErrNotFound
// and writes nothing. It returns the ids of the emails to send.
func (s *Store) WriteCodesEmails(ctx context.Context, accountID uint64, ids []uint64, appURL string) (emails []uint64, sent []Affiliate, skipped []BulkSkip, err error) {
	ids, err = cleanBulkIDs(ids)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("models: write codes emails: %w", err)
	}
	byAff := map[uint64][]Code{}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		affs, err := s.bulkAffiliates(tx, accountID, ids)
		if err != nil {
			return err
		}
		var codes []Code
		if err := tx.Where("account_id = ? AND affiliate_id IN ? AND active = ?", accountID, ids, true).
			Order("id").Find(&codes).Error; err != nil {
			return err
		}
		for _, c := range codes {
			byAff[*c.AffiliateID] = append(byAff[*c.AffiliateID], c)
		}
		for _, a := range affs {
			switch {
			case a.Status != AffiliateActive:
				skipped = append(skipped, BulkSkip{ID: a.ID, Name: a.Name, Reason: SkipDisabled})
				delete(byAff, a.ID)
			case len(byAff[a.ID]) == 0:
				skipped = append(skipped, BulkSkip{ID: a.ID, Name: a.Name, Reason: SkipNoCode})
			default:
				sent = append(sent, a)
			}
		}
		return nil
	})
	if err != nil || len(byAff) == 0 {
		return nil, sent, skipped, wrapErr("write codes emails", err)
	}
	set, err := s.GetEmailSettings(ctx, accountID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("models: write codes emails: %w", err)
	}
	stamp := strconv.FormatInt(s.now().UnixNano(), 36)
	emails, err = s.writeCodeEmails(ctx, accountID, byAff, set, appURL, func([]Code) string { return "resend-" + stamp })
	if err != nil {
		return nil, nil, nil, fmt.Errorf("models: write codes emails: %w", err)
	}
	return emails, sent, skipped, nil
}

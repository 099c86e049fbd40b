package models

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// AffiliatePatch changes some fields of an affiliate; nil fields stay.
type AffiliatePatch struct {
	Name   *string `json:"name,omitempty"`
	Email  *string `json:"email,omitempty"`
	Status *string `json:"status,omitempty"`
	Notes  *string `json:"notes,omitempty" input:"multiline"`
	// LifetimeDays overrides the program's lifetime attribution window
	// (see Affiliate.LifetimeDays); null goes back to the program's.
	LifetimeDays OptionalInt `json:"lifetime_days"`
}

// OptionalInt is a JSON field that may be left out, null or a number.
type OptionalInt struct {
	Set   bool
	Value *int
}

// UnmarshalJSON notes that the field was sent, and its value.
func (o *OptionalInt) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v int
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// AffiliateFilter narrows ListAffiliates. Q matches name or email,
// case-insensitively, anywhere in the text.
type AffiliateFilter struct {
	Q       string
	Status  string
	Page    int // 1-based
	PerPage int
}

// likeContains is a LIKE pattern (ESCAPE '\') matching s anywhere.
func likeContains(s string) string { return "%" + escapeLike(s) + "%" }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// GetAffiliate loads one affiliate of the account.
func (s *Store) GetAffiliate(ctx context.Context, accountID, id uint64) (*Affiliate, error) {
	var a Affiliate
	if err := first(s.db.WithContext(ctx), &a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get affiliate", err)
	}
	return &a, nil
}

// AffiliatesByIDs loads the account's affiliates among ids, by id; ids of
// other accounts are left out.
func (s *Store) AffiliatesByIDs(ctx context.Context, accountID uint64, ids []uint64) (map[uint64]Affiliate, error) {
	out := map[uint64]Affiliate{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var rows []Affiliate
		err := s.db.WithContext(ctx).Where("account_id = ? AND id IN ?", accountID, ids[start:end]).Find(&rows).Error
		if err != nil {
			return nil, wrapErr("affiliates by ids", err)
		}
		for _, a := range rows {
			out[a.ID] = a
		}
	}
	return out, nil
}

// UpdateAffiliate changes the fields set in p. Status is active or
// disabled; a disabled affiliate's codes stop earning commission.
func (s *Store) UpdateAffiliate(ctx context.Context, accountID, id uint64, p AffiliatePatch) (*Affiliate, error) {
	changes, err := affiliateChanges(p)
	if err != nil {
		return nil, wrapErr("update affiliate", err)
	}
	var a Affiliate
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if email, ok := changes["email"].(string); ok {
			if err := emailTaken(tx, accountID, id, email); err != nil {
				return err
			}
		}
		changes["updated_at"] = s.now()
		if err := tx.Model(&a).Updates(changes).Error; err != nil {
			return err
		}
		return tx.First(&a, a.ID).Error
	})
	if isUniqueViolation(err) {
		return nil, wrapErr("update affiliate", withField("email", conflictf("email %v is already used by another affiliate", changes["email"])))
	}
	if err != nil {
		return nil, wrapErr("update affiliate", err)
	}
	return &a, nil
}

// affiliateChanges validates a patch into column updates.
func affiliateChanges(p AffiliatePatch) (map[string]any, error) {
	changes := map[string]any{}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if err := checkAffiliateName(name); err != nil {
			return nil, withField("name", err)
		}
		changes["name"] = name
	}
	if p.Email != nil {
		email, err := cleanEmail(*p.Email)
		if err != nil {
			return nil, withField("email", err)
		}
		changes["email"] = email
	}
	if p.Status != nil {
		st := strings.ToLower(strings.TrimSpace(*p.Status))
		if st != AffiliateActive && st != AffiliateDisabled {
			return nil, withField("status", invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled))
		}
		changes["status"] = st
	}
	if p.LifetimeDays.Set {
		if v := p.LifetimeDays.Value; v != nil && (*v < -1 || *v > 36500) {
			return nil, withField("lifetime_days", invalidf("lifetime_days must be -1 (none), 0 (for ever) or a number of days up to 36500, or null for the program's"))
		}
		changes["lifetime_days"] = p.LifetimeDays.Value
	}
	if p.Notes != nil {
		notes := strings.TrimSpace(*p.Notes)
		if utf8.RuneCountInString(notes) > 5000 {
			return nil, withField("notes", invalidf("notes must be at most 5000 characters"))
		}
		changes["notes"] = notes
	}
	return changes, nil
}

// DeleteAffiliate removes an affiliate that has no history: its codes
// become unassigned and its commission override goes. An affiliate with
// history (conversions, ledger entries, payouts or a linked subscription)
// is never deleted, because the ledger is append-only and must keep naming
// who earned what: it is disabled instead (it stops earning, its codes
// stay assigned) and deleted is false. The affiliate is returned as it
// was (deleted) or now is (disabled).
func (s *Store) DeleteAffiliate(ctx context.Context, accountID, id uint64) (a *Affiliate, deleted bool, err error) {
	a = &Affiliate{}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), a, "affiliate", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		used, err := affiliateHasHistory(tx, accountID, id)
		if err != nil {
			return err
		}
		if used {
			a.Status = AffiliateDisabled
			return tx.Model(a).Updates(map[string]any{"status": AffiliateDisabled, "updated_at": s.now()}).Error
		}
		deleted = true
		if err := tx.Model(&Code{}).Where("account_id = ? AND affiliate_id = ?", accountID, id).
			Updates(map[string]any{"affiliate_id": nil, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ? AND affiliate_id = ?", accountID, id).Delete(&CommissionRule{}).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ? AND affiliate_id = ?", accountID, id).Delete(&PayoutDetails{}).Error; err != nil {
			return err
		}
		return tx.Delete(a).Error
	})
	if err != nil {
		return nil, false, wrapErr("delete affiliate", err)
	}
	return a, deleted, nil
}

func affiliateHasHistory(tx *gorm.DB, accountID, id uint64) (bool, error) {
	for _, m := range []any{&Conversion{}, &LedgerEntry{}, &Payout{}, &Subscription{}} {
		var n int64
		if err := tx.Model(m).Where("account_id = ? AND affiliate_id = ?", accountID, id).Limit(1).Count(&n).Error; err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// ListAffiliates lists an account's affiliates, newest first, with the
// total count of those matching. The search ignores case on both databases
// (on SQLite only for ASCII letters, as its LOWER() does).
func (s *Store) ListAffiliates(ctx context.Context, accountID uint64, f AffiliateFilter) ([]Affiliate, int64, error) {
	q := s.db.WithContext(ctx).Model(&Affiliate{}).Where("account_id = ?", accountID)
	if term := strings.ToLower(strings.TrimSpace(f.Q)); term != "" {
		pat := likeContains(term)
		q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.Status != "" {
		if f.Status != AffiliateActive && f.Status != AffiliateDisabled {
			return nil, 0, wrapErr("list affiliates", invalidf("status must be %q or %q", AffiliateActive, AffiliateDisabled))
		}
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list affiliates", err)
	}
	_, per, offset := listWindow(f.Page, f.PerPage)
	out := []Affiliate{}
	err := q.Order("id DESC").Offset(offset).Limit(per).Find(&out).Error
	return out, total, wrapErr("list affiliates", err)
}

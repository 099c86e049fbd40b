package models

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// CodeFilter narrows ListCodes. Nil pointers and zero values do not filter;
// ConnectionID points to 0 for codes not tied to a platform store. Q is a
// prefix of the code, matched case-insensitively.
type CodeFilter struct {
	Source       string
	Assigned     *bool
	AffiliateID  uint64
	Active       *bool
	ConnectionID *uint64
	Q            string
	Page         int // 1-based
	PerPage      int
}

// NewCode is a code the merchant types in by hand.
type NewCode struct {
	Code string `json:"code"`
	DiscountSpec
	OncePerCustomer bool    `json:"once_per_customer,omitempty"`
	AffiliateID     *uint64 `json:"affiliate_id,omitempty"`
}

// ListCodes lists an account's codes, newest first, with the total count of
// those matching.
func (s *Store) ListCodes(ctx context.Context, accountID uint64, f CodeFilter) ([]Code, int64, error) {
	q := s.db.WithContext(ctx).Model(&Code{}).Where("account_id = ?", accountID)
	switch f.Source {
	case "":
	case SourceImported, SourceGenerated, SourceManual:
		q = q.Where("source = ?", f.Source)
	default:
		return nil, 0, wrapErr("list codes", invalidf("source must be %s, %s or %s", SourceImported, SourceGenerated, SourceManual))
	}
	if f.Assigned != nil {
		if *f.Assigned {
			q = q.Where("affiliate_id IS NOT NULL")
		} else {
			q = q.Where("affiliate_id IS NULL")
		}
	}
	if f.AffiliateID != 0 {
		q = q.Where("affiliate_id = ?", f.AffiliateID)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	if f.ConnectionID != nil {
		q = q.Where("connection_id = ?", *f.ConnectionID)
	}
	if prefix := NormalizeCode(f.Q); prefix != "" {
		q = q.Where(`normalized LIKE ? ESCAPE '\'`, escapeLike(prefix)+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list codes", err)
	}
	_, per, offset := listWindow(f.Page, f.PerPage)
	out := []Code{}
	err := q.Order("id DESC").Offset(offset).Limit(per).Find(&out).Error
	return out, total, wrapErr("list codes", err)
}

// GetCode loads one code of the account.
func (s *Store) GetCode(ctx context.Context, accountID, id uint64) (*Code, error) {
	var c Code
	if err := first(s.db.WithContext(ctx), &c, "code", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get code", err)
	}
	return &c, nil
}

// checkCodeText validates a typed code: after trimming, 1 to 64
// characters, letters, digits, - and _ only.
func checkCodeText(code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", invalidf("code is required")
	}
	if n := utf8.RuneCountInString(code); n > 64 {
		return "", invalidf("code must be at most 64 characters, got %d", n)
	}
	for _, r := range code {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return "", invalidf("code %q may only hold letters, digits, - and _ (found %q)", code, r)
		}
	}
	return code, nil
}

// lockCodes serialises code creation in an account, so the check that a
// code is free across all of the account's stores holds until the insert.
func (s *Store) lockCodes(tx *gorm.DB, accountID uint64) error {
	return s.lockKey(tx, "codes", strconv.FormatUint(accountID, 10))
}

// codeTaken returns ErrConflict when the account already has the code, in
// any store (matching ignores case).
func codeTaken(tx *gorm.DB, accountID uint64, normalized string) error {
	var rows []Code
	err := tx.Select("id", "code").Where("account_id = ? AND normalized = ?", accountID, normalized).Limit(1).Find(&rows).Error
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		return conflictf("code %s already exists", rows[0].Code)
	}
	return nil
}

// assignableAffiliate loads an affiliate a code may be given to: one of the
// account's, and active.
func assignableAffiliate(tx *gorm.DB, accountID, affiliateID uint64) (*Affiliate, error) {
	var a Affiliate
	if err := first(tx, &a, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
		return nil, err
	}
	if a.Status != AffiliateActive {
		return nil, invalidf("affiliate %d (%s) is disabled; enable it before giving it codes", a.ID, a.Name)
	}
	return &a, nil
}

// CreateManualCode saves a code typed by the merchant, not tied to a
// platform store (ConnectionID 0). A code the account already has, in any
// store and in any case, is ErrConflict. The code's tracked link is made
// with it.
func (s *Store) CreateManualCode(ctx context.Context, accountID uint64, in NewCode) (*Code, error) {
	text, err := checkCodeText(in.Code)
	if err != nil {
		return nil, wrapErr("create manual code", err)
	}
	d := in.DiscountSpec
	if err := d.validate(); err != nil {
		return nil, wrapErr("create manual code", err)
	}
	c := &Code{AccountID: accountID, Code: text, Normalized: NormalizeCode(text),
		DiscountType: d.Type, DiscountValue: d.Value, Currency: d.Currency, OncePerCustomer: in.OncePerCustomer,
		Source: SourceManual, Active: true, SyncStatus: SyncNone}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if in.AffiliateID != nil {
			a, err := assignableAffiliate(tx, accountID, *in.AffiliateID)
			if err != nil {
				return err
			}
			c.AffiliateID = &a.ID
		}
		if err := s.lockCodes(tx, accountID); err != nil {
			return err
		}
		if err := codeTaken(tx, accountID, c.Normalized); err != nil {
			return err
		}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if err := createLinks(tx, []Code{*c}); err != nil || c.AffiliateID == nil {
			return err
		}
		return emitHooks(tx, nil, s.now(), codeAssigned(c, nil, *c.AffiliateID, s.now())...)
	})
	if isUniqueViolation(err) {
		return nil, wrapErr("create manual code", conflictf("code %s already exists", text))
	}
	if err != nil {
		return nil, wrapErr("create manual code", err)
	}
	return c, nil
}

// AssignCode gives a code to an active affiliate of the same account (a
// code held by another affiliate moves; past conversions stay theirs),
// announcing code.assigned unless the code already was the affiliate's.
func (s *Store) AssignCode(ctx context.Context, accountID, codeID, affiliateID uint64) (*Code, error) {
	return s.updateCode(ctx, accountID, codeID, func(tx *gorm.DB, c *Code) (map[string]any, error) {
		a, err := assignableAffiliate(tx, accountID, affiliateID)
		if err != nil {
			return nil, err
		}
		if err := emitHooks(tx, nil, s.now(), codeAssigned(c, c.AffiliateID, a.ID, s.now())...); err != nil {
			return nil, err
		}
		return map[string]any{"affiliate_id": a.ID}, nil
	})
}

// UnassignCode takes a code away from its affiliate; orders with it are
// then unattributed. With deactivate it also stops matching orders.
func (s *Store) UnassignCode(ctx context.Context, accountID, codeID uint64, deactivate bool) (*Code, error) {
	return s.updateCode(ctx, accountID, codeID, func(*gorm.DB, *Code) (map[string]any, error) {
		cols := map[string]any{"affiliate_id": nil}
		if deactivate {
			cols["active"] = false
		}
		return cols, nil
	})
}

// DeactivateCode stops a code from matching orders. It stays listed, and
// doing it twice is harmless.
func (s *Store) DeactivateCode(ctx context.Context, accountID, codeID uint64) (*Code, error) {
	return s.updateCode(ctx, accountID, codeID, func(*gorm.DB, *Code) (map[string]any, error) {
		return map[string]any{"active": false}, nil
	})
}

// updateCode loads one of the account's codes, locked, and applies the
// columns change returns.
func (s *Store) updateCode(ctx context.Context, accountID, codeID uint64,
	change func(tx *gorm.DB, c *Code) (map[string]any, error)) (*Code, error) {
	var c Code
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &c, "code", "id = ? AND account_id = ?", codeID, accountID); err != nil {
			return err
		}
		cols, err := change(tx, &c)
		if err != nil {
			return err
		}
		cols["updated_at"] = s.now()
		if err := tx.Model(&Code{}).Where("id = ?", c.ID).Updates(cols).Error; err != nil {
			return err
		}
		return tx.First(&c, c.ID).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

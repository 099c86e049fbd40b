package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"codecredit/models/codename"
	"codecredit/platforms"
)

// CodeBatch asks for codes from a naming rule: for the listed affiliates,
// or for every active affiliate without an active code (AllMissing).
// ConnectionID picks the store the codes are created on; 0 is the
// account's store (its oldest active platform connection), if it has one.
type CodeBatch struct {
	Template     string
	Discount     DiscountSpec
	AffiliateIDs []uint64
	AllMissing   bool
	ConnectionID uint64
}

// SampleAffiliate is the name the Settings example is made for.
const SampleAffiliate = "Ann Lee"

// PreviewBatch shows the codes GenerateBatch would make, writing nothing:
// the same rule, store and collision handling, so the two cannot differ
// (random parts are drawn again when generating).
func (s *Store) PreviewBatch(ctx context.Context, accountID uint64, b CodeBatch) ([]GeneratedCode, error) {
	db := s.db.WithContext(ctx)
	g, err := newGenerator(db, accountID, b)
	if err != nil {
		return nil, fmt.Errorf("models: preview batch: %w", err)
	}
	affs, err := b.affiliates(db, accountID)
	if err != nil {
		return nil, fmt.Errorf("models: preview batch: %w", err)
	}
	return g.codesFor(affs)
}

// PreviewSample shows the code the rule gives an affiliate named
// SampleAffiliate on the account's store, writing nothing.
func (s *Store) PreviewSample(ctx context.Context, accountID uint64, b CodeBatch) (GeneratedCode, error) {
	g, err := newGenerator(s.db.WithContext(ctx), accountID, b)
	if err != nil {
		return GeneratedCode{}, fmt.Errorf("models: preview sample: %w", err)
	}
	out, err := g.codesFor([]Affiliate{{Name: SampleAffiliate}})
	if err != nil {
		return GeneratedCode{}, fmt.Errorf("models: preview sample: %w", err)
	}
	return out[0], nil
}

// GenerateBatch makes and saves one code per affiliate (source generated),
// unique in the account and the batch, and ties them to the chosen store
// (pending until pushed there), each with its tracked link. Every listed
// affiliate must be one of the account's, active, and listed once.
func (s *Store) GenerateBatch(ctx context.Context, accountID uint64, b CodeBatch) ([]Code, error) {
	out := []Code{}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockCodes(tx, accountID); err != nil {
			return err
		}
		g, err := newGenerator(tx, accountID, b)
		if err != nil {
			return err
		}
		affs, err := b.affiliates(tx, accountID)
		if err != nil || len(affs) == 0 {
			return err
		}
		made, err := g.codesFor(affs)
		if err != nil {
			return err
		}
		for _, m := range made {
			out = append(out, g.row(accountID, m))
		}
		if err := tx.CreateInBatches(out, 200).Error; err != nil {
			return err
		}
		if err := createLinks(tx, out); err != nil {
			return err
		}
		now := s.now()
		evs := make([]hookEvent, 0, len(out))
		for i := range out {
			evs = append(evs, codeAssigned(&out[i], nil, *out[i].AffiliateID, now)...)
		}
		return emitHooks(tx, nil, now, evs...)
	})
	if isUniqueViolation(err) {
		return nil, wrapErr("generate batch", conflictf("a generated code was taken meanwhile; nothing was saved, try again"))
	}
	if err != nil {
		return nil, fmt.Errorf("models: generate batch: %w", err)
	}
	return out, nil
}

func (b CodeBatch) affiliates(tx *gorm.DB, accountID uint64) ([]Affiliate, error) {
	if b.AllMissing {
		return affiliatesWithoutCode(tx, accountID)
	}
	return affiliatesForCodes(tx, accountID, b.AffiliateIDs)
}

// row is the saved form of a generated code: pending on the store when
// there is one.
func (g *generator) row(accountID uint64, m GeneratedCode) Code {
	id := m.AffiliateID
	c := Code{AccountID: accountID, Code: m.Code, Normalized: m.Code,
		DiscountType: g.discount.Type, DiscountValue: g.discount.Value, Currency: g.discount.Currency,
		Source: SourceGenerated, AffiliateID: &id, Active: true, SyncStatus: SyncNone}
	if g.store != nil {
		c.ConnectionID, c.SyncStatus = g.store.ID, SyncPending
	}
	return c
}

func newGenerator(tx *gorm.DB, accountID uint64, b CodeBatch) (*generator, error) {
	var acct Account
	if err := first(tx, &acct, "account", accountID); err != nil {
		return nil, err
	}
	template, discount := b.Template, b.Discount
	if strings.TrimSpace(template) == "" {
		template = acct.NamingRule
	}
	if discount.Type == DiscountFixedAmount && strings.TrimSpace(discount.Currency) == "" {
		discount.Currency = acct.Currency
	}
	if err := discount.validate(); err != nil {
		return nil, err
	}
	parts, err := codename.Parse(template)
	if err != nil {
		return nil, ruleError(err)
	}
	store, err := codeStore(tx, accountID, b.ConnectionID)
	if err != nil {
		return nil, err
	}
	if store != nil && !allowsPunctuation(store.Platform) {
		parts = codename.WithoutPunctuation(parts)
	}
	var existing []string
	if err := tx.Model(&Code{}).Where("account_id = ?", accountID).Pluck("normalized", &existing).Error; err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(existing))
	for _, c := range existing {
		taken[c] = true
	}
	return &generator{template: template, parts: parts, discount: discount, taken: taken, store: store}, nil
}

// codeStore is the store new codes go to: the given connection (one of the
// account's active platform stores), or with id 0 the account's oldest
// active platform connection; nil when it has none.
func codeStore(tx *gorm.DB, accountID, id uint64) (*Connection, error) {
	q := tx.Where("account_id = ? AND platform <> ?", accountID, platforms.API)
	if id == 0 {
		var conn Connection
		err := q.Where("status = ?", ConnectionActive).Order("id").Limit(1).Find(&conn).Error
		if err != nil || conn.ID == 0 {
			return nil, err
		}
		return &conn, nil
	}
	var conn Connection
	if err := first(q, &conn, "store", "id = ?", id); err != nil {
		return nil, err
	}
	if conn.Status != ConnectionActive {
		return nil, invalidf("store %d is not connected (%s); connect it again or choose another", id, conn.Status)
	}
	return &conn, nil
}

// allowsPunctuation tells whether the platform's codes may hold - and _:
// Stripe promotion codes and Paddle discount codes take letters and digits
// only.
func allowsPunctuation(platform string) bool {
	return platform != platforms.Stripe && platform != platforms.Paddle
}

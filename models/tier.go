package models

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
)

// What tiers count, and over which period.
const (
	TierSales  = "sales"  // the affiliate's sales (subtotals, less refunds) in the account's currency
	TierOrders = "orders" // the affiliate's orders, less those refunded in full

	TierMonth    = "month"
	TierQuarter  = "quarter"
	TierLifetime = "lifetime"
)

// CommissionTier is a rate affiliates earn once their sales or orders in
// the period reach Threshold (minor units of the account's currency for
// sales, a count for orders). It decides an order where no code rule,
// product rule or affiliate's own rate does, in place of the program
// default; crossing it changes the rate of later orders only, unless the
// program pays a bonus on crossing (Account.TierBonus).
type CommissionTier struct {
	ID          uint64    `gorm:"primaryKey" json:"id"`
	AccountID   uint64    `gorm:"not null;index" json:"-"`
	Name        string    `gorm:"size:64;not null" json:"name"`
	Threshold   int64     `gorm:"not null" json:"threshold"`
	Kind        string    `gorm:"size:16;not null" json:"kind"`
	BasisPoints int64     `gorm:"not null;default:0" json:"basis_points"`
	FlatAmount  int64     `gorm:"not null;default:0" json:"flat_amount"`
	Currency    string    `gorm:"size:3;not null;default:''" json:"currency"`
	CreatedAt   time.Time `json:"created_at"`
}

// Rule is the tier as the commission package takes it.
func (t *CommissionTier) Rule() commission.Rule {
	return commission.Rule{ID: t.ID, Source: commission.SourceTier, Label: t.Name, Kind: t.Kind,
		BasisPoints: t.BasisPoints, FlatAmount: t.FlatAmount, Currency: t.Currency}
}

// TierProgram is an account's tiers and how they count.
type TierProgram struct {
	Metric string           `json:"metric"` // "" (no tiers), TierSales or TierOrders
	Period string           `json:"period"` // TierMonth, TierQuarter or TierLifetime
	Bonus  bool             `json:"bonus"`
	Tiers  []CommissionTier `json:"tiers"` // by threshold, lowest first
}

// GetTierProgram returns the account's tiers.
func (s *Store) GetTierProgram(ctx context.Context, accountID uint64) (*TierProgram, error) {
	db := s.db.WithContext(ctx)
	var a Account
	if err := first(db, &a, "account", accountID); err != nil {
		return nil, wrapErr("get tier program", err)
	}
	p := &TierProgram{Metric: a.TierMetric, Period: a.TierPeriod, Bonus: a.TierBonus}
	err := db.Where("account_id = ?", accountID).Order("threshold, id").Find(&p.Tiers).Error
	if p.Tiers == nil {
		p.Tiers = []CommissionTier{}
	}
	return p, wrapErr("get tier program", err)
}

// SetTierProgram replaces the account's tiers and how they count, for
// orders booked from now on. Metric "" turns tiers off (the tiers are
// kept). Thresholds must differ; each tier's rate is checked like a rule's.
func (s *Store) SetTierProgram(ctx context.Context, accountID uint64, p TierProgram) (*TierProgram, error) {
	if err := checkTierProgram(&p); err != nil {
		return nil, wrapErr("set tier program", err)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var a Account
		if err := first(s.forUpdate(tx), &a, "account", accountID); err != nil {
			return err
		}
		if err := tx.Model(&a).Updates(map[string]any{"tier_metric": p.Metric, "tier_period": p.Period,
			"tier_bonus": p.Bonus, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", accountID).Delete(&CommissionTier{}).Error; err != nil {
			return err
		}
		for i := range p.Tiers {
			p.Tiers[i].ID, p.Tiers[i].AccountID = 0, accountID
		}
		if len(p.Tiers) == 0 {
			return nil
		}
		return tx.Create(&p.Tiers).Error
	})
	if err != nil {
		return nil, wrapErr("set tier program", err)
	}
	return s.GetTierProgram(ctx, accountID)
}

// MaxTiers bounds an account's tiers.
const MaxTiers = 20

// checkTierProgram checks a program's fields, naming the one that is wrong.
func checkTierProgram(p *TierProgram) error {
	switch p.Metric {
	case "", TierSales, TierOrders:
	default:
		return withField("metric", invalidf("metric must be %q, %q or empty (no tiers)", TierSales, TierOrders))
	}
	if p.Period == "" {
		p.Period = TierMonth
	}
	switch p.Period {
	case TierMonth, TierQuarter, TierLifetime:
	default:
		return withField("period", invalidf("period must be %q, %q or %q", TierMonth, TierQuarter, TierLifetime))
	}
	if len(p.Tiers) > MaxTiers {
		return withField("tiers", invalidf("at most %d tiers", MaxTiers))
	}
	slices.SortStableFunc(p.Tiers, func(a, b CommissionTier) int { return cmp.Compare(a.Threshold, b.Threshold) })
	for i := range p.Tiers {
		t := &p.Tiers[i]
		t.Name = strings.TrimSpace(t.Name)
		if t.Kind == commission.Exclude {
			return withField("kind", invalidf("a tier pays a percent or a flat amount per order"))
		}
		r := ConditionRule{Scope: ScopeCode, Target: "tier", Kind: t.Kind, BasisPoints: t.BasisPoints,
			FlatAmount: t.FlatAmount, Currency: t.Currency}
		if err := r.validate(); err != nil {
			return err
		}
		t.BasisPoints, t.FlatAmount, t.Currency = r.BasisPoints, r.FlatAmount, r.Currency
		switch {
		case t.Name == "" || len(t.Name) > 64:
			return withField("name", invalidf("each tier needs a name of at most 64 characters"))
		case t.Threshold <= 0 || t.Threshold > MaxAmount:
			return withField("threshold", invalidf("tier %s: threshold must be above 0 (and at most %d)", t.Name, MaxAmount))
		case i > 0 && t.Threshold == p.Tiers[i-1].Threshold:
			return withField("threshold", invalidf("tiers %s and %s have the same threshold", p.Tiers[i-1].Name, t.Name))
		}
	}
	return nil
}

// periodOf is the tier period holding t: [start, end), in UTC.
func periodOf(period string, t time.Time) (time.Time, time.Time) {
	t = t.UTC()
	switch period {
	case TierLifetime:
		return time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	case TierQuarter:
		start := time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 3, 0)
	}
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

package models

import (
	"time"
)

// Experiment statuses.
const (
	ExperimentRunning = "running"
	ExperimentStopped = "stopped"
)

// Default plan of an experiment, when the merchant sets none: a 5%
// conversion rate expected of the control, and a lift of 50% worth
// detecting (5% → 7.5%).
const (
	DefaultBaselineRate = 0.05
	DefaultMinLift      = 0.5
)

// Experiment is a discount experiment: its link, APP_URL/r/{Slug}, sends
// each visitor at random to one of 2 to 4 variant codes, the same one on
// return, and the report compares how the variants convert. Its slug
// shares the space of code links' slugs. Salt signs the visitors'
// cookies (never shown). A stopped experiment's link sends everyone to
// FinalPosition's code and counts nothing; FinalWinner says whether that
// variant won the test or is only the first.
type Experiment struct {
	ID           uint64     `gorm:"primaryKey" json:"id"`
	AccountID    uint64     `gorm:"not null;index" json:"account_id"`
	Name         string     `gorm:"size:120;not null" json:"name"`
	AffiliateID  *uint64    `gorm:"index" json:"affiliate_id"`
	Status       string     `gorm:"size:16;not null" json:"status"`
	Slug         string     `gorm:"size:64;not null;uniqueIndex:idx_experiment_slug" json:"slug"`
	Salt         []byte     `gorm:"not null" json:"-"`
	BaselineRate float64    `gorm:"not null" json:"baseline_rate"`
	MinLift      float64    `gorm:"not null" json:"min_lift"`
	StartedAt    time.Time  `gorm:"not null" json:"started_at"`
	StoppedAt    *time.Time `json:"stopped_at"`
	// FinalPosition is the variant a stopped experiment sends everyone to.
	FinalPosition int       `gorm:"not null;default:0" json:"final_position"`
	FinalWinner   bool      `gorm:"not null;default:false" json:"final_winner"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ExperimentVariant is one variant of an experiment: a code of the
// account, at Position 0 (the control) to 3.
type ExperimentVariant struct {
	ID           uint64 `gorm:"primaryKey" json:"-"`
	AccountID    uint64 `gorm:"not null;index" json:"-"`
	ExperimentID uint64 `gorm:"not null;uniqueIndex:idx_experiment_variant" json:"-"`
	Position     int    `gorm:"not null;uniqueIndex:idx_experiment_variant" json:"position"`
	CodeID       uint64 `gorm:"not null" json:"code_id"`
}

// ExperimentVisitDay counts an experiment's visits per variant and UTC
// day (YYYY-MM-DD), added in batches by the redirect's visit counter.
type ExperimentVisitDay struct {
	AccountID    uint64 `gorm:"not null;index"`
	ExperimentID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Position     int    `gorm:"primaryKey;autoIncrement:false"`
	Day          string `gorm:"primaryKey;size:10"`
	Visits       int64  `gorm:"not null;default:0"`
}

// ExperimentModels are the experiments' tables, for the migration list.
func ExperimentModels() []any {
	return []any{&Experiment{}, &ExperimentVariant{}, &ExperimentVisitDay{}}
}

// VariantCode is a variant as the API shows it: its code and discount.
type VariantCode struct {
	Position      int    `json:"position"`
	CodeID        uint64 `json:"code_id"`
	Code          string `json:"code"`
	DiscountType  string `json:"discount_type"`
	DiscountValue int64  `json:"discount_value"`
	Currency      string `json:"currency,omitempty"`
}

// ExperimentView is an experiment with its variants and its affiliate's
// name ("" for the whole program).
type ExperimentView struct {
	Experiment
	Affiliate string        `json:"affiliate"`
	Variants  []VariantCode `json:"variants"`
}

// ExperimentInput is a new experiment: a name, an optional affiliate,
// 2 to 4 distinct codes (the first is the control), an optional slug
// (from the name when empty) and an optional plan (the defaults when 0).
type ExperimentInput struct {
	Name         string   `json:"name"`
	AffiliateID  *uint64  `json:"affiliate_id"`
	CodeIDs      []uint64 `json:"code_ids"`
	Slug         string   `json:"slug"`
	BaselineRate float64  `json:"baseline_rate"`
	MinLift      float64  `json:"min_lift"`
}

// ExperimentVisits is a number of counted visits to one variant of an
// experiment on a UTC day.
type ExperimentVisits struct {
	AccountID    uint64
	ExperimentID uint64
	Position     int
	Day          time.Time
	Visits       int64
}

// ExperimentTarget is what the redirect needs of an experiment's slug:
// its status, its cookie key, and each variant's code link, by position.
type ExperimentTarget struct {
	ID            uint64
	AccountID     uint64
	Running       bool
	Salt          []byte
	FinalPosition int
	Variants      []LinkTarget
}

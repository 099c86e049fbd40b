package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// experimentSlugTaken reports whether an experiment has slug.
func (s *Store) experimentSlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Experiment{}).Where("slug = ?", slug).Count(&n).Error
	return n > 0, err
}

// ResolveExperiment finds the experiment named slug (any case), in any
// account, with its variants' code links in order; an unknown slug is
// ErrNotFound.
func (s *Store) ResolveExperiment(ctx context.Context, slug string) (*ExperimentTarget, error) {
	var e Experiment
	if err := first(s.db.WithContext(ctx), &e, "experiment", "slug = ?", toLowerASCII(slug)); err != nil {
		return nil, wrapErr("resolve experiment", err)
	}
	var vs []ExperimentVariant
	if err := s.db.WithContext(ctx).Where("experiment_id = ? AND account_id = ?", e.ID, e.AccountID).Order("position").Find(&vs).Error; err != nil {
		return nil, wrapErr("resolve experiment", err)
	}
	ids := make([]uint64, len(vs))
	for i, v := range vs {
		ids[i] = v.CodeID
	}
	var ts []LinkTarget
	err := s.db.WithContext(ctx).Raw(linkTargetSQL+`WHERE links.account_id = ? AND links.code_id IN ?`, e.AccountID, ids).Scan(&ts).Error
	if err != nil {
		return nil, wrapErr("resolve experiment", err)
	}
	t := &ExperimentTarget{ID: e.ID, AccountID: e.AccountID, Running: e.Status == ExperimentRunning, Salt: e.Salt,
		FinalPosition: e.FinalPosition, Variants: make([]LinkTarget, len(vs))}
	for i, v := range vs {
		for _, l := range ts {
			if l.CodeID == v.CodeID {
				t.Variants[i] = l
			}
		}
		if t.Variants[i].CodeID == 0 { // the code was removed
			return nil, wrapErr("resolve experiment", notFound("experiment code"))
		}
	}
	return t, nil
}

// AddExperimentVisits adds counted visits to the daily rollup of each
// experiment's variants in one statement.
func (s *Store) AddExperimentVisits(ctx context.Context, visits []ExperimentVisits) error {
	type key struct {
		acct, exp uint64
		pos       int
		day       string
	}
	sum := map[key]int64{}
	var order []key
	for _, v := range visits {
		k := key{v.AccountID, v.ExperimentID, v.Position, v.Day.UTC().Format(time.DateOnly)}
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += v.Visits
	}
	if len(order) == 0 {
		return nil
	}
	rows := make([]ExperimentVisitDay, len(order))
	for i, k := range order {
		rows[i] = ExperimentVisitDay{AccountID: k.acct, ExperimentID: k.exp, Position: k.pos, Day: k.day, Visits: sum[k]}
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "experiment_id"}, {Name: "position"}, {Name: "day"}},
		DoUpdates: clause.Set{{Column: clause.Column{Name: "visits"}, Value: gorm.Expr("experiment_visit_days.visits + excluded.visits")}},
	}).Create(&rows).Error
	return wrapErr("add experiment visits", err)
}

// experimentVisits is each variant's counted visits, by position.
func (s *Store) experimentVisits(ctx context.Context, accountID, id uint64) (map[int]int64, error) {
	var rows []struct {
		Position int
		Visits   int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT position, SUM(visits) AS visits FROM experiment_visit_days
WHERE experiment_id = ? AND account_id = ? GROUP BY position`, id, accountID).Scan(&rows).Error
	out := map[int]int64{}
	for _, r := range rows {
		out[r.Position] = r.Visits
	}
	return out, err
}

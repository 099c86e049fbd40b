package models

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"codecredit/models/experiment"
)

// CreateExperiment starts an experiment of the account. The codes must
// be 2 to 4 distinct codes of the account, active, and the affiliate's
// when one is set; a slug taken by any link or experiment is ErrConflict.
// The variant codes' links are made, so the redirect can follow them.
func (s *Store) CreateExperiment(ctx context.Context, accountID uint64, in ExperimentInput) (*ExperimentView, error) {
	e, err := s.checkExperiment(ctx, accountID, in)
	if err != nil {
		return nil, wrapErr("create experiment", err)
	}
	if _, err := s.EnsureLinks(ctx, accountID, in.CodeIDs); err != nil {
		return nil, wrapErr("create experiment", err)
	}
	typed := strings.TrimSpace(in.Slug) != ""
	base := e.Slug
	for n := 1; ; n++ {
		if n > 1 {
			e.Slug = base + "-" + strconv.Itoa(n)
		}
		taken, err := s.linkSlugTaken(ctx, e.Slug)
		if err != nil {
			return nil, wrapErr("create experiment", err)
		}
		if !taken {
			err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				if err := tx.Create(e).Error; err != nil {
					return err
				}
				vs := make([]ExperimentVariant, len(in.CodeIDs))
				for i, id := range in.CodeIDs {
					vs[i] = ExperimentVariant{AccountID: accountID, ExperimentID: e.ID, Position: i, CodeID: id}
				}
				return tx.Create(&vs).Error
			})
			if err == nil {
				return s.GetExperiment(ctx, accountID, e.ID)
			}
			if !isUniqueViolation(err) {
				return nil, wrapErr("create experiment", err)
			}
		}
		if typed || n >= 100 {
			return nil, wrapErr("create experiment", withField("slug", conflictf("the link name %q is taken; choose another", e.Slug)))
		}
	}
}

// checkExperiment validates in and returns the experiment to insert.
func (s *Store) checkExperiment(ctx context.Context, accountID uint64, in ExperimentInput) (*Experiment, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 120 {
		return nil, withField("name", invalidf("an experiment's name is 1 to 120 characters"))
	}
	e := &Experiment{AccountID: accountID, Name: name, AffiliateID: in.AffiliateID, Status: ExperimentRunning,
		BaselineRate: in.BaselineRate, MinLift: in.MinLift, StartedAt: s.now()}
	if e.BaselineRate == 0 {
		e.BaselineRate = DefaultBaselineRate
	}
	if e.MinLift == 0 {
		e.MinLift = DefaultMinLift
	}
	if !(e.BaselineRate > 0 && e.BaselineRate < 1) {
		return nil, withField("baseline_rate", invalidf("the expected conversion rate must be above 0%% and below 100%%"))
	}
	if _, err := (experiment.Plan{BaselineRate: e.BaselineRate, MinLift: e.MinLift}).MinSample(2); err != nil {
		return nil, withField("min_lift", invalidf("the lift worth finding must be above 0%% and keep the expected rate below 100%%"))
	}
	if in.AffiliateID != nil {
		if _, err := s.GetAffiliate(ctx, accountID, *in.AffiliateID); err != nil {
			return nil, withField("affiliate_id", invalidf("no such affiliate"))
		}
	}
	if err := s.checkVariantCodes(ctx, accountID, in.AffiliateID, in.CodeIDs); err != nil {
		return nil, withField("code_ids", err)
	}
	var err error
	if strings.TrimSpace(in.Slug) != "" {
		e.Slug, err = CheckSlug(in.Slug)
	} else {
		e.Slug = DefaultSlug(name)
	}
	if err != nil {
		return nil, err
	}
	e.Salt = make([]byte, 32)
	if _, err := rand.Read(e.Salt); err != nil {
		return nil, err
	}
	return e, nil
}

// checkVariantCodes checks that ids are 2 to 4 distinct active codes of
// the account, and of the affiliate when one is set.
func (s *Store) checkVariantCodes(ctx context.Context, accountID uint64, affiliateID *uint64, ids []uint64) error {
	if len(ids) < experiment.MinVariants || len(ids) > experiment.MaxVariants {
		return invalidf("pick 2 to 4 codes, not %d", len(ids))
	}
	seen := map[uint64]bool{}
	for _, id := range ids {
		if seen[id] {
			return invalidf("each code can be one variant only")
		}
		seen[id] = true
	}
	var codes []Code
	if err := s.db.WithContext(ctx).Where("account_id = ? AND id IN ?", accountID, ids).Find(&codes).Error; err != nil {
		return err
	}
	if len(codes) != len(ids) {
		return invalidf("a code picked is not one of this account's codes")
	}
	for _, c := range codes {
		switch {
		case !c.Active:
			return invalidf("code %s is off: turn it on, or pick another", c.Code)
		case affiliateID != nil && (c.AffiliateID == nil || *c.AffiliateID != *affiliateID):
			return invalidf("code %s is not this affiliate's: pick the affiliate's own codes", c.Code)
		}
	}
	return nil
}

// linkSlugTaken reports whether a code link or an experiment has slug.
func (s *Store) linkSlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT (SELECT COUNT(*) FROM links WHERE slug = ?) + (SELECT COUNT(*) FROM experiments WHERE slug = ?)",
		slug, slug).Scan(&n).Error
	return n > 0, err
}

// ListExperiments is the account's experiments, newest first.
func (s *Store) ListExperiments(ctx context.Context, accountID uint64) ([]ExperimentView, error) {
	var es []Experiment
	if err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Find(&es).Error; err != nil {
		return nil, wrapErr("list experiments", err)
	}
	out := make([]ExperimentView, 0, len(es))
	for _, e := range es {
		v, err := s.experimentView(ctx, e)
		if err != nil {
			return nil, wrapErr("list experiments", err)
		}
		out = append(out, *v)
	}
	return out, nil
}

// GetExperiment is one experiment of the account; another account's is
// ErrNotFound.
func (s *Store) GetExperiment(ctx context.Context, accountID, id uint64) (*ExperimentView, error) {
	var e Experiment
	if err := first(s.db.WithContext(ctx), &e, "experiment", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get experiment", err)
	}
	v, err := s.experimentView(ctx, e)
	return v, wrapErr("get experiment", err)
}

// experimentView names e's variants' codes and its affiliate.
func (s *Store) experimentView(ctx context.Context, e Experiment) (*ExperimentView, error) {
	v := &ExperimentView{Experiment: e, Variants: []VariantCode{}}
	err := s.db.WithContext(ctx).Raw(`SELECT v.position, v.code_id, COALESCE(c.code, '') AS code,
	COALESCE(c.discount_type, '') AS discount_type, COALESCE(c.discount_value, 0) AS discount_value, COALESCE(c.currency, '') AS currency
FROM experiment_variants v LEFT JOIN codes c ON c.id = v.code_id AND c.account_id = v.account_id
WHERE v.experiment_id = ? AND v.account_id = ? ORDER BY v.position`, e.ID, e.AccountID).Scan(&v.Variants).Error
	if err != nil || e.AffiliateID == nil {
		return v, err
	}
	a, err := s.GetAffiliate(ctx, e.AccountID, *e.AffiliateID)
	if err == nil {
		v.Affiliate = a.Name
	}
	return v, nil
}

// StopExperiment stops a running experiment: its link sends everyone to
// the winner (when the test declared one) or to the first variant from
// now on, and counts nothing more. Its codes are left as they are.
// Stopping a stopped experiment is ErrConflict.
func (s *Store) StopExperiment(ctx context.Context, accountID, id uint64) (*ExperimentView, error) {
	r, err := s.ExperimentReport(ctx, accountID, id)
	if err != nil {
		return nil, wrapErr("stop experiment", err)
	}
	if r.Experiment.Status != ExperimentRunning {
		return nil, wrapErr("stop experiment", conflictf("this experiment is already stopped"))
	}
	final, winner := 0, false
	if r.Verdict == experiment.Winner && r.Winner >= 0 {
		final, winner = r.Winner, true
	}
	now := s.now()
	res := s.db.WithContext(ctx).Model(&Experiment{}).Where("id = ? AND account_id = ? AND status = ?", id, accountID, ExperimentRunning).
		Updates(map[string]any{"status": ExperimentStopped, "stopped_at": now, "final_position": final, "final_winner": winner, "updated_at": now})
	if res.Error != nil {
		return nil, wrapErr("stop experiment", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, wrapErr("stop experiment", conflictf("this experiment is already stopped"))
	}
	return s.GetExperiment(ctx, accountID, id)
}
